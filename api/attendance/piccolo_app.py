import os

from piccolo.conf.apps import AppConfig

from api.accounts.services import APPROVALS_WAITING
from api.attendance import tables
from api.attendance.team import acting_for

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


async def acts_for_a_supervisor_today(user_id: int) -> bool:
    return bool(await acting_for(user_id))


# Someone acting for a supervisor today (api.org.acting) uses the supervisor's screens
# (api.core.hooks: the question accounts asks, answered here).
APPROVALS_WAITING.register(acts_for_a_supervisor_today)
