"""Checks on the PWA's files that need no browser: the service worker's pre-cache list, the
message catalogues, the strict CSP's rules (no inline code or styles), icon sizes."""

from __future__ import annotations

import html as html_text
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from api.core.pwa_assets import PwaBuild, content_version, read_sources, static_imports

PWA = Path(__file__).resolve().parents[2] / "pwa"
VENDOR = PWA / "vendor"  # the office map's libraries: loaded by that screen, not pre-cached
SW = (PWA / "sw.js").read_text()


def served_build(build: PwaBuild) -> dict[str, Any]:
    """The BUILD object of the sw.js the server sends."""
    sent = build.find(None, "sw.js")
    assert sent is not None
    line = re.search(r"^const BUILD = (.*);$", sent.body.decode(), re.M)
    assert line, "the served sw.js has no BUILD line"
    value: dict[str, Any] = json.loads(line.group(1))
    return value


def test_service_worker_version_and_shell_follow_the_files() -> None:
    # The source names the version and the list only through BUILD, which the server fills in.
    assert len(re.findall(r"^const BUILD = .*;$", SW, re.M)) == 1
    assert "const VERSION = BUILD.version;" in SW
    assert "`hadir-shell-${VERSION}`" in SW
    build = PwaBuild(PWA)
    served = served_build(build)
    assert served["version"] == content_version(read_sources(PWA)) == build.version
    assert served["prefix"] == f"/static/{build.version}"
    on_disk = {
        str(p.relative_to(PWA))
        for p in PWA.rglob("*")
        if p.is_file() and not p.name.startswith(".") and VENDOR not in p.parents
    }
    # The entry points are cached by their own address ("/" is index.html); the worker itself
    # is never pre-cached.
    entry_points = {"index.html", "sw.js", "offline.html", "manifest.webmanifest"}
    assert set(served["files"]) == on_disk - entry_points
    shell = SW[SW.index("const SHELL = ") :].split("\n", 1)[0]
    assert '"/", "/offline.html", "/manifest.webmanifest"' in shell


def test_a_changed_file_changes_the_version_the_addresses_and_the_worker(tmp_path: Path) -> None:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    before = PwaBuild(copy)
    view = copy / "js" / "views" / "misc.js"
    view.write_text(view.read_text() + "\n// changed\n")
    after = PwaBuild(copy)
    assert after.version != before.version
    assert served_build(after)["version"] == after.version
    old_sw, new_sw = before.find(None, "sw.js"), after.find(None, "sw.js")
    assert old_sw and new_sw and old_sw.body != new_sw.body  # the browser installs the new worker
    index = after.find(None, "/")
    assert index is not None
    assert f'src="/static/{after.version}/app.js"' in index.body.decode()
    assert after.find(before.version, "js/views/misc.js") is None


def test_index_preloads_the_critical_path_and_no_view() -> None:
    build = PwaBuild(PWA)
    index = build.find(None, "/")
    assert index is not None
    html = index.body.decode()
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/\w+/([^"]+)">', html)
    assert preloaded and set(preloaded) == set(static_imports(build.sources, "app.js"))
    assert "js/session.js" in preloaded and "js/router.js" in preloaded
    # Views load on demand (import() in app.js): only the small "no connection" one is static.
    assert [p for p in preloaded if p.startswith("js/views/")] == ["js/views/misc.js"]
    assert not re.search(
        r'^import .* from "\./js/views/(?!misc\.js)', (PWA / "app.js").read_text(), re.M
    )
    # Each view's own imports are listed for app.js to preload with the view (one round trip).
    graph = json.loads(
        html_text.unescape(re.search(r"<meta name=\"hadir-modules\" content='([^']*)'>", html)[1])  # type: ignore[index]
    )
    assert set(graph["js/views/home.js"]) == set(
        static_imports(build.sources, "js/views/home.js")
    ) - set(preloaded)
    # Every reference to a PWA file in the page is versioned, except the manifest.
    for value in re.findall(r'(?:href|src)="(/[^"]*)"', html):
        assert value.startswith(f"/static/{build.version}/") or value == "/manifest.webmanifest", (
            value
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
    # The people screen (admin-person.js): `pattern.${code}`, `roles.${grant.role}`.
    dynamic |= {f"pattern.{code}" for code in ("WP1", "WP2", "WP3", "WBF")}
    dynamic |= {f"roles.{role}" for role in ("agency_admin", "executive", "super_admin")}
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
