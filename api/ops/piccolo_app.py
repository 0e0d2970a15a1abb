import os

from piccolo.conf.apps import AppConfig

from api.ops import tables

APP_CONFIG = AppConfig(
    app_name="ops",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[tables.ScheduledRun],
    migration_dependencies=[],
    commands=[],
)
