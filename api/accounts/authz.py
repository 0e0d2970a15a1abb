"""Authorization: the one mechanism every route goes through.

Each route handler declares `opt={"access": Access.X}`. The app-wide `access_guard` loads the
signed-in person (a `Principal`) from the session and enforces the declared access level; a
route that declares nothing is refused (fail closed), and `tests/api/test_route_access.py`
walks the route table so none can slip through. Whether a principal may touch one particular
record (same agency, inside a unit subtree, own record) is checked in the services with the
helpers on `Principal`, and a record outside scope answers 404, never 403, so ids leak nothing.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from api.config import get_settings
from api.core import raw_sql
from api.core.access import Access as Access  # re-exported: routes import it from here
from api.core.errors import AppError


class Role(StrEnum):
    SUPER_ADMIN = "super_admin"
    AGENCY_ADMIN = "agency_admin"
    EXECUTIVE = "executive"


class Scope(StrEnum):
    PLATFORM = "platform"
    AGENCY = "agency"
    UNIT = "unit"


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.SUPER_ADMIN: frozenset({Scope.PLATFORM}),
    Role.AGENCY_ADMIN: frozenset({Scope.AGENCY}),
    Role.EXECUTIVE: frozenset({Scope.AGENCY, Scope.UNIT}),
}


class Stage(StrEnum):
    """How far a session has come. Only FULL may use the application."""

    PASSWORD_CHANGE = "password_change"  # noqa: S105 - signed in with a temporary password
    ENROL_MFA = "enrol_mfa"  # password changed, no second factor yet (first sign-in)
    FULL = "full"


class Grant(msgspec.Struct, frozen=True):
    role: str
    scope_type: str
    scope_id: int | None
    # For unit scopes: the unit's materialised path, so subtree checks need no query.
    unit_path: str = ""


class Reach(msgspec.Struct, frozen=True):
    """How far one role grant reaches: every agency (`agency_id` None), one agency, or one unit
    subtree of an agency (`unit_path` non-empty); and whether it administers or only reads."""

    administers: bool
    agency_id: int | None
    unit_path: str = ""

    def covers(self, other: Reach) -> bool:
        if other.administers and not self.administers:
            return False
        if self.agency_id is None:
            return True
        return other.agency_id == self.agency_id and other.unit_path.startswith(self.unit_path)


def reach_of(grant: Grant, holder_agency_id: int) -> Reach:
    """A unit scope lies in the holder's own agency (grants are checked against it)."""
    if grant.role == Role.SUPER_ADMIN:
        return Reach(administers=True, agency_id=None)
    if grant.role == Role.AGENCY_ADMIN:
        return Reach(administers=True, agency_id=grant.scope_id)
    if grant.scope_type == Scope.UNIT:
        return Reach(administers=False, agency_id=holder_agency_id, unit_path=grant.unit_path)
    return Reach(administers=False, agency_id=grant.scope_id)


class Principal(msgspec.Struct, frozen=True):
    user_id: int
    agency_id: int
    login_id: str
    name: str
    language: str
    grants: tuple[Grant, ...] = ()
    stage: Stage = Stage.FULL

    @property
    def must_change_password(self) -> bool:
        return self.stage == Stage.PASSWORD_CHANGE

    @property
    def is_super_admin(self) -> bool:
        return any(g.role == Role.SUPER_ADMIN for g in self.grants)

    def is_agency_admin(self, agency_id: int | None = None) -> bool:
        if self.is_super_admin:
            return True
        target = self.agency_id if agency_id is None else agency_id
        return any(g.role == Role.AGENCY_ADMIN and g.scope_id == target for g in self.grants)

    def can_administer(self, agency_id: int) -> bool:
        """Agency administrators act on their own agency only; super administrators on all."""
        return self.is_agency_admin(agency_id)

    def reaches(self, grants: tuple[Grant, ...] | list[Grant], holder_agency_id: int) -> bool:
        """True when each of these grants (someone's roles, or a role to be granted) reaches no
        further than one of the principal's own: the rank rule of account administration."""
        own = [reach_of(g, self.agency_id) for g in self.grants]
        return all(any(mine.covers(reach_of(g, holder_agency_id)) for mine in own) for g in grants)

    def can_view_unit(self, agency_id: int, unit_path: str | None) -> bool:
        """Executives see their agency or their unit subtree; administrators their agency."""
        if self.can_administer(agency_id):
            return True
        for grant in self.grants:
            if grant.role != Role.EXECUTIVE:
                continue
            if grant.scope_type == Scope.AGENCY and grant.scope_id == agency_id:
                return True
            if (
                grant.scope_type == Scope.UNIT
                and agency_id == self.agency_id
                and unit_path is not None
                and unit_path.startswith(grant.unit_path)
            ):
                return True
        return False

    def has_access(self, access: Access) -> bool:
        if access in (Access.PUBLIC, Access.PASSWORD_CHANGE):
            return True
        if access == Access.MFA_ENROL:
            return self.stage in (Stage.ENROL_MFA, Stage.FULL)
        if self.stage != Stage.FULL:
            return False
        if access == Access.SIGNED_IN:
            return True
        if access == Access.SUPER_ADMIN:
            return self.is_super_admin
        if access == Access.AGENCY_ADMIN:
            return self.is_super_admin or any(g.role == Role.AGENCY_ADMIN for g in self.grants)
        if access == Access.EXECUTIVE:
            return self.is_super_admin or any(
                g.role in (Role.AGENCY_ADMIN, Role.EXECUTIVE) for g in self.grants
            )
        return False


