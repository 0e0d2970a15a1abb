"""Attendance (SPOT-Me): check-ins, working hours, daily status, attendance issues.

Pure rules, no database or web imports (the attendance service feeds them rows):

- `api.attendance.calendar` — states, weekends by state (effective-dated), public holidays per
  state from the `holidays` package plus agency overrides, working-day counting.
- `api.attendance.patterns` — working patterns as data (WBB WP1–WP3, Ramadan WP4–WP6, WBF),
  effective-dated pattern assignments, the Ramadan period.
- `api.attendance.rules` — punches and their verdicts, leave, the pregnant officers' early leave,
  daily status, attendance issues, escalation, first-check-in buckets.
"""
