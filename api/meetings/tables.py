"""Committees and their members (meetings, minutes and actions build on these)."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.org.tables import Agency, OrgUnit, User


class Committee(Table, tablename="committee"):
    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    unit = ForeignKey(OrgUnit, on_delete=OnDelete.restrict, null=True, default=None)
    parent: ForeignKey[Committee] = ForeignKey(
        "self", on_delete=OnDelete.restrict, null=True, default=None
    )
    code = Varchar(length=64)
    name = Varchar(length=255)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index committee_code_per_agency on ["agency", "code"]: see migrations


class CommitteeMember(Table, tablename="committee_member"):
    """A committee-scoped role grant: chair, secretariat or member, in seniority order."""

    id = Serial(primary_key=True)
    committee = ForeignKey(Committee, on_delete=OnDelete.cascade, null=False)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    role = Varchar(length=16)
    seniority = Integer(default=100)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index committee_member_once on ["committee", "user"]: see migrations
