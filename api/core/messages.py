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
    "report_export_needed": {
        "ms": (
            "Laporan ini melebihi {limit} baris: sediakan fail di latar belakang "
            "(butang 'Sediakan XLSX') dan muat turun apabila siap."
        ),
        "en": (
            "This report has more than {limit} rows: prepare the file in the background "
            "(the 'Prepare XLSX' button) and download it when it is ready."
        ),
    },
    "export_not_ready": {
        "ms": "Fail ini belum siap (atau gagal disediakan). Cuba sebentar lagi.",
        "en": "This file is not ready yet (or could not be prepared). Try again shortly.",
    },
    "export_format_invalid": {
        "ms": "Format fail tidak dikenali: pilih XLSX atau CSV.",
        "en": "Unknown file format: choose XLSX or CSV.",
    },
    "report_scope_too_large": {
        "ms": "Skop ini melebihi {limit} pegawai: sila pilih unit yang lebih kecil.",
        "en": "This scope has more than {limit} officers: please choose a smaller unit.",
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
    "password_blank": {
        "ms": "Kata laluan tidak boleh terdiri daripada ruang kosong sahaja.",
        "en": "A password cannot be made of spaces only.",
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
    "check_in_other_person": {
        "ms": (
            "Rekod kehadiran ini milik orang lain di peranti ini; "
            "ia dihantar apabila dia log masuk."
        ),
        "en": (
            "This attendance record belongs to someone else on this device; "
            "it is sent when they sign in."
        ),
    },
    "check_in_reason_required": {
        "ms": "Tanpa lokasi, pilih jenis dan beri sebab (sekurang-kurangnya 3 aksara).",
        "en": "Without a location, choose the kind and give a reason (at least 3 characters).",
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
    "json_too_deep": {
        "ms": "Data JSON bersarang terlalu dalam.",
        "en": "The JSON data is nested too deeply.",
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
    "warnings_range_invalid": {
        "ms": "Julat tarikh tidak sah: mula mesti sebelum akhir (31 hari paling lama).",
        "en": "The date range is not valid: the start must come before the end (31 days at most).",
    },
    "rejection_note_required": {
        "ms": "Sila nyatakan sebab penolakan; pegawai perlu tahu mengapa.",
        "en": "Please give the reason for the rejection; the officer needs to know why.",
    },
    "issue_already_decided": {
        "ms": "Isu kehadiran ini sudah diputuskan.",
        "en": "This attendance issue has already been decided.",
    },
    "note_in_the_future": {
        "ms": "Catatan tugasan tidak boleh untuk hari yang belum tiba.",
        "en": "A task note cannot be for a day still to come.",
    },
    "justification_too_short": {
        "ms": "Tulis justifikasi sekurang-kurangnya 3 aksara.",
        "en": "Write a justification of at least 3 characters.",
    },
    "note_text_required": {
        "ms": "Tulis catatan tugasan sebelum menyimpan.",
        "en": "Write the task note before saving.",
    },
    "self_action": {
        "ms": "Anda tidak boleh melakukan tindakan ini ke atas akaun anda sendiri.",
        "en": "You cannot do this to your own account.",
    },
    "account_outranks_you": {
        "ms": "Akaun ini mempunyai peranan yang lebih luas daripada peranan anda; hanya pentadbir"
        " yang sama atau lebih tinggi tarafnya boleh mengubahnya.",
        "en": "This account holds roles wider than yours; only an administrator of the same or"
        " higher rank can change it.",
    },
    "role_wider_than_yours": {
        "ms": "Anda tidak boleh memberi peranan yang lebih luas daripada peranan anda sendiri.",
        "en": "You cannot grant a role wider than your own.",
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
        "ms": "Langganan pemberitahuan segera (push) tidak sah: {reason}",
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
    "search_query_length": {
        "ms": "Kata carian mesti antara {min} hingga {max} aksara.",
        "en": "The search words must be {min} to {max} characters long.",
    },
    "unsubscribe_done": {
        "ms": "Anda tidak akan menerima e-mel '{label}' lagi. Tetapan boleh diubah dalam Hadir.",
        "en": "You will no longer receive '{label}' e-mails. You can change this in Hadir.",
    },
    "paper_too_large": {
        "ms": "Fail terlalu besar. Saiz maksimum kertas ialah {limit_mb} MB.",
        "en": "The file is too large. The largest paper allowed is {limit_mb} MB.",
    },
    "paper_type_unsupported": {
        "ms": "Jenis fail ini tidak dibenarkan. Fail yang dibenarkan: {allowed}.",
        "en": "This type of file is not allowed. Allowed files: {allowed}.",
    },
    "paper_type_mismatch": {
        "ms": "Kandungan fail ialah {detected} tetapi namanya berakhir dengan .{extension}. "
        "Sila muat naik fail yang betul.",
        "en": "The file's content is {detected} but its name ends in .{extension}. "
        "Please upload the right file.",
    },
    "paper_file_empty": {
        "ms": "Fail kosong. Sila pilih fail kertas.",
        "en": "The file is empty. Please choose the paper's file.",
    },
    "paper_title_required": {
        "ms": "Sila isi tajuk kertas.",
        "en": "Please enter the paper's title.",
    },
    "paper_title_too_long": {
        "ms": "Tajuk kertas terlalu panjang (maksimum {max} aksara).",
        "en": "The paper's title is too long (at most {max} characters).",
    },
    "paper_classification_refused": {
        "ms": "Dokumen RAHSIA dan RAHSIA BESAR tidak boleh disimpan dalam Hadir.",
        "en": "RAHSIA and RAHSIA BESAR documents may not be stored in Hadir.",
    },
    "paper_classification_unknown": {
        "ms": "Klasifikasi mestilah TERBUKA, TERHAD atau SULIT.",
        "en": "The classification must be TERBUKA, TERHAD or SULIT.",
    },
    "paper_classification_lower": {
        "ms": "Klasifikasi kertas tidak boleh lebih rendah daripada klasifikasi mesyuarat "
        "({meeting}).",
        "en": "A paper's classification cannot be lower than the meeting's ({meeting}).",
    },
    "paper_agenda_item_invalid": {
        "ms": "Perkara agenda ini bukan daripada mesyuarat ini.",
        "en": "This agenda item is not part of this meeting.",
    },
    "import_not_zip": {
        "ms": "Fail import mestilah arkib zip yang mengandungi fail CSV dan PDF minit.",
        "en": "The import file must be a zip archive with the CSV files and minutes PDFs.",
    },
    "paper_meeting_locked": {
        "ms": "Minit mesyuarat ini telah disahkan; kertasnya tidak boleh dipadam lagi.",
        "en": "This meeting's minutes are confirmed; its papers can no longer be deleted.",
    },
    "paper_minutes_kept": {
        "ms": "Minit yang diimport daripada sistem lama tidak boleh dipadam.",
        "en": "Minutes imported from the old system cannot be deleted.",
    },
    "meeting_cancelled": {
        "ms": "Mesyuarat ini telah dibatalkan.",
        "en": "This meeting has been cancelled.",
    },
    "meeting_marking_closed": {
        "ms": "Kehadiran hanya boleh ditanda dari sehari sebelum mesyuarat hingga 24 jam selepas "
        "ia tamat.",
        "en": "Attendance can be marked only from the day before the meeting until 24 hours "
        "after it ends.",
    },
    "meeting_absence_reason_required": {
        "ms": "Sila nyatakan sebab tidak hadir.",
        "en": "Please give the reason for the absence.",
    },
    "meeting_representative_required": {
        "ms": "Sila nyatakan nama wakil (tiada wakil dalam maklum balas RSVP).",
        "en": "Please name the representative (none was given in the RSVP).",
    },
    "meeting_representative_unknown": {
        "ms": "Pegawai yang dipilih sebagai wakil tidak dijumpai.",
        "en": "The officer chosen as representative was not found.",
    },
    "meeting_not_invited": {
        "ms": "Anda tidak dijemput ke mesyuarat ini, dan tidak mewakili sesiapa.",
        "en": "You are not invited to this meeting and do not represent anyone there.",
    },
    "meeting_checkin_not_yet": {
        "ms": "Daftar masuk dibuka 30 minit sebelum mesyuarat bermula.",
        "en": "Check-in opens 30 minutes before the meeting starts.",
    },
    "meeting_checkin_over": {
        "ms": "Mesyuarat telah tamat; daftar masuk ditutup. Hubungi urus setia.",
        "en": "The meeting has ended; check-in is closed. Please contact the secretariat.",
    },
    "meeting_checkin_code_or_position": {
        "ms": "Hantar sama ada kod QR bilik mesyuarat atau kedudukan anda (bukan kedua-duanya).",
        "en": "Send either the meeting room's QR code or your position (not both).",
    },
    "meeting_checkin_code_invalid": {
        "ms": "Kod QR ini telah tamat tempoh atau tidak sah. Imbas semula kod pada skrin bilik "
        "mesyuarat.",
        "en": "This QR code has expired or is not valid. Scan the code on the room screen again.",
    },
    "meeting_no_venue": {
        "ms": "Mesyuarat ini tiada lokasi pejabat untuk daftar masuk ikut kedudukan. Imbas kod QR "
        "di bilik mesyuarat.",
        "en": "This meeting has no venue office for check-in by position. Scan the QR code in "
        "the meeting room.",
    },
    "meeting_checkin_outside": {
        "ms": "Anda berada kira-kira {distance} m di luar {office}. Daftar masuk hanya di tempat "
        "mesyuarat, atau imbas kod QR di bilik mesyuarat.",
        "en": "You are about {distance} m outside {office}. Check in at the venue, or scan the "
        "QR code in the meeting room.",
    },
    "meeting_checkin_uncertain": {
        "ms": "Kedudukan anda kurang tepat (±{accuracy} m) untuk memastikan anda di {office}. "
        "Cuba lagi, atau imbas kod QR di bilik mesyuarat.",
        "en": "Your position is not accurate enough (±{accuracy} m) to be sure you are at "
        "{office}. Try again, or scan the QR code in the meeting room.",
    },
    "meeting_calendar_range": {
        "ms": "Julat tarikh tidak sah: tarikh akhir mesti selepas tarikh mula, paling lama {days} "
        "hari.",
        "en": "The date range is not valid: the end must not be before the start, at most {days} "
        "days.",
    },
    "meeting_stats_range": {
        "ms": "Julat tarikh tidak sah: tarikh akhir mesti selepas tarikh mula, paling lama {days} "
        "hari.",
        "en": "The date range is not valid: the end must not be before the start, at most {days} "
        "days.",
    },
    "date_range_invalid": {
        "ms": "Tarikh 'dari' mesti sebelum atau sama dengan tarikh 'hingga'.",
        "en": "The 'from' date must be on or before the 'to' date.",
    },
    "date_range_too_long": {
        "ms": "Julat tarikh terlalu panjang: paling banyak {days} hari.",
        "en": "The date range is too long: at most {days} days.",
    },
    "import_file_missing": {
        "ms": "Sila lampirkan fail CSV (medan 'file').",
        "en": "Please attach a CSV file (field 'file').",
    },
    "import_csv_unreadable": {
        "ms": "Fail ini tidak dapat dibaca sebagai CSV.",
        "en": "This file cannot be read as CSV.",
    },
    "import_columns_missing": {
        "ms": "Lajur berikut tiada pada baris tajuk: {columns}.",
        "en": "These columns are missing from the header row: {columns}.",
    },
    "device_code_invalid": {
        "ms": "Kod peranti mesti 1–32 huruf, angka atau . _ : -",
        "en": "A device code is 1–32 letters, digits or . _ : -",
    },
    "import_too_many_rows": {
        "ms": "Fail ini mempunyai terlalu banyak baris (paling banyak {max}).",
        "en": "This file has too many rows (at most {max}).",
    },
    "minutes_wrong_state": {
        "ms": "Langkah ini tidak dibenarkan semasa minit berstatus '{status}'.",
        "en": "This step is not allowed while the minutes are '{status}'.",
    },
    "minutes_locked": {
        "ms": "Minit telah disahkan dan dikunci; tiada perubahan lagi dibenarkan.",
        "en": "The minutes have been confirmed and are locked; no more changes are allowed.",
    },
    "minutes_not_started": {
        "ms": "Minit mesyuarat ini belum disediakan. Simpan draf minit dahulu.",
        "en": "The minutes of this meeting have not been started. Save a draft first.",
    },
    "minutes_stale_version": {
        "ms": (
            "Minit telah dikemas kini oleh orang lain (versi {current}). Muat semula dan cuba lagi."
        ),
        "en": "Someone else has updated the minutes (version {current}). Reload and try again.",
    },
    "minutes_chair_only": {
        "ms": "Hanya pengerusi jawatankuasa boleh meluluskan atau memulangkan minit.",
        "en": "Only the committee's chair can approve or return the minutes.",
    },
    "minutes_self_approval": {
        "ms": "Anda tidak boleh meluluskan minit yang anda sendiri sediakan.",
        "en": "You cannot approve minutes that you drafted yourself.",
    },
    "minutes_not_reviewer": {
        "ms": "Hanya penyemak yang dilantik dan pengerusi boleh memberi ulasan pada peringkat ini.",
        "en": "Only the appointed reviewers and the chair can comment at this stage.",
    },
    "minutes_reviewer_not_member": {
        "ms": "Setiap penyemak mestilah ahli jawatankuasa ini.",
        "en": "Every reviewer must be a member of this committee.",
    },
    "minutes_due_date_past": {
        "ms": "Tarikh akhir semakan tidak boleh pada masa lalu.",
        "en": "The review due date cannot be in the past.",
    },
    "minutes_confirm_meeting_invalid": {
        "ms": "Minit hanya boleh disahkan dalam mesyuarat kemudian jawatankuasa yang sama.",
        "en": "Minutes can only be confirmed at a later meeting of the same committee.",
    },
    "minutes_confirm_meeting_not_held": {
        "ms": (
            "Minit hanya boleh disahkan dalam mesyuarat yang telah diadakan (telah bermula dan "
            "tidak dibatalkan)."
        ),
        "en": (
            "Minutes can only be confirmed at a meeting that was held (it has started and was not "
            "cancelled)."
        ),
    },
    "minutes_meeting_not_started": {
        "ms": "Minit hanya boleh diluluskan selepas mesyuarat bermula.",
        "en": "Minutes can only be approved after the meeting has started.",
    },
    "minutes_meeting_not_invited": {
        "ms": (
            "Jemputan mesyuarat ini belum dihantar. Hantar jemputan dahulu supaya pengerusi dan "
            "penyemak dapat membuka minit."
        ),
        "en": (
            "The invitations to this meeting have not been sent. Send them first so that the "
            "chair and the reviewers can open the minutes."
        ),
    },
    "action_assignee_invalid": {
        "ms": "Pegawai atau unit yang ditugaskan mestilah dalam agensi jawatankuasa ini.",
        "en": "The assigned officer or unit must be in this committee's agency.",
    },
    "document_damaged": {
        "ms": "Fail ini rosak dan tidak dapat dibuka. Sila maklumkan kepada pentadbir.",
        "en": "This file is damaged and cannot be opened. Please tell your administrator.",
    },
    "feedback_has_attachment": {
        "ms": (
            "Maklum balas ini sudah mempunyai lampiran. Hantar maklum balas baharu untuk fail lain."
        ),
        "en": "This feedback already has an attachment. Send new feedback for another file.",
    },
    "action_not_assignee": {
        "ms": "Hanya pegawai atau unit yang ditugaskan boleh memberi maklum balas tindakan ini.",
        "en": "Only the assigned officer or unit can give feedback on this action.",
    },
    # --- meetings core: committees, meetings, invitations, RSVP (api/meetings) ---
    "committee_invalid": {
        "ms": "Maklumat jawatankuasa tidak sah. Sila semak medan yang ditanda.",
        "en": "The committee details are not valid. Please check the marked fields.",
    },
    "committee_unit_invalid": {
        "ms": "Unit organisasi tiada dalam agensi ini.",
        "en": "The organisation unit is not in this agency.",
    },
    "committee_parent_invalid": {
        "ms": "Jawatankuasa induk mesti jawatankuasa lain dalam agensi yang sama.",
        "en": "The parent committee must be another committee of the same agency.",
    },
    "committee_code_taken": {
        "ms": "Kod jawatankuasa ini sudah digunakan dalam agensi.",
        "en": "This committee code is already used in the agency.",
    },
    "committee_inactive": {
        "ms": "Jawatankuasa ini tidak aktif.",
        "en": "This committee is not active.",
    },
    "member_user_invalid": {
        "ms": "Ahli mesti pegawai aktif dalam agensi jawatankuasa.",
        "en": "A member must be an active officer of the committee's agency.",
    },
    "member_exists": {
        "ms": "Pegawai ini sudah menjadi ahli jawatankuasa.",
        "en": "This officer is already a member of the committee.",
    },
    "chair_exists": {
        "ms": (
            "Jawatankuasa ini sudah mempunyai pengerusi. Tukar peranan pengerusi sedia ada dahulu."
        ),
        "en": "This committee already has a chair. Change the current chair's role first.",
    },
    "committee_sulit_members_by_committee": {
        "ms": (
            "Jawatankuasa ini mempunyai mesyuarat SULIT: keahliannya hanya boleh diubah oleh urus "
            "setia atau pengerusinya."
        ),
        "en": (
            "This committee has SULIT meetings: only its secretariat or chair can change its "
            "membership."
        ),
    },
    "chair_change_not_allowed": {
        "ms": (
            "Hanya pengerusi semasa atau pentadbir agensi boleh menukar pengerusi jawatankuasa."
        ),
        "en": (
            "Only the current chair or the agency administrator can change the committee's chair."
        ),
    },
    "chair_change_not_self": {
        "ms": "Anda tidak boleh melantik diri sendiri sebagai pengerusi.",
        "en": "You cannot appoint yourself as chair.",
    },
    "chair_change_during_approval": {
        "ms": (
            "Pengerusi tidak boleh ditukar semasa minit mesyuarat jawatankuasa ini menunggu "
            "kelulusan pengerusi."
        ),
        "en": (
            "The chair cannot be changed while minutes of this committee await the chair's "
            "approval."
        ),
    },
    "member_order_invalid": {
        "ms": "Susunan mesti mengandungi setiap ahli jawatankuasa sekali sahaja.",
        "en": "The order must list every committee member exactly once.",
    },
    "import_empty": {
        "ms": "Fail CSV kosong.",
        "en": "The CSV file is empty.",
    },
    "import_too_many": {
        "ms": "Fail CSV melebihi had {limit} baris.",
        "en": "The CSV file has more than {limit} rows.",
    },
    "import_too_large": {
        "ms": "Fail CSV terlalu besar.",
        "en": "The CSV file is too large.",
    },
    "import_not_utf8": {
        "ms": "Fail CSV mesti dalam pengekodan UTF-8.",
        "en": "The CSV file must be UTF-8 encoded.",
    },
    "import_bad_role": {
        "ms": "Peranan mesti pengerusi, urus setia atau ahli.",
        "en": "The role must be chair, secretariat or member.",
    },
    "import_bad_seniority": {
        "ms": "Kekananan mesti nombor bulat 0 hingga 100000.",
        "en": "Seniority must be a whole number from 0 to 100000.",
    },
    "import_no_login": {
        "ms": "ID log masuk tiada.",
        "en": "The login ID is missing.",
    },
    "import_duplicate": {
        "ms": "ID log masuk ini berulang dalam fail.",
        "en": "This login ID appears more than once in the file.",
    },
    "import_unknown_user": {
        "ms": "Tiada pegawai dengan ID log masuk ini dalam agensi.",
        "en": "No officer of the agency has this login ID.",
    },
    "import_inactive_user": {
        "ms": "Akaun pegawai ini tidak aktif.",
        "en": "This officer's account is not active.",
    },
    "import_two_chairs": {
        "ms": "Jawatankuasa hanya boleh mempunyai seorang pengerusi.",
        "en": "A committee can have only one chair.",
    },
    "mimport_file_missing": {
        "ms": "Fail ini tiada dalam arkib.",
        "en": "This file is missing from the archive.",
    },
    "mimport_missing_columns": {
        "ms": "Lajur tiada: {columns}.",
        "en": "Missing columns: {columns}.",
    },
    "mimport_too_many": {
        "ms": "Lebih daripada {limit} baris.",
        "en": "More than {limit} rows.",
    },
    "mimport_code": {
        "ms": "Kod mesti 1 hingga 64 aksara.",
        "en": "The code must be 1-64 characters.",
    },
    "mimport_code_twice": {
        "ms": "Kod {code} berulang.",
        "en": "The code {code} appears twice.",
    },
    "mimport_name": {
        "ms": "Nama mesti 1 hingga 255 aksara.",
        "en": "The name must be 1-255 characters.",
    },
    "mimport_unit_unknown": {
        "ms": "Kod unit {unit} tiada dalam agensi.",
        "en": "Unit code {unit} not found in the agency.",
    },
    "mimport_parent_unknown": {
        "ms": "Jawatankuasa induk {parent} tidak dijumpai.",
        "en": "Parent committee {parent} not found.",
    },
    "mimport_committee_unknown": {
        "ms": "Jawatankuasa {committee} tidak dijumpai.",
        "en": "Committee {committee} not found.",
    },
    "mimport_person_unknown": {
        "ms": "Tiada pegawai dengan ID log masuk {login} dalam agensi.",
        "en": "No officer of the agency has the login ID {login}.",
    },
    "mimport_role": {
        "ms": "Peranan mesti pengerusi, urus setia atau ahli.",
        "en": "The role must be chair, secretariat or member.",
    },
    "mimport_seniority": {
        "ms": "Kekananan mesti nombor bulat 0 hingga 100000.",
        "en": "Seniority must be a whole number from 0 to 100000.",
    },
    "mimport_person_twice": {
        "ms": "Pegawai ini berulang bagi jawatankuasa yang sama.",
        "en": "This person appears twice for the committee.",
    },
    "mimport_number": {
        "ms": "Bilangan mesti nombor bulat bermula 1.",
        "en": "The number must be a whole number from 1.",
    },
    "mimport_year": {
        "ms": "Tahun mesti antara 1950 dan 2100.",
        "en": "The year must be between 1950 and 2100.",
    },
    "mimport_number_twice": {
        "ms": "{label} berulang.",
        "en": "{label} appears twice.",
    },
    "mimport_title": {
        "ms": "Tajuk mesti 1 hingga 255 aksara.",
        "en": "The title must be 1-255 characters.",
    },
    "mimport_end_before_start": {
        "ms": "Masa tamat sebelum masa mula.",
        "en": "The end is before the start.",
    },
    "mimport_times": {
        "ms": "Masa mula dan tamat mesti tarikh dan masa (2024-03-05 09:00).",
        "en": "Start and end must be dates and times (2024-03-05 09:00).",
    },
    "mimport_pdf_missing": {
        "ms": "Fail minit {name} tiada di sebelah fail CSV.",
        "en": "The minutes file {name} is not beside the CSV files.",
    },
    "mimport_pdf_too_large": {
        "ms": "Fail minit {name} melebihi had saiz kertas.",
        "en": "The minutes file {name} is larger than the paper limit.",
    },
    "mimport_pdf_not_pdf": {
        "ms": "Fail minit {name} bukan PDF.",
        "en": "The minutes file {name} is not a PDF.",
    },
    "classification_too_high": {
        "ms": (
            "Hadir tidak boleh menyimpan maklumat RAHSIA atau RAHSIA BESAR. Gunakan saluran rasmi "
            "yang diluluskan untuk mesyuarat ini."
        ),
        "en": (
            "Hadir cannot hold RAHSIA (secret) or RAHSIA BESAR (top secret) information. Use the "
            "approved official channel for this meeting."
        ),
    },
    "classification_invalid": {
        "ms": "Klasifikasi mesti TERBUKA, TERHAD atau SULIT.",
        "en": "The classification must be TERBUKA, TERHAD or SULIT.",
    },
    "classification_lower_chair_only": {
        "ms": "Hanya pengerusi jawatankuasa boleh menurunkan klasifikasi mesyuarat.",
        "en": "Only the committee's chair can lower a meeting's classification.",
    },
    "classification_fixed_after_minutes": {
        "ms": "Klasifikasi tidak boleh diubah selepas minit mesyuarat mula disediakan.",
        "en": "The classification cannot be changed once the minutes have been started.",
    },
    "meeting_secretariat_only": {
        "ms": "Hanya urus setia jawatankuasa boleh mengurus mesyuaratnya.",
        "en": "Only the committee's secretariat can manage its meetings.",
    },
    "meeting_end_before_start": {
        "ms": "Masa tamat mesti selepas masa mula.",
        "en": "The end time must be after the start time.",
    },
    "meeting_too_long": {
        "ms": "Mesyuarat tidak boleh melebihi 7 hari.",
        "en": "A meeting cannot last more than 7 days.",
    },
    "meeting_place_invalid": {
        "ms": "Tempat mesyuarat tidak lengkap. Sila semak medan yang ditanda.",
        "en": "The meeting place is incomplete. Please check the marked fields.",
    },
    "meeting_venue_required": {
        "ms": "Pilih pejabat tempat mesyuarat (pejabat aktif agensi ini).",
        "en": "Choose the venue office (an active office of this agency).",
    },
    "meeting_room_required": {
        "ms": "Nyatakan bilik mesyuarat.",
        "en": "Enter the meeting room.",
    },
    "meeting_link_required": {
        "ms": "Pautan mesyuarat dalam talian mesti bermula dengan https://.",
        "en": "The online meeting link must start with https://.",
    },
    "meeting_year_fixed": {
        "ms": (
            "Bilangan mesyuarat terikat pada tahunnya. Batalkan dan wujudkan mesyuarat baharu "
            "untuk tahun lain."
        ),
        "en": (
            "A meeting's number belongs to its year. Cancel it and create a new meeting for "
            "another year."
        ),
    },
    "meeting_over": {
        "ms": "Mesyuarat ini telah berakhir.",
        "en": "This meeting is over.",
    },
    "agenda_too_long": {
        "ms": "Agenda tidak boleh melebihi 200 perkara.",
        "en": "An agenda cannot have more than 200 items.",
    },
    "agenda_order_invalid": {
        "ms": "Susunan mesti mengandungi setiap perkara agenda sekali sahaja.",
        "en": "The order must list every agenda item exactly once.",
    },
    "guest_invalid": {
        "ms": "Jemputan tambahan mesti pegawai aktif agensi jawatankuasa.",
        "en": "Guests must be active officers of the committee's agency.",
    },
    "guest_email_unknown": {
        "ms": "Tiada akaun Hadir aktif (atau lebih daripada satu) dengan e-mel ini: {emails}. "
        "Minta pentadbir agensi tetamu mendaftarkannya dahulu.",
        "en": "No active Hadir account (or more than one) has this e-mail: {emails}. "
        "Ask the guest's agency administrator to register it first.",
    },
    "rsvp_closed": {
        "ms": "Mesyuarat telah bermula; maklum balas kehadiran tidak boleh diubah lagi.",
        "en": "The meeting has started; the attendance reply can no longer be changed.",
    },
    "rsvp_reason_required": {
        "ms": "Nyatakan sebab tidak hadir (sekurang-kurangnya 3 aksara).",
        "en": "Give the reason for not attending (at least 3 characters).",
    },
    "rsvp_representative_required": {
        "ms": "Pilih rakan sekerja sebagai wakil atau taip nama wakil.",
        "en": "Choose a colleague as representative or type the representative's name.",
    },
    "rsvp_reply_stale": {
        "ms": (
            "Jawapan kalendar ini lebih lama daripada versi mesyuarat atau jawapan terkini; ia "
            "tidak digunakan."
        ),
        "en": (
            "This calendar reply is older than the current meeting version or the latest answer; "
            "it was not applied."
        ),
    },
    "rsvp_reply_invalid": {
        "ms": (
            "Fail ini bukan jawapan kalendar (METHOD:REPLY) yang sah daripada anda untuk "
            "mesyuarat ini."
        ),
        "en": "This file is not a valid calendar reply (METHOD:REPLY) from you for this meeting.",
    },
    "rsvp_reply_tentative": {
        "ms": (
            'Jawapan "mungkin" tidak diterima. Sila pilih hadir, tidak hadir atau hantar wakil.'
        ),
        "en": (
            'A "maybe" reply is not accepted. Please choose attend, not attend or send a '
            "representative."
        ),
    },
    "rsvp_representative_invalid": {
        "ms": "Wakil mesti pegawai aktif lain dalam agensi anda.",
        "en": "The representative must be another active officer of your agency.",
    },
    # people: transfers, acting supervisors, own profile (issue 13)
    "transfer_in_future": {
        "ms": "Pertukaran tidak boleh bertarikh masa hadapan; rekodkannya pada harinya.",
        "en": "A transfer cannot be dated in the future; enter it on its day.",
    },
    "transfer_before_current": {
        "ms": "Tarikh pertukaran lebih awal daripada penempatan semasa pegawai ini.",
        "en": "The transfer date is earlier than this officer's current placement.",
    },
    "transfer_has_reports": {
        "ms": "Pegawai lain masih melapor kepada pegawai ini; tukar penyelia mereka dahulu.",
        "en": "Other officers still report to this officer; give them a new supervisor first.",
    },
    "unknown_pattern": {
        "ms": "Corak kerja ini tidak dikenali.",
        "en": "This working pattern is not known.",
    },
    "acting_self": {
        "ms": "Anda tidak boleh memangku diri sendiri.",
        "en": "You cannot act for yourself.",
    },
    "acting_in_past": {
        "ms": "Tempoh pemangkuan tidak boleh bermula sebelum hari ini.",
        "en": "An acting period cannot start before today.",
    },
    "acting_too_long": {
        "ms": "Tempoh pemangkuan paling lama setahun.",
        "en": "An acting period is at most one year.",
    },
    "acting_not_in_agency": {
        "ms": "Pemangku mesti pegawai aktif agensi yang sama.",
        "en": "The acting officer must be an active officer of the same agency.",
    },
    "acting_rank_too_low": {
        "ms": "Gred pemangku lebih rendah daripada pegawai yang akan diputuskannya.",
        "en": "The acting officer's grade is below that of the officers they would decide for.",
    },
    "acting_overlaps": {
        "ms": "Tempoh ini bertindih dengan pemangkuan lain bagi penyelia yang sama.",
        "en": "This period overlaps another acting period of the same supervisor.",
    },
    "range_invalid": {
        "ms": "Tarikh akhir mesti pada atau selepas tarikh mula.",
        "en": "The end date must be on or after the start date.",
    },
    "profile_field_not_editable": {
        "ms": "Agensi anda tidak membenarkan anda mengubah: {fields}.",
        "en": "Your agency does not let you change: {fields}.",
    },
    "email_taken": {
        "ms": "Alamat e-mel ini digunakan oleh pegawai lain.",
        "en": "This e-mail address is used by another officer.",
    },
}


def message(code: str, language: str, /, **params: Any) -> str:
    """The text for `code` in `language` (falls back to Malay, then to the code itself).

    Positional-only, so a message may have a `{code}` or `{language}` placeholder of its own."""
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    template = entry.get(language) or entry["ms"]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
