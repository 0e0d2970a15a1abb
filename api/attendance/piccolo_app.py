import os

from piccolo.conf.apps import AppConfig

from api.attendance import tables

APP_CONFIG = AppConfig(
    app_name="attendance",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.CheckIn,
        tables.PatternAssignment,
        tables.MovementSlip,
        tables.TaskNote,
        tables.AttendanceIssue,
        tables.LeaveRecord,
        tables.CalendarOverride,
        tables.ClockBrokenDate,
        tables.PunchDevice,
        tables.AttendanceSetting,
        tables.AgencyPattern,
        tables.EarlyLeave,
        tables.IssueRecompute,
    ],
    migration_dependencies=["api.org.piccolo_app"],
    commands=[],
)
