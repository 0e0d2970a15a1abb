"""Every message Hadir sends, in Malay and English, rendered from one catalogue per language.

The catalogues are ``notifications/messages/ms.json`` and ``en.json``. Each kind of
:class:`~notifications.kinds.Kind` has an entry with:

``label``        short name of the kind, **no placeholders** (used as the push title of SULIT
                 items, where nothing about the item itself may be shown)
``subject``      e-mail subject
``body``         list of paragraphs (plain text with ``{placeholders}``)
``action``       label of the call-to-action button; its link is the ``action_url`` parameter
``push_title`` / ``push_body``   for kinds that can be pushed
``digest_line``  for digestible kinds: one line in the daily digest

The catalogues hold **plain text only**. HTML is produced by one shared layout here, and every
literal and every parameter is HTML-escaped on the way in, so neither a translator nor a user
(a meeting titled ``<script>``) can inject markup. Parameters whose name ends in ``_url`` must
be http(s) URLs and become links in HTML.

Parameter values may be ``str``, ``int``, ``date``, ``datetime`` (aware; shown in the display
time zone, Asia/Kuala_Lumpur by default) or :class:`Term` (a code translated per language,
e.g. ``Term("attendance_issue", "late_in")`` → "lewat masuk" / "late in"). The caller passes
the same parameters whatever the recipient's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from html import escape
from importlib import resources
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from notifications.common import LANGS, Lang, normalize_lang
from notifications.kinds import Kind, spec

DEFAULT_TZ: Final = "Asia/Kuala_Lumpur"
RESERVED_PARAMS: Final = frozenset({"recipient_name", "action_url", "unsubscribe_url"})
"""Parameters the layout itself uses (greeting, button, footer)."""

PLACEHOLDER: Final = re.compile(r"\{([a-z][a-z0-9_]*)\}")
KIND_KEYS: Final = frozenset(
    {"label", "subject", "body", "action", "push_title", "push_body", "digest_line"}
)


class TemplateError(Exception):
    """Base class of rendering errors."""


class MissingParameter(TemplateError, KeyError):
    """A placeholder of the chosen template has no value in the parameters."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind}: missing parameter {name!r}")
        self.kind = kind
        self.name = name

    def __str__(self) -> str:  # KeyError's str() would add quotes
        return str(self.args[0])


class InvalidParameter(TemplateError, ValueError):
    """A parameter has a value that cannot be rendered safely (e.g. a ``javascript:`` URL)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A coded value translated by the catalogue's ``_terms`` section."""

    group: str
    code: str


ParamValue = str | int | date | datetime | Term


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """One message in one language, ready for the e-mail composer and the push payload builder."""

    kind: Kind
    lang: Lang
    subject: str
    text: str
    html: str
    push_title: str | None
    push_body: str | None


# --------------------------------------------------------------------------- catalogue


