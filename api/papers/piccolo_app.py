import os

from piccolo.conf.apps import AppConfig

from api.papers import tables

APP_CONFIG = AppConfig(
    app_name="papers",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[tables.Paper, tables.PaperDownload],
    migration_dependencies=["api.meetings.piccolo_app", "api.files.piccolo_app"],
    commands=[],
)
