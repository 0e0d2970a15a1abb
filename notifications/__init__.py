"""Delivery layer of Hadir: Web Push, e-mail over SMTP, iCalendar, message templates.

No database code and no imports from ``api``; see ``notifications/README.md`` for the
interface the outbox uses. Submodules are imported explicitly (``notifications.push`` …) so
that importing one channel does not load the others' dependencies.
"""
