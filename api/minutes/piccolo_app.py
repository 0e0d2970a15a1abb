import os

from piccolo.conf.apps import AppConfig

from api.minutes import reads, tables

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
