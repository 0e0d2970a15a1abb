import os

from piccolo.conf.apps import AppConfig

from api.files import tables

APP_CONFIG = AppConfig(
    app_name="files",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[tables.StoredBlob],
    migration_dependencies=[],
    commands=[],
)
