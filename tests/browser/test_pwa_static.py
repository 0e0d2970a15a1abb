"""Checks on the PWA's files that need no browser: the service worker's pre-cache list, the
message catalogues, the strict CSP's rules (no inline code or styles), icon sizes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
SW = (PWA / "sw.js").read_text()


def shell_list() -> list[str]:
    block = re.search(r"const SHELL = \[(.*?)\];", SW, re.S)
    assert block, "SHELL list not found in sw.js"
    return re.findall(r'"([^"]+)"', block.group(1))


VENDOR = PWA / "vendor"


def pwa_files() -> set[str]:
    """Every file of the app shell; /vendor/ (the office map's libraries) is loaded on demand
    by the one screen that needs it, so it is not pre-cached on the first load."""
    return {
        "/" + str(p.relative_to(PWA))
        for p in PWA.rglob("*")
        if p.is_file() and not p.name.startswith(".") and VENDOR not in p.parents
    }


def test_service_worker_version_and_shell_are_complete() -> None:
    assert re.search(r'const VERSION = "\d{4}\.\d{2}\.\d{2}-\d+";', SW)
    assert "`hadir-shell-${VERSION}`" in SW
    listed = set(shell_list())
    on_disk = pwa_files()
    # "/" is index.html; the worker itself is never pre-cached.
    expected = (on_disk - {"/index.html", "/sw.js"}) | {"/"}
    assert not any(path.startswith("/vendor/") for path in listed)
    assert listed == expected, (
        f"missing from SHELL: {sorted(expected - listed)}; not on disk: {sorted(listed - expected)}"
    )


def test_service_worker_leaves_the_api_alone() -> None:
    fetch_handler = SW[SW.index('addEventListener("fetch"') :]
    api_check = fetch_handler.index('url.pathname.startsWith("/api/")')
    first_respond = fetch_handler.index("respondWith")
    assert api_check < first_respond, "/api/ must be passed through before any respondWith"
    assert "cache.put" not in SW, "the worker must not write responses at run time"
    # The one exception: offline papers, saved on explicit request, only after the check that
    # refuses SULIT and no-store responses (api/papers, pwa/js/views/meeting-papers.js).
    writers = [name for name in re.findall(r"(\w+)\.put\(", SW) if name != "store"]  # IndexedDB
    assert writers == ["papers"], "only savePaper may write to a cache"
    save = SW[SW.index("async function savePaper") :]
    assert save.index("mayKeepOffline(response)") < save.index("papers.put(")
    keep = SW[SW.index("function mayKeepOffline") : SW.index("async function savePaper")]
    assert '"TERBUKA", "TERHAD"' in SW and "no-store" in keep and "SULIT" not in keep


def load_catalogue(lang: str) -> dict[str, str]:
    return json.loads((PWA / "i18n" / f"{lang}.json").read_text())


def test_catalogues_have_the_same_keys_and_no_empty_text() -> None:
    ms, en = load_catalogue("ms"), load_catalogue("en")
    assert set(ms) == set(en), set(ms) ^ set(en)
    assert all(v.strip() for v in ms.values())
    assert all(v.strip() for v in en.values())
    # Placeholders match between the languages.
    for key in ms:
        assert set(re.findall(r"\{(\w+)\}", ms[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_every_key_used_in_the_code_exists() -> None:
    keys = set(load_catalogue("ms"))
    namespaces = {k.split(".")[0] for k in keys}
    used: set[str] = set()
    for path in [*PWA.rglob("*.js"), PWA / "index.html"]:
        if path.name == "sw.js" or VENDOR in path.parents:
            continue
        text = path.read_text()
        for match in re.finditer(r'["\'`:]([a-z][A-Za-z]*\.[a-z][A-Za-z0-9]*)["\'`;]', text):
            if match.group(1).split(".")[0] in namespaces:
                used.add(match.group(1))
    missing = sorted(used - keys)
    assert not missing, f"keys used but not in the catalogues: {missing}"
    # Keys built at run time (`userState.${state}`, `language.${lang}`): complete families.
    dynamic = {f"userState.{s}" for s in ("active", "frozen", "terminated")}
    dynamic |= {f"language.{lang}" for lang in ("ms", "en")}
    assert dynamic <= keys
    # Audit action labels are looked up by the event's action code (unknown codes show as is).
    dynamic |= {
        k
        for k in keys
        if k.startswith(
            (
                "auditAction.",
                "offices.warning.",
                "offices.verdict.",
                "search.kind.",
                "reports.kind.",
                "reports.verdict.",
                "reports.approval.",
                "reports.where.",
            )
        )
    }
    unused = sorted(keys - used - dynamic)
    assert not unused, f"keys in the catalogues that nothing uses: {unused}"


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
        for name, value in attrs:
            if value and re.match(r"\s*(https?:)?//", value) and name in ("src", "href"):
                self.problems.append(f"external resource {value}")


@pytest.mark.parametrize("page", ["index.html", "offline.html"])
def test_html_is_compatible_with_the_strict_csp(page: str) -> None:
    parser = _Markup()
    parser.feed((PWA / page).read_text())
    assert not parser.problems, parser.problems


def test_javascript_has_no_eval_or_markup_injection() -> None:
    # Vendored libraries are checked in the browser against the real CSP (tests/browser).
    for path in (p for p in PWA.rglob("*.js") if VENDOR not in p.parents):
        # Comments may name what the code avoids; only the code counts.
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        text = re.sub(r"(^|\s)//.*$", "", text, flags=re.M)
        for forbidden in (
            "eval(",
            "new Function",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            'setAttribute("style"',
        ):
            assert forbidden not in text, f"{path.relative_to(PWA)} uses {forbidden}"
        # Nothing from other origins (the SVG namespace is a name, not a resource).
        other = re.findall(r"https?://(?!www\.w3\.org/2000/svg)[^\s\"'`]+", text)
        assert not other, f"{path.relative_to(PWA)} refers to {other}"


def test_icons_are_small_pngs_of_the_declared_sizes() -> None:
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    for icon in manifest["icons"]:
        path = PWA / icon["src"].lstrip("/")
        data = path.read_bytes()
        assert len(data) < 50_000, f"{path.name} is {len(data)} bytes"
        if icon["type"] == "image/png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            assert icon["sizes"] == f"{width}x{height}", path.name
