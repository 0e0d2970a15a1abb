"""Piccolo's configuration module (PICCOLO_CONF=api.piccolo_conf): the engine and the apps.

The engine is `api.db.engine()` (from DATABASE_URL through `api.config`); each business area
that owns tables is a Piccolo app with its own migrations folder.
"""

from piccolo.conf.apps import AppRegistry

from api.db import engine

DB = engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "api.org.piccolo_app",
        "api.accounts.piccolo_app",
        "api.meetings.piccolo_app",
        "api.ops.piccolo_app",
        "api.outbox.piccolo_app",
        "api.attendance.piccolo_app",
        "api.files.piccolo_app",
        "api.papers.piccolo_app",
        "api.minutes.piccolo_app",
    ]
)
