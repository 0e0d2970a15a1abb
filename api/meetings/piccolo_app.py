import os

from piccolo.conf.apps import AppConfig

from api.meetings import tables

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
