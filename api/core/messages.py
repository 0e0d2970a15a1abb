"""Messages the server shows to people (API errors), in Malay and English, keyed by code.

The PWA has its own catalogues for its screens; these are the texts that come from the server.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "bad_request": {
        "ms": "Permintaan tidak sah.",
        "en": "The request is not valid.",
    },
    "validation_error": {
        "ms": "Sebahagian maklumat yang dihantar tidak sah. Sila semak medan yang ditanda.",
        "en": "Some of the information sent is not valid. Please check the marked fields.",
    },
    "field_invalid": {
        "ms": "Medan '{field}' tidak sah: {reason}",
        "en": "Field '{field}' is not valid: {reason}",
    },
    "not_authenticated": {
        "ms": "Sila log masuk dahulu.",
        "en": "Please sign in first.",
    },
    "forbidden": {
        "ms": "Anda tidak mempunyai kebenaran untuk tindakan ini.",
        "en": "You do not have permission for this action.",
    },
    "not_found": {
        "ms": "Rekod tidak dijumpai.",
        "en": "The record was not found.",
    },
    "method_not_allowed": {
        "ms": "Kaedah permintaan ini tidak dibenarkan di sini.",
        "en": "This request method is not allowed here.",
    },
    "conflict": {
        "ms": "Rekod ini bercanggah dengan rekod sedia ada.",
        "en": "This record conflicts with an existing one.",
    },
    "too_large": {
        "ms": "Kandungan yang dihantar terlalu besar.",
        "en": "The content sent is too large.",
    },
    "unsupported_media_type": {
        "ms": "Jenis kandungan tidak disokong.",
        "en": "The content type is not supported.",
    },
    "rate_limited": {
        "ms": "Terlalu banyak percubaan. Sila cuba sebentar lagi.",
        "en": "Too many attempts. Please try again shortly.",
    },
    "internal_error": {
        "ms": "Ralat dalaman pelayan. Tiada data anda hilang; sila cuba lagi.",
        "en": "Internal server error. None of your data was lost; please try again.",
    },
    "unavailable": {
        "ms": "Perkhidmatan tidak tersedia buat sementara waktu.",
        "en": "The service is temporarily unavailable.",
    },
    "http_error": {
        "ms": "Permintaan tidak dapat diproses.",
        "en": "The request could not be processed.",
    },
    "invalid_credentials": {
        "ms": "ID pengguna atau kata laluan tidak betul.",
        "en": "The user ID or password is not correct.",
    },
    "password_change_required": {
        "ms": "Sila tukar kata laluan sementara anda dahulu.",
        "en": "Please change your temporary password first.",
    },
    "duplicate_login_id": {
        "ms": "ID log masuk '{login_id}' sudah digunakan.",
        "en": "Login ID '{login_id}' is already in use.",
    },
    "duplicate_code": {
        "ms": "Kod '{code}' sudah digunakan dalam agensi ini.",
        "en": "Code '{code}' is already used in this agency.",
    },
    "duplicate_name": {
        "ms": "Nama '{name}' sudah wujud di bawah induk yang sama.",
        "en": "Name '{name}' already exists under the same parent.",
    },
    "unit_not_in_agency": {
        "ms": "Unit yang dipilih bukan dalam agensi ini.",
        "en": "The chosen unit is not in this agency.",
    },
    "unit_cycle": {
        "ms": "Unit tidak boleh diletakkan di bawah dirinya sendiri atau unit bawahannya.",
        "en": "A unit cannot be placed under itself or one of its own sub-units.",
    },
    "unit_not_empty": {
        "ms": "Unit ini masih mempunyai unit bawahan atau pegawai.",
        "en": "This unit still has sub-units or officers.",
    },
    "supervisor_not_in_agency": {
        "ms": "Penyelia mestilah pegawai dalam agensi yang sama.",
        "en": "The supervisor must be an officer of the same agency.",
    },
    "supervisor_cycle": {
        "ms": "Rantaian penyeliaan tidak boleh berpusing kembali kepada pegawai ini.",
        "en": "The reporting line cannot loop back to this officer.",
    },
    "office_not_in_agency": {
        "ms": "Pejabat yang dipilih bukan dalam agensi ini.",
        "en": "The chosen office is not in this agency.",
    },
    "invalid_geometry": {
        "ms": "Sempadan pejabat tidak sah: {reason}",
        "en": "The office outline is not valid: {reason}",
    },
    "invalid_role": {
        "ms": "Peranan '{role}' tidak boleh diberi dengan skop '{scope}'.",
        "en": "Role '{role}' cannot be granted with scope '{scope}'.",
    },
    "import_invalid": {
        "ms": "Fail import mempunyai {count} ralat. Tiada rekod diimport.",
        "en": "The import file has {count} errors. Nothing was imported.",
    },
    "csv_unreadable": {
        "ms": "Fail CSV tidak dapat dibaca: {reason}",
        "en": "The CSV file could not be read: {reason}",
    },
    "password_rejected": {
        "ms": "Kata laluan baharu tidak boleh diterima.",
        "en": "The new password cannot be accepted.",
    },
    "password_too_short": {
        "ms": "Kata laluan mesti sekurang-kurangnya 8 aksara.",
        "en": "The password must be at least 8 characters long.",
    },
    "password_too_long": {
        "ms": "Kata laluan tidak boleh melebihi 256 aksara.",
        "en": "The password cannot be longer than 256 characters.",
    },
    "password_personal": {
        "ms": "Kata laluan tidak boleh mengandungi ID, nama atau agensi anda.",
        "en": "The password must not contain your ID, name or agency.",
    },
    "password_common": {
        "ms": "Kata laluan ini terlalu biasa dan mudah diteka.",
        "en": "This password is too common and easy to guess.",
    },
    "current_password_wrong": {
        "ms": "Kata laluan semasa tidak betul.",
        "en": "The current password is not correct.",
    },
    "password_same_as_current": {
        "ms": "Kata laluan baharu mesti berbeza daripada yang semasa.",
        "en": "The new password must differ from the current one.",
    },
    "mfa_failed": {
        "ms": "Pengesahan faktor kedua gagal.",
        "en": "The second-factor check failed.",
    },
    "mfa_code_wrong": {
        "ms": "Kod tidak betul atau sudah digunakan.",
        "en": "The code is wrong or has already been used.",
    },
    "mfa_expired": {
        "ms": "Masa untuk pengesahan faktor kedua telah tamat. Sila log masuk semula.",
        "en": "Time for the second-factor check ran out. Please sign in again.",
    },
    "mfa_enrolment_required": {
        "ms": "Sila daftarkan faktor kedua (aplikasi pengesah atau kunci laluan) dahulu.",
        "en": "Please set up a second factor (authenticator app or passkey) first.",
    },
    "totp_already_enrolled": {
        "ms": "Aplikasi pengesah sudah didaftarkan untuk akaun ini.",
        "en": "An authenticator app is already set up for this account.",
    },
    "passkey_invalid": {
        "ms": "Kunci laluan tidak dapat disahkan: {reason}",
        "en": "The passkey could not be verified: {reason}",
    },
    "passkey_unknown": {
        "ms": "Kunci laluan ini tidak dikenali untuk akaun ini.",
        "en": "This passkey is not known for this account.",
    },
    "passkey_challenge_expired": {
        "ms": "Permintaan kunci laluan telah tamat tempoh. Sila cuba lagi.",
        "en": "The passkey request has expired. Please try again.",
    },
    "passkey_already_registered": {
        "ms": "Kunci laluan ini sudah didaftarkan.",
        "en": "This passkey is already registered.",
    },
    "last_factor": {
        "ms": "Faktor kedua yang terakhir tidak boleh dibuang. Tambah yang lain dahulu.",
        "en": "The last second factor cannot be removed. Add another one first.",
    },
    "account_terminated": {
        "ms": "Akaun ini telah ditamatkan dan tidak boleh diubah.",
        "en": "This account has been terminated and cannot be changed.",
    },
    "account_not_frozen": {
        "ms": "Akaun ini tidak dibekukan.",
        "en": "This account is not frozen.",
    },
    "reset_requested": {
        "ms": "Jika ID ini wujud dan mempunyai e-mel rasmi, pautan untuk menetapkan semula "
        "kata laluan telah dihantar. Pautan sah selama 60 minit.",
        "en": "If this ID exists and has an official e-mail, a link to reset the password "
        "has been sent. The link is valid for 60 minutes.",
    },
    "reset_link_invalid": {
        "ms": "Pautan ini tidak sah, telah digunakan atau telah tamat tempoh. "
        "Sila minta pautan baharu.",
        "en": "This link is not valid, was already used or has expired. Please ask for a new one.",
    },
    "invalid_fix": {
        "ms": "Kedudukan tidak sah: {reason}",
        "en": "The position is not valid: {reason}",
    },
    "check_in_already_decided": {
        "ms": "Rekod kehadiran ini sudah diputuskan oleh penyelia.",
        "en": "This attendance record has already been decided by the supervisor.",
    },
    "mfa_pending": {
        "ms": "Sila sahkan log masuk dengan faktor kedua anda.",
        "en": "Please confirm the sign-in with your second factor.",
    },
    "nul_character": {
        "ms": "Teks mengandungi aksara NUL yang tidak dibenarkan.",
        "en": "The text contains a NUL character, which is not allowed.",
    },
    "slip_window_invalid": {
        "ms": "Masa tamat mesti selepas masa mula.",
        "en": "The end time must be after the start time.",
    },
    "slip_too_long": {
        "ms": "Satu slip pergerakan tidak boleh melebihi 7 hari.",
        "en": "A movement slip cannot be longer than 7 days.",
    },
    "slip_in_the_past": {
        "ms": "Slip pergerakan mesti untuk masa hadapan.",
        "en": "A movement slip must be for a time still to come.",
    },
    "slip_already_closed": {
        "ms": "Slip pergerakan ini sudah diputuskan atau dibatalkan.",
        "en": "This movement slip has already been decided or cancelled.",
    },
    "month_invalid": {
        "ms": "Bulan mesti dalam bentuk TTTT-BB, contohnya 2026-11.",
        "en": "The month must look like YYYY-MM, for example 2026-11.",
    },
    "issue_already_decided": {
        "ms": "Isu kehadiran ini sudah diputuskan.",
        "en": "This attendance issue has already been decided.",
    },
    "note_in_the_future": {
        "ms": "Catatan tugasan tidak boleh untuk hari yang belum tiba.",
        "en": "A task note cannot be for a day still to come.",
    },
    "self_action": {
        "ms": "Anda tidak boleh melakukan tindakan ini ke atas akaun anda sendiri.",
        "en": "You cannot do this to your own account.",
    },
    # notifications (api.outbox)
    "notification_essential": {
        "ms": "Pemberitahuan '{label}' adalah penting dan tidak boleh dimatikan.",
        "en": "'{label}' notifications are essential and cannot be switched off.",
    },
    "notification_channel_unavailable": {
        "ms": "Pemberitahuan '{label}' tidak dihantar melalui saluran ini.",
        "en": "'{label}' notifications are not sent through this channel.",
    },
    "notification_kind_repeated": {
        "ms": "Jenis pemberitahuan '{kind}' disenaraikan lebih daripada sekali.",
        "en": "Notification kind '{kind}' is listed more than once.",
    },
    "digest_not_available": {
        "ms": "Ringkasan harian hanya untuk penyelia dan urus setia jawatankuasa.",
        "en": "The daily digest is only for supervisors and committee secretariats.",
    },
    "quiet_hours_invalid": {
        "ms": "Waktu senyap mesti bermula dan berakhir pada masa yang berbeza.",
        "en": "Quiet hours must start and end at different times.",
    },
    "push_subscription_invalid": {
        "ms": "Langganan pemberitahuan tolak tidak sah: {reason}",
        "en": "The push subscription is not valid: {reason}",
    },
    "unsubscribe_token_invalid": {
        "ms": "Pautan berhenti langgan ini tidak sah atau telah diubah.",
        "en": "This unsubscribe link is not valid or has been altered.",
    },
    "unsubscribe_confirm": {
        "ms": "Berhenti menerima e-mel '{label}' daripada Hadir?",
        "en": "Stop receiving '{label}' e-mails from Hadir?",
    },
    "unsubscribe_button": {
        "ms": "Berhenti langgan",
        "en": "Unsubscribe",
    },
    "unsubscribe_done": {
        "ms": "Anda tidak akan menerima e-mel '{label}' lagi. Tetapan boleh diubah dalam Hadir.",
        "en": "You will no longer receive '{label}' e-mails. You can change this in Hadir.",
    },
}


def message(code: str, language: str, **params: Any) -> str:
    """The text for `code` in `language` (falls back to Malay, then to the code itself)."""
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    template = entry.get(language) or entry["ms"]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
