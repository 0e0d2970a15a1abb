"""Renders the PWA's PNG icons from SVG with Debian's Chromium (no image library needed).

    .venv/bin/python tests/browser/make_icons.py

Writes pwa/icons/icon-192.png, icon-512.png (rounded, transparent corners), maskable-512.png
(full bleed, the mark inside the central 80 % safe zone) and apple-touch-icon.png (180 px,
opaque). The outputs are committed; run this again only when the artwork changes.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "pwa" / "icons"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

BLUE = "#0b4f8a"
MARK = (
    '<path d="M256 84c-86 0-154 67-154 150 0 108 154 214 154 214s154-106 154-214'
    'c0-83-68-150-154-150z" fill="#fff"/>'
    f'<path d="M190 236l46 46 90-92" fill="none" stroke="{BLUE}" stroke-width="38" '
    'stroke-linecap="round" stroke-linejoin="round"/>'
)


def svg(size: int, *, rounded: bool, mark_scale: float = 1.0) -> str:
    radius = 112 if rounded else 0
    offset = 256 * (1 - mark_scale)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="{size}" '
        f'height="{size}"><rect width="512" height="512" rx="{radius}" fill="{BLUE}"/>'
        f'<g transform="translate({offset} {offset}) scale({mark_scale})">{MARK}</g></svg>'
    )


OUTPUTS = {
    "icon-192.png": (192, svg(192, rounded=True)),
    "icon-512.png": (512, svg(512, rounded=True)),
    # Maskable: the platform crops to a circle or squircle; keep the mark well inside.
    "maskable-512.png": (512, svg(512, rounded=False, mark_scale=0.72)),
    "apple-touch-icon.png": (180, svg(180, rounded=False, mark_scale=0.86)),
}


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        page = browser.new_page(device_scale_factor=1)
        for name, (size, markup) in OUTPUTS.items():
            page.set_viewport_size({"width": size, "height": size})
            page.set_content(
                "<!doctype html><html><head><style>html,body{margin:0;background:transparent}"
                f"svg{{display:block}}</style></head><body>{markup}</body></html>"
            )
            page.locator("svg").screenshot(path=str(ICONS / name), omit_background=True)
            print(f"{name}: {(ICONS / name).stat().st_size} bytes")
        browser.close()


if __name__ == "__main__":
    main()