SESSION_USER = "uid"
# Request state: (user id, security stamp) read in the same statement as the session (the
# database session store does), so that a warm request sends one statement for both.
STAMP_READ_WITH_SESSION = "stamp_read_with_session"
SESSION_CREATED = "created"
SESSION_STAGE = "stage"
# A password checked, waiting for the second factor: not yet a principal.
SESSION_MFA_USER = "mfa_uid"
SESSION_MFA_AT = "mfa_at"
MFA_PENDING_SECONDS = 300


PRINCIPAL_TTL_SECONDS = 30.0
PRINCIPAL_CACHE_MAX = 50_000


class _Cached(msgspec.Struct, frozen=True):
    loaded_at: float
    stamp: int
    principal: Principal | None


# (user id, session created, session stage) -> the principal built for it, with the stamp read.
_principals: dict[tuple[int, float, str], _Cached] = {}


def forget_principals() -> None:
    """Drops every cached principal of this process (tests; nothing else needs it)."""
    _principals.clear()


async def load_principal(
    user_id: int,
    session_created: float,
    session_stage: str = Stage.FULL,
    stamp: int | None = None,
) -> Principal | None:
    """The principal for a session, or None when the session may no longer act.

    Checked on every request, so freezing, terminating or changing the password ends existing
    sessions at their next request. Building a principal takes 3–4 queries, so each process
    keeps it for `PRINCIPAL_TTL_SECONDS` per session and re-reads only the person's
    `security_stamp` (one indexed read): database triggers bump it whenever anything the
    principal is built from changes (see the accounts migration "security stamp triggers"),
    in any process, so a stale principal is never used. `stamp`: the stamp this request has
    already read (with the session, `STAMP_READ_WITH_SESSION`), saving that read.
    """
    settings = get_settings()
    created = datetime.fromtimestamp(session_created, UTC)
    if datetime.now(UTC) - created > timedelta(hours=settings.session_absolute_hours):
        return None
    key = (user_id, session_created, str(session_stage))
    cached = _principals.get(key)
    if (
        cached is not None
        and time.monotonic() - cached.loaded_at < PRINCIPAL_TTL_SECONDS
        and (stamp if stamp is not None else await _read_stamp(user_id)) == cached.stamp
    ):
        return cached.principal
    loaded_at = time.monotonic()
    stamp, principal = await _build_principal(user_id, created, str(session_stage))
    if stamp is not None:
        if len(_principals) >= PRINCIPAL_CACHE_MAX:
            _principals.clear()
        _principals[key] = _Cached(loaded_at, stamp, principal)
    else:
        _principals.pop(key, None)
    return principal


# The person, their credential, whether they have a second factor (the rule of
# `api.accounts.mfa.has_second_factor`) and whether they hold any role, in one statement:
# one snapshot, so the stamp is never newer than what was read with it. Raw SQL because this
# runs for every first request of a session and Piccolo's query building cost more than the
# query (docs/performance.md).
_PRINCIPAL_SQL = (
    "SELECT c.security_stamp, u.agency, u.login_id, u.name, u.language, u.state,"
    " c.password_is_temporary, c.password_changed_at, c.locked_at,"
    ' (EXISTS (SELECT 1 FROM passkey WHERE "user" = c."user")'
    ' OR EXISTS (SELECT 1 FROM totp_factor WHERE "user" = c."user"'
    " AND confirmed_at IS NOT NULL)) AS has_factor,"
    ' EXISTS (SELECT 1 FROM role_grant WHERE "user" = c."user") AS has_grants'
    ' FROM credential c JOIN app_user u ON u.id = c."user" WHERE c."user" = {}'
)
_GRANTS_SQL = (
    "SELECT g.role, g.scope_type, g.scope_id, o.path FROM role_grant g"
    " LEFT JOIN org_unit o ON g.scope_type = 'unit' AND o.id = g.scope_id"
    ' WHERE g."user" = {} ORDER BY g.id'
)
_STAMP_SQL = 'SELECT security_stamp FROM credential WHERE "user" = {}'


