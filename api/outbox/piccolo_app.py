import os

from piccolo.conf.apps import AppConfig

from api.outbox import tables

APP_CONFIG = AppConfig(
    app_name="outbox",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Notification,
        tables.PushSubscriptionRecord,
        tables.NotificationPreference,
        tables.NotificationSetting,
        tables.AgencyMailSetting,
        tables.FeedItem,
    ],
    migration_dependencies=["api.org.piccolo_app"],
    commands=[],
)
