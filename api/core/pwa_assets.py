"""The PWA's files as the server sends them: versioned, precompressed, cached for the right time.

Nothing is built before `make run`: each process reads `pwa/` once when the app is created, and
what it sends is those files (compressed, and the entry points with their addresses filled in):

- **version**: the first 16 hex digits of SHA-256 over every file's path and bytes. Every file is
  served at `/static/<version>/<path>` with `Cache-Control: public, max-age=31536000, immutable`.
  A changed file gives a new version, so new addresses; relative ES-module imports (static and
  `import()`) inherit the prefix, so a module graph always comes from one version.
- **entry points** keep their address and are revalidated on every use (`no-cache` with an
  ETag): `/` (index.html), `/offline.html`, `/sw.js`, `/manifest.webmanifest`. In the HTML, the
  absolute references to PWA files are rewritten to their versioned address, and index.html gets
  a `<link rel="modulepreload">` for every module app.js imports statically (the critical path).
  The other files stay reachable at their plain address too (push notification icons, the
  manifest's icons), revalidated like the entry points.
- **sw.js**: its line `const BUILD = …;` is replaced with the version, the prefix and the list of
  files to pre-cache, so the worker's cache name and pre-cache list follow the content (a changed
  file changes sw.js's bytes, which is what makes the browser install the new worker).
- **compression**: text files are sent brotli or gzip as the request accepts (`Vary:
  Accept-Encoding`). gzip is made at start-up (stdlib, fast); brotli at its best quality takes a
  few seconds of CPU for the whole PWA, so a background thread makes it and gzip is sent until
  then.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

try:  # brotli is a dependency (pyproject.toml); gzip alone still works without it.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

STATIC_PREFIX = "/static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Served at their own address, never versioned: the browser finds them by that address.
ENTRY_POINTS = ("index.html", "offline.html", "sw.js", "manifest.webmanifest")
MEDIA_TYPES = {
    # Litestar adds "; charset=utf-8" to text/* itself.
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".webmanifest", ".svg"}
_BUILD_LINE = re.compile(r"^const BUILD = .*;$", re.M)
_REFERENCE = re.compile(r'(?P<attr>\b(?:href|src))="/(?P<path>[^"#?]+)"')
_STATIC_IMPORT = re.compile(
    r'^\s*(?:import|export)\b[^;"\']*?(?:from\s*)?["\'](?P<path>\.{1,2}/[^"\']+)["\']', re.M
)
_PRELOAD_MARK = "<!-- modulepreload -->"


@dataclass
class Asset:
    body: bytes
    media_type: str
    cache_control: str
    etag: str
    gzip: bytes | None = None
    brotli: bytes | None = None
    variants: dict[str, str] = field(default_factory=dict)

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None, str]:
        """(body, content-encoding or None, etag) for a request's Accept-Encoding."""
        accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
        if self.brotli is not None and "br" in accepted:
            return self.brotli, "br", f'"{self.etag}-br"'
        if self.gzip is not None and "gzip" in accepted:
            return self.gzip, "gzip", f'"{self.etag}-gz"'
        return self.body, None, f'"{self.etag}"'

    @property
    def compressible(self) -> bool:
        return self.gzip is not None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def read_sources(root: Path) -> dict[str, bytes]:
    """Every file of the PWA by its path relative to `root` ("js/api.js"), hidden files left out."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    }


def content_version(sources: dict[str, bytes]) -> str:
    """The version of a set of files: changes whenever any path or byte changes."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + _digest(sources[name]).encode() + b"\n")
    return digest.hexdigest()[:16]


def static_imports(sources: dict[str, bytes], entry: str) -> list[str]:
    """The modules `entry` needs before it runs: its static imports, transitively, in the order
    they were found (dynamic `import()` is left out: that is what loads on demand)."""
    seen: list[str] = []
    pending = [entry]
    while pending:
        current = pending.pop(0)
        text = sources[current].decode()
        base = Path(current).parent
        for match in _STATIC_IMPORT.finditer(text):
            target = _normalise(base, match["path"])
            if target in sources and target not in seen and target != entry:
                seen.append(target)
                pending.append(target)
    return seen


def _normalise(base: Path, relative: str) -> str:
    parts: list[str] = [p for p in base.as_posix().split("/") if p and p != "."]
    for piece in relative.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def precache_list(sources: dict[str, bytes]) -> list[str]:
    """The files the service worker keeps for offline use (besides "/", the entry points it
    caches by their own address): every file but the entry points and `vendor/`, the
    third-party libraries that the one screen needing them loads (the office map)."""
    return sorted(
        name for name in sources if name not in ENTRY_POINTS and not name.startswith("vendor/")
    )


