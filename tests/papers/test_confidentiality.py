"""SULIT at rest: no plaintext anywhere in the database or the file store; master-key
rotation by re-wrapping (old key still opens until rotated; after rotation it is not needed)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import msgspec
import pytest

from api.config import get_settings
from tests.papers.conftest import PDF_BYTES, Setup, upload

MARKER = "PENANDA-SULIT-" + secrets.token_hex(6)


def _use_keys(monkeypatch: pytest.MonkeyPatch, current: bytes, *previous: bytes) -> None:
    """Switches the master keys as a restart with new settings would."""
    from api.core import crypto, documents

    settings = msgspec.structs.replace(
        get_settings(), master_key=current, master_keys_previous=tuple(previous)
    )
    monkeypatch.setattr(crypto, "get_settings", lambda: settings)
    monkeypatch.setattr(documents, "get_settings", lambda: settings)


def _sqlite_files() -> bytes:
    """The SQLite database file with its write-ahead log (where fresh writes sit)."""
    path = get_settings().sqlite_path
    found = b""
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            found += candidate.read_bytes()
    return found


async def _database_text() -> bytes:
    """Everything the database holds, as bytes: the SQLite file and its WAL, or every row of
    every table on PostgreSQL (as text)."""
    from piccolo.conf.apps import Finder

    from api import db as database

    if database.is_sqlite():
        found = _sqlite_files()
        assert len(found) > 10_000
        return found
    chunks = []
    for table in Finder().get_table_classes():
        name = table._meta.tablename
        rows = await table.raw(f'SELECT t::text AS row FROM "{name}" t')
        chunks += [str(r["row"]).encode() for r in rows]
    # bytea columns print as hex in row text: look for the hex of the marker as well.
    return b"\n".join(chunks)


def _store_bytes() -> bytes:
    root = get_settings().file_store_dir
    assert root is not None
    found = b""
    for folder, _, files in os.walk(root):
        for name in files:
            found += Path(folder, name).read_bytes()
    return found


@pytest.mark.parametrize("store_kind", ["local", "database"])
async def test_no_sulit_plaintext_at_rest(
    papers_setup: Setup, signed_in: Any, store_kind: str
) -> None:
    from api.core.documents import seal_text
    from api.files.store import DatabaseBlobStore, set_store
    from api.meetings.tables import AgendaItem

    if store_kind == "database":
        set_store(DatabaseBlobStore())
    try:
        secretariat = await signed_in("officer_a")
        content = PDF_BYTES + f"(Isi: {MARKER} kandungan sulit)".encode() * 50
        response = await upload(
            secretariat,
            papers_setup.meetings["SULIT"],
            name=f"{MARKER}.pdf",
            title=f"Tajuk {MARKER}",
            data=content,
        )
        assert response.status_code == 201, response.text
        # A SULIT text sealed as the minutes area does it.
        await AgendaItem.update(
            {AgendaItem.description: seal_text(f"Minit {MARKER}", "test:description")}
        ).where(AgendaItem.id == papers_setup.items["SULIT"])
        # It is really there for a member...
        member = await signed_in("exec_a")
        got = await member.get(response.json()["url"])
        assert got.content == content
        listed = await member.get(f"/api/meetings/{papers_setup.meetings['SULIT']}/papers")
        assert MARKER in listed.json()["papers"][0]["title"]
        # ...and nowhere at rest.
        marker = MARKER.encode()
        everything = await _database_text() + _store_bytes()
        assert marker not in everything
        assert marker.hex().encode() not in everything  # bytea as hex on PostgreSQL
        assert b"kandungan sulit" not in everything
    finally:
        set_store(None)


async def test_a_terhad_paper_is_stored_as_is(papers_setup: Setup, signed_in: Any) -> None:
    """The control for the test above: the search would find an unencrypted marker."""
    secretariat = await signed_in("officer_a")
    response = await upload(
        secretariat, papers_setup.meetings["TERHAD"], data=PDF_BYTES + MARKER.encode()
    )
    assert response.status_code == 201
    assert MARKER.encode() in _store_bytes()


async def test_sealed_value_bound_to_its_row(papers_setup: Setup, signed_in: Any) -> None:
    """A SULIT file copied under another paper's row does not open (purpose is bound)."""
    from api.core.crypto import CryptoError
    from api.core.documents import WrappedKey, decrypt_bytes
    from api.files.store import get_store
    from api.papers.tables import Paper

    secretariat = await signed_in("officer_a")
    meeting = papers_setup.meetings["SULIT"]
    await upload(secretariat, meeting)
    await upload(secretariat, meeting)
    first, second = await Paper.select().order_by(Paper.id)
    ciphertext = await get_store().get(first["storage_key"])
    with pytest.raises(CryptoError):
        decrypt_bytes(
            ciphertext,
            WrappedKey(wrapped=second["wrapped_key"], key_id=second["key_id"]),
            f"paper:{second['storage_key']}",
        )