def _moment(value: Any) -> datetime | None:
    """A timestamp from a raw query (SQLite may give text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def _read_stamp(user_id: int) -> int | None:
    rows = await raw_sql.fetch(_STAMP_SQL, user_id)
    return int(rows[0]["security_stamp"]) if rows else None


async def grants_of(user_id: int) -> tuple[Grant, ...]:
    """A person's role grants, with the paths of unit scopes."""
    return tuple(
        Grant(
            role=g["role"],
            scope_type=g["scope_type"],
            scope_id=g["scope_id"],
            # A unit that no longer exists matches no path.
            unit_path=(g["path"] if g["path"] is not None else "\0")
            if g["scope_type"] == Scope.UNIT
            else "",
        )
        for g in await raw_sql.fetch(_GRANTS_SQL, user_id)
    )


async def _build_principal(
    user_id: int, created: datetime, session_stage: str
) -> tuple[int | None, Principal | None]:
    """(the security stamp read with the rest, the principal or None); stamp None: no
    credential."""
    rows = await raw_sql.fetch(_PRINCIPAL_SQL, user_id)
    if not rows:
        return None, None
    row = rows[0]
    stamp = int(row["security_stamp"])
    if row["state"] != "active" or row["locked_at"] is not None:
        return stamp, None
    changed = _moment(row["password_changed_at"])
    if changed is not None and changed > created:
        return stamp, None
    has_factor = bool(row["has_factor"])
    if bool(row["password_is_temporary"]):
        stage = Stage.PASSWORD_CHANGE
    elif session_stage == Stage.ENROL_MFA:
        # Enrolment sessions exist only while the account has no second factor: once one is
        # enrolled (by the session that did it, which becomes FULL), any other is void.
        if has_factor:
            return stamp, None
        stage = Stage.ENROL_MFA
    elif session_stage == Stage.FULL:
        # An administrator removed every factor: enrol again before doing anything else.
        stage = Stage.FULL if has_factor else Stage.ENROL_MFA
    else:
        return stamp, None
    grants = await grants_of(user_id) if bool(row["has_grants"]) else ()
    return stamp, Principal(
        user_id=user_id,
        agency_id=row["agency"],
        login_id=row["login_id"],
        name=row["name"],
        language=row["language"],
        grants=grants,
        stage=stage,
    )


def route_access(route_handler: BaseRouteHandler) -> Access | None:
    value = route_handler.opt.get("access")
    return Access(value) if value is not None else None


async def session_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal of the request's session, or None (signed out, a sign-in waiting for its
    second factor, or a session that may no longer act: that one is cleared)."""
    session = connection.scope.get("session") or {}
    if not isinstance(session, dict):
        return None
    user_id = session.get(SESSION_USER)
    created = session.get(SESSION_CREATED)
    stage = session.get(SESSION_STAGE, Stage.FULL)
    principal = None
    if isinstance(user_id, int) and isinstance(created, (int, float)):
        read = connection.scope.get("state", {}).get(STAMP_READ_WITH_SESSION)
        stamp = read[1] if read is not None and read[0] == user_id else None
        principal = await load_principal(user_id, float(created), str(stage), stamp)
    if principal is None and user_id is not None:
        connection.clear_session()
    return principal


def second_factor_pending(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """The password was right and the session waits for the second factor."""
    session = connection.scope.get("session") or {}
    return (
        isinstance(session, dict)
        and session.get(SESSION_USER) is None
        and session.get(SESSION_MFA_USER) is not None
    )


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler
) -> None:
    access = route_access(route_handler)
    if access is None:
        # Fail closed: a route without a declared access rule is a programming error.
        raise PermissionDeniedException("route has no access rule")
    if access == Access.PUBLIC:
        return
    principal = await session_principal(connection)
    if principal is None:
        if second_factor_pending(connection):
            # The password was right; the app should show the second-factor step again.
            raise AppError("mfa_pending", status_code=401)
        raise NotAuthorizedException()
    connection.scope.setdefault("state", {})["principal"] = principal
    connection.scope["state"]["language"] = principal.language
    if not principal.has_access(access):
        if principal.stage == Stage.PASSWORD_CHANGE:
            raise AppError("password_change_required", status_code=403)
        if principal.stage == Stage.ENROL_MFA:
            raise AppError("mfa_enrolment_required", status_code=403)
        raise PermissionDeniedException()


def current_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency: the principal `access_guard` loaded for this request."""
    principal = request.scope.get("state", {}).get("principal")
    if principal is None:
        raise NotAuthorizedException()
    return principal  # type: ignore[no-any-return]
