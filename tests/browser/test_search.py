"""A member searches the meetings they may read on a phone and opens a result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, HadirServer
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def test_a_member_searches_and_opens_a_meeting(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    member = hadir_server.account("member")
    page = new_page(PHONE)
    open_app(page)
    sign_in_fully(page, hadir_server, member)
    page.get_by_role("navigation").get_by_role("link", name="Carian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carian")

    box = page.get_by_label("Kata carian")
    box.fill("x")
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_role("alert")).to_have_text("Masukkan sekurang-kurangnya 2 aksara.")
    expect(box).to_be_focused()

    box.fill("pemandu ict")
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"#/search\?q=pemandu%20ict$"))
    status = page.get_by_role("status").filter(has_text="hasil")
    expect(status).to_have_text(re.compile(r"^\d+ hasil"))
    first = page.locator(".search__hit").first
    expect(first.locator("mark").first).to_have_text(re.compile("pemandu ict", re.I))
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-search.png"), full_page=True)

    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Mesyuarat Jawatankuasa Pemandu ICT Bil\. \d+/\d{4}")
    )
    # Back returns to the same words and results.
    page.go_back()
    expect(page.get_by_label("Kata carian")).to_have_value("pemandu ict")
    expect(page.locator(".search__hit").first).to_be_visible()

    nothing = "tiada-perkataan-begini"
    page.get_by_label("Kata carian").fill(nothing)
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_role("status").filter(has_text="Tiada")).to_have_text("Tiada hasil.")
