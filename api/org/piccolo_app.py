import os

from piccolo.conf.apps import AppConfig

from api.org import tables

APP_CONFIG = AppConfig(
    app_name="org",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Agency,
        tables.OrgUnit,
        tables.Office,
        tables.User,
        tables.RoleGrant,
        tables.OfficeAssignment,
        tables.Placement,
        tables.ActingSupervisor,
    ],
    migration_dependencies=[],
    commands=[],
)
