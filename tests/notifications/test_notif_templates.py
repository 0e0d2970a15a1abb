"""The Malay and English catalogues, and what rendering does with them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest

from notifications.common import LANGS, normalize_lang
from notifications.kinds import REGISTRY, Kind
from notifications.templates import (
    KIND_KEYS,
    RESERVED_PARAMS,
    InvalidParameter,
    MissingParameter,
    ParamValue,
    TemplateError,
    Term,
    catalogue,
    format_datetime,
    placeholders,
    render,
    render_digest,
    render_digest_line,
    render_push_text,
)

SAMPLE: dict[str, ParamValue] = {
    "recipient_name": "Nur Aisyah",
    "action_url": "https://hadir.jpm.gov.my/tindakan/1",
    "expires_at": datetime(2026, 3, 2, 7, 30, tzinfo=UTC),
    "checkin_time": datetime(2026, 3, 2, 0, 45, tzinfo=UTC),
    "mode": Term("checkin_mode", "official_duty"),
    "supervisor_name": "Encik Rahman",
    "reason": "Tiada slip pergerakan",
    "count": 12,
    "checkin_count": 9,
    "issue_count": 3,
    "slip_count": 0,
    "date": date(2026, 3, 2),
    "due_date": date(2026, 3, 5),
    "issue": Term("attendance_issue", "late_in"),
    "issues": "Isnin, 2 Mac 2026 (lewat masuk)",
    "meeting_title": "Mesyuarat JK ICT Bil. 2/2026",
    "start": datetime(2026, 3, 2, 6, 30, tzinfo=UTC),
    "location": "Bilik Mesyuarat Aras 3",
    "chair_name": "Dato' Pengerusi",
    "member_name": "Encik Ahli",
    "representative_name": "Puan Wakil",
    "action_title": "Naik taraf rangkaian",
}


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from strings(item, f"{path}[{i}]")
    else:
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else key)


def shape(node: Any) -> Any:
    """The structure of a catalogue with every string replaced by its placeholder set."""
    if isinstance(node, str):
        return placeholders(node)
    if isinstance(node, list):
        return [shape(item) for item in node]
    return {key: shape(value) for key, value in node.items()}


# --------------------------------------------------------------------------- catalogues


def test_languages_have_the_same_keys_and_placeholders() -> None:
    ms, en = catalogue("ms"), catalogue("en")
    assert shape(ms) == shape(en)  # same keys, same paragraph counts, same placeholders


def test_every_kind_has_exactly_the_entries_it_needs() -> None:
    for lang in LANGS:
        cat = catalogue(lang)
        assert set(cat) - {"_common", "_terms"} == {k.value for k in Kind}
        for kind, spec in REGISTRY.items():
            entry = cat[kind.value]
            assert set(entry) <= KIND_KEYS, kind
            assert {"label", "subject", "body"} <= set(entry), kind
            assert ("push_title" in entry) == (spec.push is not None), kind
            assert ("push_body" in entry) == (spec.push is not None), kind
            assert ("digest_line" in entry) == spec.digestible, kind
            assert placeholders(entry["label"]) == frozenset(), f"{kind}: label must be fixed"


def test_no_stray_braces_or_markup_in_catalogues() -> None:
    for lang in LANGS:
        for path, text in strings(catalogue(lang)):
            leftover = re.sub(r"\{[a-z][a-z0-9_]*\}", "", text)
            assert "{" not in leftover and "}" not in leftover, (lang, path)
            assert "<" not in text and ">" not in text, (lang, path)  # plain text only
            assert text == text.strip() and text, (lang, path)


def test_sample_covers_every_placeholder() -> None:
    used = set().union(*(placeholders(t) for _, t in strings(catalogue("ms"))))
    assert used - RESERVED_PARAMS <= set(SAMPLE)


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_renders_in_both_languages(kind: Kind, lang: str) -> None:
    unsubscribe = None if REGISTRY[kind].essential else "https://hadir.jpm.gov.my/u/t"
    msg = render(kind, lang, SAMPLE, unsubscribe_url=unsubscribe)
    assert msg.lang == lang and msg.kind is kind
    assert msg.subject and "\n" not in msg.subject
    for text in (msg.subject, msg.text, msg.html):
        assert "{" not in text and "}" not in text
    greeting = "Salam sejahtera Nur Aisyah," if lang == "ms" else "Dear Nur Aisyah,"
    assert msg.text.startswith(greeting)
    assert f'<html lang="{lang}">' in msg.html
    assert "https://hadir.jpm.gov.my/tindakan/1" in msg.text
    assert '<a href="https://hadir.jpm.gov.my/tindakan/1"' in msg.html
    assert (msg.push_title is not None) == (REGISTRY[kind].push is not None)


def test_html_escapes_parameters_and_text_keeps_them() -> None:
    params = {**SAMPLE, "meeting_title": '<script>alert("x")</script> & Co'}
    msg = render(Kind.MEETING_INVITATION, "en", params)
    assert "<script>" not in msg.html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; Co' in msg.html
    assert '<script>alert("x")</script> & Co' in msg.text
    name = render(Kind.MEETING_INVITATION, "ms", {**SAMPLE, "recipient_name": "A <b>B</b>"})
    assert "A &lt;b&gt;B&lt;/b&gt;" in name.html
    quoted = render(Kind.MEETING_INVITATION, "ms", {**SAMPLE, "action_url": 'https://h.my/a"x=1'})
    assert 'href="https://h.my/a&quot;x=1"' in quoted.html


def test_unsafe_or_missing_parameters() -> None:
    with pytest.raises(InvalidParameter):
        render(Kind.MEETING_INVITATION, "ms", {**SAMPLE, "action_url": "javascript:alert(1)"})
    with pytest.raises(InvalidParameter):
        render(Kind.MEETING_INVITATION, "ms", {**SAMPLE, "start": datetime(2026, 3, 2, 9)})
    without_title = {k: v for k, v in SAMPLE.items() if k != "meeting_title"}
    with pytest.raises(MissingParameter) as info:
        render(Kind.MEETING_INVITATION, "ms", without_title)
    assert info.value.name == "meeting_title"
    without_url = {k: v for k, v in SAMPLE.items() if k != "action_url"}
    with pytest.raises(MissingParameter, match="action_url"):
        render(Kind.MEETING_INVITATION, "en", without_url)
    with pytest.raises(InvalidParameter):
        render(Kind.CHECKIN_APPROVED, "ms", {**SAMPLE, "mode": Term("x", "y")})
    with pytest.raises(InvalidParameter):
        render(Kind.PENDING_APPROVALS, "ms", {**SAMPLE, "count": True})


def test_dates_times_and_terms_are_localised() -> None:
    morning = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Kuala Lumpur
    assert format_datetime(morning, "ms") == "Isnin, 2 Mac 2026, 9.00 pagi"
    assert format_datetime(morning, "en") == "Monday, 2 March 2026, 9:00 am"
    assert format_datetime(datetime(2026, 8, 7, 4, 15, tzinfo=UTC), "ms").endswith(
        "Jumaat, 7 Ogos 2026, 12.15 tengah hari"
    )
    assert format_datetime(datetime(2026, 12, 6, 6, 30, tzinfo=UTC), "ms") == (
        "Ahad, 6 Disember 2026, 2.30 petang"
    )
    assert format_datetime(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), "en") == (
        "Sunday, 6 December 2026, 8:00 pm"
    )
    ms = render(Kind.CHECKIN_APPROVED, "ms", SAMPLE)
    en = render(Kind.CHECKIN_APPROVED, "en", SAMPLE)
    assert "tugas rasmi" in ms.text.lower() and "official duty" in en.text.lower()
    ms = render(Kind.ATTENDANCE_WARNINGS, "ms", SAMPLE)
    en = render(Kind.ATTENDANCE_WARNINGS, "en", SAMPLE)
    assert "Isnin, 2 Mac 2026" in ms.subject and "Monday, 2 March 2026" in en.subject
    assert render(Kind.PENDING_APPROVALS, "en", {**SAMPLE, "count": 1234}).subject == (
        "Hadir: 1,234 requests await your approval"
    )


def test_footers_follow_essential_and_unsubscribe() -> None:
    essential = render(Kind.PASSWORD_RESET, "ms", SAMPLE)
    assert "tidak boleh dihentikan" in essential.text
    optional = render(
        Kind.MINUTES_DISTRIBUTED, "en", SAMPLE, unsubscribe_url="https://hadir.jpm.gov.my/u/9"
    )
    assert "To stop receiving e-mails of this kind: https://hadir.jpm.gov.my/u/9" in optional.text
    assert '<a href="https://hadir.jpm.gov.my/u/9">' in optional.html
    with pytest.raises(InvalidParameter):
        render(Kind.MINUTES_DISTRIBUTED, "en", SAMPLE, unsubscribe_url="ftp://x/y")


def test_push_text_and_digest() -> None:
    title, body = render_push_text(Kind.CHECKIN_REJECTED, "ms", SAMPLE)
    assert title == "Daftar masuk ditolak"
    assert body == "Isnin, 2 Mac 2026, 8.45 pagi: ditolak oleh Encik Rahman."
    entries: list[tuple[Kind | str, Mapping[str, ParamValue]]] = [
        (Kind.PENDING_APPROVALS, SAMPLE),
        ("minutes_for_review", SAMPLE),
    ]
    digest = render_digest("en", entries, {"date": date(2026, 3, 2), "action_url": "https://h.my/"})
    assert digest.subject == "Hadir: daily summary for Monday, 2 March 2026"
    assert "Here are 2 items" in digest.text
    assert "- 12 requests await your approval" in digest.text
    assert "<li>Minutes of Mesyuarat JK ICT Bil. 2/2026 await your review" in digest.html
    assert digest.text.startswith("Hello,")  # no recipient_name: neutral greeting
    with pytest.raises(TemplateError, match="not digestible"):
        render_digest_line(Kind.MEETING_INVITATION, "ms", SAMPLE)


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        (None, "ms"),
        ("", "ms"),
        ("ms-MY", "ms"),
        ("en", "en"),
        ("EN-gb", "en"),
        ("en_MY", "en"),
        ("zh-CN", "ms"),
    ],
)
def test_normalize_lang(value: str | None, lang: str) -> None:
    assert normalize_lang(value) == lang
