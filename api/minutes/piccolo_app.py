import os

from piccolo.conf.apps import AppConfig

from api.accounts.services import APPROVALS_WAITING
from api.minutes import reads, tables
from api.minutes.services.inbox import has_pending_minutes
from api.minutes.services.reading import minutes_confirmed
from api.papers.services import MINUTES_CONFIRMED

APP_CONFIG = AppConfig(
    app_name="minutes",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Minutes,
        tables.MinutesVersion,
        tables.MinutesReviewer,
        tables.MinutesComment,
        tables.Action,
        tables.ActionFeedback,
        reads.MinutesRead,
    ],
    migration_dependencies=["api.org.piccolo_app", "api.meetings.piccolo_app"],
    commands=[],
)

# The questions lower areas ask that this area answers (api.core.hooks): registered here, where
# Piccolo's registry loads every area's app in every process that touches the database.
APPROVALS_WAITING.register(has_pending_minutes)
MINUTES_CONFIRMED.register(minutes_confirmed)
