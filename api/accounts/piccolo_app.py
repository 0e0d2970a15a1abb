import os

from piccolo.conf.apps import AppConfig

from api.accounts import tables

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Credential,
        tables.HttpSession,
        tables.AuditEvent,
        tables.TotpFactor,
        tables.Passkey,
        tables.RecoveryCode,
        tables.PasswordReset,
    ],
    migration_dependencies=["api.org.piccolo_app"],
    commands=[],
)