async def test_master_key_rotation(
    papers_setup: Setup, signed_in: Any, client_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.core.crypto import CryptoError
    from api.core.documents import master_key_id, open_text, seal_text
    from api.papers.rotation import rotate_master_key
    from api.papers.tables import Paper

    key_a, key_b = secrets.token_bytes(32), secrets.token_bytes(32)
    _use_keys(monkeypatch, key_a)
    # Under key A: a SULIT paper, and TOTP secrets sealed as mfa.py does (re-seal the
    # fixture's under A first).
    from api.accounts.tables import TotpFactor
    from api.core import crypto
    from tests.fixtures import TOTP_SECRETS

    for row in await TotpFactor.select(TotpFactor.id, TotpFactor.user):
        login = next(k for k, v in papers_setup.org.users.items() if v == row["user"])
        secret = TOTP_SECRETS[papers_setup.org.login[login]]
        await TotpFactor.update(
            {TotpFactor.secret_sealed: crypto.seal(secret.encode(), f"totp:{row['user']}")}
        ).where(TotpFactor.id == row["id"])
    secretariat = await signed_in("officer_a")
    paper = (await upload(secretariat, papers_setup.meetings["SULIT"], data=PDF_BYTES)).json()
    sealed = seal_text("teks sulit", "test:rotation")
    assert (await Paper.select(Paper.key_id).first())["key_id"] == master_key_id(key_a)

    # B is the new key, A still configured as previous: everything opens.
    _use_keys(monkeypatch, key_b, key_a)
    member = await client_factory()
    await member.sign_in(papers_setup.org.login["exec_a"])  # TOTP sealed under A
    assert (await member.get(paper["url"])).content == PDF_BYTES
    assert open_text(sealed, "test:rotation") == "teks sulit"

    report = await rotate_master_key(batch=2)
    assert report.paper_keys == 1
    assert report.sealed_texts["paper.title"] == 1
    assert report.sealed_texts["paper.file_name"] == 1
    assert report.totp_secrets == len(papers_setup.org.users)
    again = await rotate_master_key(batch=2)  # idempotent
    assert again.paper_keys == 0 and again.totp_secrets == 0
    assert set(again.sealed_texts.values()) == {0}
    assert (await Paper.select(Paper.key_id).first())["key_id"] == master_key_id(key_b)

    # A removed: everything rotated still opens.
    _use_keys(monkeypatch, key_b)
    other = await client_factory()
    await other.sign_in(papers_setup.org.login["exec_a"])
    assert (await other.get(paper["url"])).content == PDF_BYTES
    listed = await other.get(f"/api/meetings/{papers_setup.meetings['SULIT']}/papers")
    assert listed.json()["papers"][0]["title"] == "Kertas cadangan"
    # The stand-alone sealed text was not in a registered column: it needs A, and says so.
    with pytest.raises(CryptoError):
        open_text(sealed, "test:rotation")


def test_previous_keys_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    from api.config import ConfigError, load_settings

    one, two = secrets.token_bytes(32), secrets.token_bytes(32)
    encoded = [base64.urlsafe_b64encode(k).decode().rstrip("=") for k in (one, two)]
    monkeypatch.setenv("HADIR_MASTER_KEY_PREVIOUS", f"{encoded[0]}, {encoded[1]}")
    assert load_settings().master_keys_previous == (one, two)
    monkeypatch.setenv("HADIR_MASTER_KEY_PREVIOUS", "dGVzdA")
    with pytest.raises(ConfigError, match="HADIR_MASTER_KEY_PREVIOUS must decode to exactly 32"):
        load_settings()


def test_rotate_master_key_command(tmp_path: Path) -> None:
    """python -m api rotate-master-key on a database of its own: counts, then idempotent."""
    import base64
    import subprocess
    import sys

    from tests.support.live_server import server_env

    env = server_env(tmp_path, 0, database_file="rotate.sqlite3")
    root = Path(__file__).resolve().parents[2]

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api", *args],
            cwd=root,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert run("migrate").returncode == 0
    assert run("demo").returncode == 0  # TOTP secrets sealed under var/master_key
    old = (tmp_path / "master_key").read_text().strip()
    new = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    keys = {"HADIR_MASTER_KEY": new, "HADIR_MASTER_KEY_PREVIOUS": old}
    first = run("rotate-master-key", "--batch", "3", **keys)
    assert first.returncode == 0, first.stderr
    assert "TOTP secrets re-sealed: 8" in first.stdout
    assert "paper document keys re-wrapped: 0" in first.stdout
    second = run("rotate-master-key", **keys)
    assert "TOTP secrets re-sealed: 0" in second.stdout
    # Without the old key the command still runs: everything is under the new one.
    third = run("rotate-master-key", HADIR_MASTER_KEY=new)
    assert third.returncode == 0 and "TOTP secrets re-sealed: 0" in third.stdout