@cache
def catalogue(lang: Lang) -> Mapping[str, Any]:
    """The parsed catalogue for ``lang`` (cached; the files ship inside the package)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    raw = resources.files("notifications.messages").joinpath(f"{lang}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def placeholders(template: str) -> frozenset[str]:
    """Names of the ``{placeholders}`` in one catalogue string."""
    return frozenset(PLACEHOLDER.findall(template))


def _entry(kind: Kind, lang: Lang) -> Mapping[str, Any]:
    entry: Mapping[str, Any] = catalogue(lang)[kind.value]
    return entry


def label(kind: Kind | str, lang: str | None) -> str:
    """The short, parameter-free name of a kind (safe to show for classified items)."""
    text: str = _entry(Kind(kind), normalize_lang(lang))["label"]
    return text


def term(group: str, code: str, lang: str | None) -> str:
    """Translate one coded value; unknown codes raise ``InvalidParameter``."""
    try:
        text: str = catalogue(normalize_lang(lang))["_terms"][group][code]
    except KeyError:
        raise InvalidParameter(f"unknown term {group}.{code}") from None
    return text


# --------------------------------------------------------------------------- formatting

_MONTHS: Final[dict[Lang, tuple[str, ...]]] = {
    "ms": (
        "Januari",
        "Februari",
        "Mac",
        "April",
        "Mei",
        "Jun",
        "Julai",
        "Ogos",
        "September",
        "Oktober",
        "November",
        "Disember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_WEEKDAYS: Final[dict[Lang, tuple[str, ...]]] = {
    "ms": ("Isnin", "Selasa", "Rabu", "Khamis", "Jumaat", "Sabtu", "Ahad"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def format_date(value: date, lang: Lang) -> str:
    """``Isnin, 2 Mac 2026`` / ``Monday, 2 March 2026``."""
    return (
        f"{_WEEKDAYS[lang][value.weekday()]}, {value.day} {_MONTHS[lang][value.month - 1]} "
        f"{value.year}"
    )


def format_time(value: datetime, lang: Lang) -> str:
    """Malay civil-service style ``9.00 pagi`` / ``2.30 petang``; English ``9:00 am``."""
    hour12 = value.hour % 12 or 12
    if lang == "ms":
        if value.hour < 12:
            period = "pagi"
        elif value.hour < 14:
            period = "tengah hari"
        elif value.hour < 19:
            period = "petang"
        else:
            period = "malam"
        return f"{hour12}.{value.minute:02d} {period}"
    return f"{hour12}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def format_datetime(value: datetime, lang: Lang, tz: str = DEFAULT_TZ) -> str:
    """An aware datetime in the display zone: ``Isnin, 2 Mac 2026, 9.00 pagi``."""
    if value.tzinfo is None:
        raise InvalidParameter("datetimes must be timezone-aware")
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), lang)}, {format_time(local, lang)}"


def format_value(value: ParamValue, lang: Lang, tz: str = DEFAULT_TZ) -> str:
    """Render one parameter value as text in ``lang``."""
    if isinstance(value, Term):
        return term(value.group, value.code, lang)
    if isinstance(value, bool):  # bool is an int: refuse rather than print "True"
        raise InvalidParameter("booleans are not renderable parameters")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):  # before date: datetime is a date
        return format_datetime(value, lang, tz)
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


def check_url(name: str, value: str) -> str:
    """Only absolute http(s) URLs may become links (no ``javascript:``, no relative paths)."""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c in value for c in "\r\n"):
        raise InvalidParameter(f"{name} must be an absolute http(s) URL")
    return value


# --------------------------------------------------------------------------- substitution


def _fill(kind: str, template: str, values: Mapping[str, str], *, html: bool) -> str:
    """Substitute placeholders; in HTML mode escape literals and values, link ``*_url`` values."""
    out: list[str] = []
    pos = 0
    for match in PLACEHOLDER.finditer(template):
        literal = template[pos : match.start()]
        out.append(escape(literal, quote=False) if html else literal)
        name = match.group(1)
        if name not in values:
            raise MissingParameter(kind, name)
        value = values[name]
        if html and name.endswith("_url"):
            out.append(f'<a href="{escape(value)}">{escape(value, quote=False)}</a>')
        elif html:
            out.append(escape(value, quote=False))
        else:
            out.append(value)
        pos = match.end()
    tail = template[pos:]
    out.append(escape(tail, quote=False) if html else tail)
    return "".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _prepare(kind: Kind, lang: Lang, params: Mapping[str, ParamValue], tz: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in params.items():
        text = format_value(value, lang, tz)
        if name.endswith("_url"):
            check_url(name, text)
        values[name] = text
    return values


# --------------------------------------------------------------------------- rendering

_STYLE_BODY: Final = (
    "margin:0;padding:0;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif;"
    "color:#1f2933;line-height:1.5"
)
_STYLE_CARD: Final = "max-width:600px;margin:0 auto;padding:24px;background:#ffffff"
_STYLE_BUTTON: Final = (
    "display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;"
    "text-decoration:none;border-radius:4px;font-weight:bold"
)
_STYLE_SMALL: Final = "font-size:12px;color:#616e7c"


def render(
    kind: Kind | str,
    lang: str | None,
    params: Mapping[str, ParamValue],
    *,
    unsubscribe_url: str | None = None,
    items: Sequence[str] = (),
    tz: str = DEFAULT_TZ,
) -> RenderedMessage:
    """Render one kind in one language.

    ``params`` must hold every placeholder of the kind (``MissingParameter`` otherwise), plus
    ``action_url`` when the kind has an action button. ``recipient_name`` is optional (a neutral
    greeting is used without it). ``unsubscribe_url`` adds the opt-out footer (non-essential
    mail). ``items`` are extra lines rendered as a bulleted list after the body (the digest).
    """
    k = Kind(kind)
    lg = normalize_lang(lang)
    entry = _entry(k, lg)
    common: Mapping[str, str] = catalogue(lg)["_common"]
    values = _prepare(k, lg, params, tz)
    if unsubscribe_url is not None:
        values["unsubscribe_url"] = check_url("unsubscribe_url", unsubscribe_url)

    def fill(template: str, *, html: bool = False) -> str:
        return _fill(k.value, template, values, html=html)

    subject = _one_line(fill(entry["subject"]))
    paragraphs: list[str] = list(entry["body"])
    greeting = common["greeting"] if "recipient_name" in values else common["greeting_anonymous"]
    action_label: str | None = entry.get("action")
    if action_label is not None and "action_url" not in values:
        raise MissingParameter(k.value, "action_url")
    if unsubscribe_url is not None:
        footer = common["footer_optional"]
    elif spec(k).essential:
        footer = common["footer_essential"]
    else:
        footer = common["footer_automatic"]

    # Plain text part.
    text_parts = [fill(greeting), *(fill(p) for p in paragraphs)]
    if items:
        text_parts.append("\n".join(f"- {_one_line(item)}" for item in items))
    if action_label is not None:
        text_parts.append(f"{action_label}:\n{values['action_url']}")
    text_parts += [common["closing"], common["signature"], "--", fill(footer)]
    text = "\n\n".join(text_parts) + "\n"

    # HTML part: the same content through one escaped layout.
    h: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{lg}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(subject, quote=False)}</title></head>",
        f'<body style="{_STYLE_BODY}"><div style="{_STYLE_CARD}">',
        f"<p>{fill(greeting, html=True)}</p>",
        *(f"<p>{fill(p, html=True)}</p>" for p in paragraphs),
    ]
    if items:
        h.append("<ul>")
        h += [f"<li>{escape(_one_line(item), quote=False)}</li>" for item in items]
        h.append("</ul>")
    if action_label is not None:
        url = values["action_url"]
        h += [
            f'<p><a href="{escape(url)}" style="{_STYLE_BUTTON}">'
            f"{escape(action_label, quote=False)}</a></p>",
            f'<p style="{_STYLE_SMALL}">{escape(common["open_link"], quote=False)}<br>'
            f'<a href="{escape(url)}">{escape(url, quote=False)}</a></p>',
        ]
    h += [
        f"<p>{escape(common['closing'], quote=False)}<br>"
        f"{escape(common['signature'], quote=False)}</p>",
        f'<hr style="border:none;border-top:1px solid #e4e7eb"><p style="{_STYLE_SMALL}">'
        f"{fill(footer, html=True)}</p>",
        "</div></body></html>",
    ]
    html_body = "\n".join(h) + "\n"

    push_title = push_body = None
    if "push_title" in entry:
        push_title = _one_line(fill(entry["push_title"]))
        push_body = _one_line(fill(entry["push_body"]))
    return RenderedMessage(k, lg, subject, text, html_body, push_title, push_body)


def render_push_text(
    kind: Kind | str, lang: str | None, params: Mapping[str, ParamValue], *, tz: str = DEFAULT_TZ
) -> tuple[str, str]:
    """Just the push title and body (no e-mail parts, no ``action_url`` needed)."""
    k = Kind(kind)
    lg = normalize_lang(lang)
    entry = _entry(k, lg)
    if "push_title" not in entry:
        raise TemplateError(f"{k.value} has no push text")
    values = _prepare(k, lg, params, tz)
    title = _one_line(_fill(k.value, entry["push_title"], values, html=False))
    body = _one_line(_fill(k.value, entry["push_body"], values, html=False))
    return title, body


def render_digest_line(
    kind: Kind | str, lang: str | None, params: Mapping[str, ParamValue], *, tz: str = DEFAULT_TZ
) -> str:
    """One line of the daily digest for a digestible kind."""
    k = Kind(kind)
    if not spec(k).digestible:
        raise TemplateError(f"{k.value} is not digestible")
    lg = normalize_lang(lang)
    values = _prepare(k, lg, params, tz)
    return _one_line(_fill(k.value, _entry(k, lg)["digest_line"], values, html=False))


def render_digest(
    lang: str | None,
    entries: Sequence[tuple[Kind | str, Mapping[str, ParamValue]]],
    params: Mapping[str, ParamValue],
    *,
    unsubscribe_url: str | None = None,
    tz: str = DEFAULT_TZ,
) -> RenderedMessage:
    """The daily digest: ``entries`` are (kind, params) of the held-back notifications.

    ``params`` needs ``date`` and ``action_url`` (and optionally ``recipient_name``); ``count``
    is filled in from the entries.
    """
    lines = [render_digest_line(kind, lang, p, tz=tz) for kind, p in entries]
    return render(
        Kind.DAILY_DIGEST,
        lang,
        {**params, "count": len(lines)},
        unsubscribe_url=unsubscribe_url,
        items=lines,
        tz=tz,
    )