class PwaBuild:
    """Everything the server sends for the PWA, made once from the files on disk."""

    def __init__(self, root: Path, *, background_brotli: bool = True) -> None:
        self.root = root
        self.sources = read_sources(root)
        self.version = content_version(self.sources)
        self.prefix = f"{STATIC_PREFIX}/{self.version}"
        self.versioned: dict[str, Asset] = {}
        self.plain: dict[str, Asset] = {}
        # Set when every brotli variant is made (at once when brotli is not installed).
        self.brotli_ready = threading.Event()
        for name, data in self.sources.items():
            if name in ENTRY_POINTS:
                continue
            self.versioned[name] = self._asset(name, data, IMMUTABLE)
            self.plain[name] = self._asset(name, data, REVALIDATE)
        for name in ENTRY_POINTS:
            if name in self.sources:
                self.plain[name] = self._asset(name, self._entry_point(name), REVALIDATE)
        if brotli is None:
            self.brotli_ready.set()
        else:
            if background_brotli:
                threading.Thread(target=self._add_brotli, name="pwa-brotli", daemon=True).start()
            else:
                self._add_brotli()

    def _asset(self, name: str, data: bytes, cache_control: str) -> Asset:
        asset = Asset(
            body=data,
            media_type=_media_type(name),
            cache_control=cache_control,
            etag=_digest(data)[:20],
        )
        if Path(name).suffix in COMPRESSIBLE:
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            if len(packed) < len(data):
                asset.gzip = packed
        return asset

    def _add_brotli(self) -> None:
        try:
            self._compress_brotli()
        finally:
            self.brotli_ready.set()

    def _compress_brotli(self) -> None:
        assert brotli is not None
        made: dict[str, bytes] = {}
        for asset in [*self.versioned.values(), *self.plain.values()]:
            if not asset.compressible:
                continue
            packed = made.get(asset.etag)
            if packed is None:
                packed = made[asset.etag] = brotli.compress(asset.body, quality=11)
            if asset.gzip is not None and len(packed) < len(asset.gzip):
                asset.brotli = packed

    def _entry_point(self, name: str) -> bytes:
        text = self.sources[name].decode()
        if name.endswith(".html"):
            text = self._rewrite_references(text)
            if _PRELOAD_MARK in text:
                critical = static_imports(self.sources, "app.js")
                links = [
                    f'<link rel="modulepreload" href="{self.prefix}/{module}">'
                    for module in critical
                ]
                links.append(self._module_graph(set(critical)))
                text = text.replace(_PRELOAD_MARK, "\n  ".join(links))
        elif name == "sw.js":
            build = {
                "version": self.version,
                "prefix": self.prefix,
                "files": precache_list(self.sources),
            }
            line = f"const BUILD = {json.dumps(build, separators=(',', ':'))};"
            text, count = _BUILD_LINE.subn(lambda _: line, text, count=1)
            if count != 1:
                raise RuntimeError("pwa/sw.js has no `const BUILD = …;` line to fill in")
        return text.encode()

    def _module_graph(self, loaded: set[str]) -> str:
        """A <meta> with, per view, the modules it imports statically that the critical path
        has not loaded: app.js preloads them all at once when it imports the view, instead of
        the browser finding them one level at a time."""
        graph = {}
        for name in sorted(self.sources):
            if name.startswith("js/views/") and name.endswith(".js"):
                extra = [m for m in static_imports(self.sources, name) if m not in loaded]
                if extra:
                    graph[name] = extra
        # Single-quoted attribute: the JSON's double quotes stay as they are.
        content = html.escape(json.dumps(graph, separators=(",", ":")), quote=False)
        content = content.replace("'", "&#x27;")
        return f"<meta name=\"hadir-modules\" content='{content}'>"

    def _rewrite_references(self, html: str) -> str:
        def versioned(match: re.Match[str]) -> str:
            path = match["path"]
            if path in self.sources and path not in ENTRY_POINTS:
                return f'{match["attr"]}="{self.prefix}/{path}"'
            return match[0]

        return _REFERENCE.sub(versioned, html)

    def find(self, version: str | None, path: str) -> Asset | None:
        """The asset at /static/<version>/<path> (version given) or at /<path>."""
        path = path.lstrip("/")
        if version is not None:
            return self.versioned.get(path) if version == self.version else None
        if path in ("", "index.html"):
            return self.plain.get("index.html")
        return self.plain.get(path)

    def files(self) -> Iterable[str]:
        return self.sources.keys()


@functools.cache
def pwa_build(root: Path) -> PwaBuild:
    return PwaBuild(root)


def _respond(request: Request[Any, Any, Any], asset: Asset | None) -> Response[bytes]:
    if asset is None:
        raise NotFoundException()
    body, encoding, etag = asset.encoded(request.headers.get("accept-encoding", ""))
    headers = {"cache-control": asset.cache_control, "etag": etag}
    if asset.compressible:
        headers["vary"] = "Accept-Encoding"
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(content=b"", status_code=304, headers=headers, media_type=asset.media_type)
    if encoding:
        headers["content-encoding"] = encoding
    return Response(content=body, headers=headers, media_type=asset.media_type)


def pwa_router(build: PwaBuild, opt: dict[str, Any]) -> Router:
    """GET /static/<version>/<path> (immutable) and GET /<path> (entry points, revalidated)."""

    @get(f"{STATIC_PREFIX}/{{version:str}}/{{file_path:path}}", name="pwa-static")
    async def versioned_file(
        request: Request[Any, Any, Any], version: FromPath[str], file_path: FromPath[str]
    ) -> Response[bytes]:
        return _respond(request, build.find(version, file_path))

    @get("/", name="pwa-index")
    async def index(request: Request[Any, Any, Any]) -> Response[bytes]:
        return _respond(request, build.find(None, "/"))

    @get("/{file_path:path}", name="pwa")
    async def plain_file(
        request: Request[Any, Any, Any], file_path: FromPath[str]
    ) -> Response[bytes]:
        return _respond(request, build.find(None, file_path))

    return Router(
        path="/",
        route_handlers=[versioned_file, index, plain_file],
        opt=opt,
        include_in_schema=False,
    )
