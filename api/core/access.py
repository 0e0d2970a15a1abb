"""Who may call a route: the `access` each handler declares in its `opt`, read by
`api.accounts.authz.access_guard`. Here, below every area, so that core routes (health) can
declare it too."""

from __future__ import annotations

from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"  # no sign-in (health, sign-in itself, static files)
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - any session, even one opened with a temporary password
    MFA_ENROL = "mfa_enrol"  # sessions that may add a second factor (first sign-in, or full)
    SIGNED_IN = "signed_in"  # any active account with a complete sign-in
    EXECUTIVE = "executive"  # executives, agency administrators, super administrators
    AGENCY_ADMIN = "agency_admin"  # agency administrators and super administrators
    SUPER_ADMIN = "super_admin"
