"""Meeting papers in the PWA: the secretariat uploads on a tablet, a member downloads on a
phone and saves a TERHAD paper for offline reading; a SULIT paper is never offered for
offline saving and never lands in Cache Storage (the service worker refuses it even when
asked directly)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, ROOT, TABLET, HadirServer, _server_env
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% Kertas cadangan naik taraf rangkaian\ntrailer<<>>\n%%EOF\n"
SULIT_PDF = b"%PDF-1.4\n% PENANDA-SULIT-PELAYAR\ntrailer<<>>\n%%EOF\n"

_MAKE_MEETINGS = """
import asyncio, json
from datetime import UTC, datetime, timedelta
from api import db, piccolo_conf
from api.meetings.tables import AgendaItem, Committee, Meeting

async def main():
    await db.start(piccolo_conf.DB)
    committee = await Committee.select(Committee.id).where(Committee.code == "JPICT").first()
    start = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)
    out = {}
    for number, level in ((71, "TERHAD"), (72, "SULIT")):
        meeting = (await Meeting.insert(Meeting(
            committee=committee["id"], year=2030, number=number,
            title=f"Mesyuarat JPICT Bil. {number}/2030", classification=level,
            starts_at=start, ends_at=start + timedelta(hours=2),
            status="scheduled",  # a draft is known to its secretariat only
        )).returning(Meeting.id))[0]["id"]
        await AgendaItem.insert(
            AgendaItem(meeting=meeting, position=1, title="Pengesahan minit"),
            AgendaItem(meeting=meeting, position=2, title="Naik taraf rangkaian"),
        )
        out[level] = meeting
    await db.stop(piccolo_conf.DB)
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def meetings(hadir_server: HadirServer) -> dict[str, int]:
    """A TERHAD and a SULIT meeting of the demo committee (JPICT), made in the server's own
    database (the meetings screens belong to another area)."""
    env = _server_env(hadir_server.var_dir, 0)
    done = subprocess.run(
        [sys.executable, "-c", _MAKE_MEETINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {k: int(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def _upload(page: Any, title: str, name: str, data: bytes, agenda: str | None = None) -> None:
    page.get_by_label("Tajuk kertas").fill(title)
    if agenda:
        page.get_by_label("Perkara agenda").select_option(label=agenda)
    page.get_by_label("Fail", exact=True).set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )
    with page.expect_response("**/api/meetings/*/papers") as response:
        page.get_by_role("button", name="Muat naik", exact=True).click()
    return response.value


def _cache_urls(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """async () => {
                const urls = [];
                for (const name of await caches.keys()) {
                    const cache = await caches.open(name);
                    for (const request of await cache.keys()) urls.push(`${name} ${request.url}`);
                }
                return urls;
            }"""
        )
    )


def test_secretariat_uploads_and_member_downloads(
    new_page: Any, hadir_server: HadirServer, meetings: dict[str, int], artifacts: Path
) -> None:
    # The secretariat, on a tablet.
    page = new_page(viewport=TABLET)
    open_app(page)
    sign_in_fully(page, hadir_server, hadir_server.account("secretariat"))
    page.get_by_role("heading", level=1).wait_for()
    open_app(page, f"/meetings/{meetings['TERHAD']}/papers")
    expect(page.get_by_role("heading", name="Muat naik kertas")).to_be_visible()
    # The classification offers nothing below the meeting's own.
    options = page.get_by_label("Klasifikasi").locator("option").all_inner_texts()
    assert options == ["TERHAD", "SULIT"]

    # An .exe renamed .pdf: refused by content, the message in Malay next to the file field.
    refused = _upload(page, "Program", "kertas.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 20)
    assert refused.status == 415
    expect(page.get_by_text("Jenis fail ini tidak dibenarkan")).to_be_visible()
    assert page.get_by_label("Fail", exact=True).get_attribute("aria-invalid") == "true"
    # Empty form: told in the user's language before anything is sent.
    page.get_by_label("Tajuk kertas").fill("")
    page.get_by_label("Fail", exact=True).set_input_files([])
    page.get_by_role("button", name="Muat naik", exact=True).click()
    expect(page.get_by_text("Sila pilih fail kertas.")).to_be_visible()
    expect(page.get_by_text("Sila isi tajuk kertas.")).to_be_visible()

    done = _upload(
        page,
        "Kertas cadangan naik taraf rangkaian",
        "Kertas Cadangan.pdf",
        PDF,
        agenda="2. Naik taraf rangkaian",
    )
    assert done.status == 201, done.text()
    expect(page.get_by_role("status")).to_contain_text("dimuat naik")
    item = page.locator(".papers__item", has_text="Kertas cadangan naik taraf rangkaian")
    expect(item).to_contain_text("TERHAD")
    expect(page.get_by_role("heading", name="2. Naik taraf rangkaian")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "tablet-papers-secretariat.png"), full_page=True)

    open_app(page, f"/meetings/{meetings['SULIT']}/papers")
    expect(page.get_by_label("Klasifikasi").locator("option")).to_have_text(["SULIT"])
    sulit = _upload(page, "Laporan keselamatan siber", "laporan.pdf", SULIT_PDF)
    assert sulit.status == 201, sulit.text()
    sulit_url = sulit.json()["url"]

    # A member, on a phone.
    phone = new_page(viewport=PHONE)
    open_app(phone)
    sign_in_fully(phone, hadir_server, hadir_server.account("member"))
    phone.get_by_role("heading", level=1).wait_for()
    open_app(phone, f"/meetings/{meetings['TERHAD']}/papers")
    paper = phone.locator(".papers__item", has_text="Kertas cadangan naik taraf rangkaian")
    expect(paper).to_be_visible()
    expect(phone.get_by_role("heading", name="Muat naik kertas")).to_have_count(0)
    with phone.expect_download() as download_info:
        paper.get_by_role("link", name="Muat turun").click()
    download = download_info.value
    assert download.suggested_filename == "Kertas Cadangan.pdf"
    assert Path(download.path()).read_bytes() == PDF

    # Saved for offline reading on request, then readable with the network gone.
    paper.get_by_role("button", name="Simpan untuk luar talian").click()
    expect(phone.get_by_role("status")).to_contain_text("disimpan untuk dibaca tanpa internet")
    expect(paper.get_by_text("Tersimpan di peranti")).to_be_visible()
    terhad_url = phone.evaluate(
        "() => document.querySelector('.papers__item a').getAttribute('href')"
    )
    assert any(u.startswith("hadir-papers ") and u.endswith(terhad_url) for u in _cache_urls(phone))
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "phone-papers-member.png"), full_page=True)

    phone.context.set_offline(True)
    offline = phone.evaluate(
        """async (url) => {
            const response = await fetch(url, {credentials: "same-origin"});
            return [response.status, await response.text()];
        }""",
        terhad_url,
    )
    assert offline[0] == 200 and offline[1] == PDF.decode()
    # The app is open when the connection drops; going back to the papers shows the saved ones.
    open_app(phone, "/home")
    open_app(phone, f"/meetings/{meetings['TERHAD']}/papers")
    section = phone.locator(".papers")
    expect(section).to_contain_text("Hanya kertas yang disimpan di peranti ini ditunjukkan.")
    expect(section.locator(".papers__title")).to_have_text(["Kertas cadangan naik taraf rangkaian"])
    with phone.expect_download() as download_info:
        section.get_by_role("button", name="Buka").click()
    assert Path(download_info.value.path()).read_bytes() == PDF
    phone.screenshot(path=str(artifacts / "phone-papers-offline.png"), full_page=True)
    phone.context.set_offline(False)

    # The SULIT paper: no offline button; downloading it leaves nothing in Cache Storage,
    # and the service worker refuses it even when asked directly.
    open_app(phone, f"/meetings/{meetings['SULIT']}/papers")
    secret = phone.locator(".papers__item", has_text="Laporan keselamatan siber")
    expect(secret).to_contain_text("SULIT")
    expect(secret.get_by_role("button", name="Simpan untuk luar talian")).to_have_count(0)
    with phone.expect_download() as download_info:
        secret.get_by_role("link", name="Muat turun").click()
    assert Path(download_info.value.path()).read_bytes() == SULIT_PDF
    asked = phone.evaluate(
        """async (url) => {
            const registration = await navigator.serviceWorker.ready;
            return new Promise((resolve) => {
                const channel = new MessageChannel();
                channel.port1.onmessage = (event) => resolve(event.data);
                registration.active.postMessage({type: "SAVE_PAPER", url}, [channel.port2]);
            });
        }""",
        sulit_url,
    )
    assert asked == {"ok": False, "reason": "refused"}
    cached = _cache_urls(phone)
    assert not [u for u in cached if u.endswith(sulit_url)], cached
    assert not [u for u in cached if "/api/" in u and not u.startswith("hadir-papers ")]
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "phone-papers-sulit.png"), full_page=True)

    # Removing the offline copy empties the papers cache again.
    open_app(phone, f"/meetings/{meetings['TERHAD']}/papers")
    phone.get_by_role("button", name="Buang simpanan luar talian").click()
    expect(phone.get_by_role("status")).to_contain_text("dibuang")
    assert not [u for u in _cache_urls(phone) if u.startswith("hadir-papers ")]
