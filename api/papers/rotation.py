"""Master-key rotation: everything wrapped or sealed under an earlier master key moves to the
current one (`python -m api rotate-master-key`).

How to rotate: set HADIR_MASTER_KEY to the new key and HADIR_MASTER_KEY_PREVIOUS to the old
one (everything still opens meanwhile), run the command, then remove the old key. What moves:

* papers' document keys (`paper.wrapped_key`, by `key_id`): only the small keys are re-wrapped,
  never the files;
* every Text column registered with `api.core.documents.register_sealed_text_column`
  (doc1: envelopes: papers' titles and file names, the minutes area's SULIT texts);
* TOTP secrets (`totp_factor.secret_sealed`, sealed by api.core.crypto under the master key
  with no key id: a value that opens with the current key is left alone).

Batches of `batch` rows, each in its own write transaction; rows already under the current key
are skipped, so running it again (or after an interruption) is safe.
"""

from __future__ import annotations

from typing import Any

import msgspec

from api.accounts.tables import TotpFactor
from api.core import crypto
from api.core.documents import (
    WrappedKey,
    master_key_id,
    rewrap,
    rewrap_text,
    sealed_text_columns,
    text_key_id,
)
from api.db import write_transaction
from api.papers.services import file_purpose
from api.papers.tables import Paper

# Every table module registers its sealed columns when imported; Piccolo's app registry imports
# them all (api.papers.services, which registers the paper columns, is imported above).
from api.piccolo_conf import APP_REGISTRY  # noqa: F401


class RotationReport(msgspec.Struct):
    paper_keys: int = 0
    sealed_texts: dict[str, int] = msgspec.field(default_factory=dict)
    totp_secrets: int = 0

    def lines(self) -> list[str]:
        out = [f"paper document keys re-wrapped: {self.paper_keys}"]
        out += [f"{name} re-wrapped: {count}" for name, count in self.sealed_texts.items()]
        out.append(f"TOTP secrets re-sealed: {self.totp_secrets}")
        return out


async def _rotate_paper_keys(current: str, batch: int) -> int:
    done, after = 0, 0
    while True:
        rows = await (
            Paper.select(Paper.id, Paper.storage_key, Paper.wrapped_key, Paper.key_id)
            .where((Paper.id > after) & (Paper.key_id != "") & (Paper.key_id != current))
            .order_by(Paper.id)
            .limit(batch)
        )
        if not rows:
            return done
        async with write_transaction():
            for row in rows:
                key = rewrap(
                    WrappedKey(wrapped=row["wrapped_key"], key_id=row["key_id"]),
                    file_purpose(row["storage_key"]),
                )
                await Paper.update(
                    {Paper.wrapped_key: key.wrapped, Paper.key_id: key.key_id}
                ).where((Paper.id == row["id"]) & (Paper.key_id == row["key_id"]))
                done += 1
        after = rows[-1]["id"]


async def _rotate_text_column(
    table: Any, column: str, purpose: Any, current: str, batch: int
) -> int:
    column_ref = getattr(table, column)
    primary = table._meta.primary_key
    done, after = 0, 0
    while True:
        rows = await (
            table.select()
            .where(
                (primary > after)
                & column_ref.like("doc1:%")
                & column_ref.not_like(f"doc1:{current}:%")
            )
            .order_by(primary)
            .limit(batch)
        )
        if not rows:
            return done
        async with write_transaction():
            for row in rows:
                value = row[column]
                if text_key_id(value) == current:
                    continue
                await table.update({column_ref: rewrap_text(value, purpose(row))}).where(
                    (primary == row[primary._meta.name]) & (column_ref == value)
                )
                done += 1
        after = rows[-1][primary._meta.name]


async def _reseal_totp(batch: int) -> int:
    done, after = 0, 0
    while True:
        rows = await (
            TotpFactor.select(TotpFactor.id, TotpFactor.user, TotpFactor.secret_sealed)
            .where(TotpFactor.id > after)
            .order_by(TotpFactor.id)
            .limit(batch)
        )
        if not rows:
            return done
        async with write_transaction():
            for row in rows:
                # The purpose api.accounts.mfa seals with (its _totp_purpose).
                fresh = crypto.reseal(row["secret_sealed"], f"totp:{row['user']}")
                if fresh is None:
                    continue
                await TotpFactor.update({TotpFactor.secret_sealed: fresh}).where(
                    (TotpFactor.id == row["id"])
                    & (TotpFactor.secret_sealed == row["secret_sealed"])
                )
                done += 1
        after = rows[-1]["id"]


async def rotate_master_key(batch: int = 200) -> RotationReport:
    current = master_key_id()
    report = RotationReport(paper_keys=await _rotate_paper_keys(current, batch))
    for sealed in sealed_text_columns():
        name = f"{sealed.table._meta.tablename}.{sealed.column}"
        report.sealed_texts[name] = await _rotate_text_column(
            sealed.table, sealed.column, sealed.purpose, current, batch
        )
    report.totp_secrets = await _reseal_totp(batch)
    return report
