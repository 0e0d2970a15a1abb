import os

from piccolo.conf.apps import AppConfig

from api.meetings import tables
from api.meetings.invitations import is_committee_secretariat
from api.outbox.digest import DIGEST_AUDIENCE

APP_CONFIG = AppConfig(
    app_name="meetings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Committee,
        tables.CommitteeMember,
        tables.MeetingCounter,
        tables.Meeting,
        tables.AgendaItem,
        tables.Invitation,
        tables.CalendarFeedToken,
    ],
    migration_dependencies=["api.org.piccolo_app"],
    commands=[],
)

# The questions lower areas ask that this area answers (api.core.hooks): registered here, where
# Piccolo's registry loads every area's app in every process that touches the database.
DIGEST_AUDIENCE.register(is_committee_secretariat)
