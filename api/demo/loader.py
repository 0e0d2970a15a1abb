"""Demo data for training instances: one agency in Putrajaya, its offices, units and people.

Loaded only into an empty database and never when HADIR_ENV=production. Passwords are random
per installation and written, with each account's role, to `var/demo-accounts.json`.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from api.accounts.mfa import enrol_confirmed_totp
from api.accounts.services import set_password
from api.db import write_transaction
from api.meetings.confidential import agenda_purpose, seal_if_sulit, subject_purpose
from api.meetings.tables import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Invitation,
    Meeting,
    MeetingCounter,
)
from api.org.services import create_unit_row
from api.org.tables import Agency, Office, OfficeAssignment, RoleGrant, User


class DemoAccount(msgspec.Struct):
    login_id: str
    password: str
    name: str
    role: str
    description: str
    # Add it to an authenticator app (or compute codes with pyotp) to pass the second factor.
    totp_secret: str = ""


class DemoRefused(RuntimeError):
    pass


def _rectangle(lon: float, lat: float, width_m: float, height_m: float) -> list[list[float]]:
    """A closed ring around (lon, lat), sizes in metres (fine at Putrajaya's latitude)."""
    dlon = width_m / 2 / 111_200
    dlat = height_m / 2 / 110_600
    return [
        [round(lon - dlon, 6), round(lat - dlat, 6)],
        [round(lon + dlon, 6), round(lat - dlat, 6)],
        [round(lon + dlon, 6), round(lat + dlat, 6)],
        [round(lon - dlon, 6), round(lat + dlat, 6)],
        [round(lon - dlon, 6), round(lat - dlat, 6)],
    ]


OFFICES: list[dict[str, Any]] = [
    {
        "code": "IBU-PEJABAT",
        "name": "Ibu Pejabat, Blok C4 Presint 1",
        "address": "Blok C4, Kompleks C, Pusat Pentadbiran Kerajaan Persekutuan, 62590 Putrajaya",
        "geometry": {
            "type": "Polygon",
            # An L-shaped building: the notch on the north-east is outside.
            "coordinates": [
                [
                    [101.69620, 2.92610],
                    [101.69780, 2.92610],
                    [101.69780, 2.92690],
                    [101.69700, 2.92690],
                    [101.69700, 2.92770],
                    [101.69620, 2.92770],
                    [101.69620, 2.92610],
                ]
            ],
        },
    },
    {
        "code": "KAMPUS-P4",
        "name": "Kampus Presint 4 (Blok A dan Blok B)",
        "address": "Jalan P4W, Presint 4, 62100 Putrajaya",
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [_rectangle(101.68380, 2.91280, 90, 120)],
                [_rectangle(101.68560, 2.91290, 80, 110)],
            ],
        },
    },
    {
        "code": "CAWANGAN-P9",
        "name": "Pejabat Cawangan Presint 9",
        "address": "Jalan P9E, Presint 9, 62250 Putrajaya",
        "geometry": {
            "type": "Polygon",
            # A courtyard building: the courtyard is a hole in the polygon.
            "coordinates": [
                _rectangle(101.67590, 2.93810, 140, 120),
                _rectangle(101.67590, 2.93810, 50, 40),
            ],
        },
    },
]

UNITS = {
    "Pejabat Ketua Pengarah": None,
    "Bahagian Teknologi Maklumat": "Pejabat Ketua Pengarah",
    "Seksyen Aplikasi": "Bahagian Teknologi Maklumat",
    "Seksyen Infrastruktur": "Bahagian Teknologi Maklumat",
    "Bahagian Khidmat Pengurusan": "Pejabat Ketua Pengarah",
    "Unit Sumber Manusia": "Bahagian Khidmat Pengurusan",
    "Unit Kewangan": "Bahagian Khidmat Pengurusan",
}

# Full names as Malaysians write them (given name, patronymic or family name).
NAMES = [
    "Ahmad Faizal bin Abdullah",
    "Siti Nurhaliza binti Hassan",
    "Muhammad Hafiz bin Ismail",
    "Nurul Aina binti Omar",
    "Mohd Azman bin Yusof",
    "Nor Azizah binti Ahmad",
    "Kumaravel a/l Subramaniam",
    "Tan Mei Ling",
    "Lim Wei Jie",
    "Zainab binti Razak",
    "Ismail bin Salleh",
    "Faridah binti Mansor",
    "Khairul Anuar bin Zakaria",
    "Rosnah binti Jaafar",
    "Hakim bin Rahman",
    "Latifah binti Daud",
    "Daniel Wong Kah Meng",
    "Priya a/p Raman",
    "Aisyah binti Kamarudin",
    "Farid bin Othman",
    "Chong Siew Lan",
    "Rajesh a/l Krishnan",
    "Aminah binti Sulaiman",
    "Hafizah binti Nordin",
    "Azlan bin Hashim",
    "Goh Boon Hock",
    "Norliza binti Mat Isa",
    "Syafiq bin Roslan",
    "Devi a/p Muthu",
    "Wan Nur Izzati binti Wan Ismail",
    "Shahrul Nizam bin Yaakob",
    "Lee Chee Keong",
    "Haslinda binti Abu Bakar",
    "Mohd Rizal bin Kassim",
    "Nadia binti Zulkifli",
    "Ong Kah Wai",
    "Suresh a/l Govindasamy",
    "Rohani binti Ibrahim",
    "Amirul bin Hamzah",
    "Fatimah binti Yahya",
    "Jessica Tan Hui Min",
    "Zulkifli bin Mokhtar",
    "Maznah binti Ali",
    "Ganesh a/l Pillai",
    "Hidayah binti Karim",
    "Ikhwan bin Latif",
    "Yap Siew Fong",
    "Noraini binti Abdul Ghani",
    "Faizul bin Mohamed",
    "Sharifah Nur binti Syed Ahmad",
    "Chandran a/l Nair",
    "Emily Lau Pei Shan",
    "Badrul Hisham bin Ramli",
]


def _ic(n: int) -> str:
    year, month, day = 70 + n % 25, 1 + n % 12, 1 + n % 28
    return f"{year:02d}{month:02d}{day:02d}14{5000 + n:04d}"


async def database_is_empty() -> bool:
    return not await Agency.exists() and not await User.exists()


async def load_demo(accounts_file: Path, *, env: str) -> list[DemoAccount]:
    if env == "production":
        raise DemoRefused("demo data is never loaded when HADIR_ENV=production")
    if not await database_is_empty():
        raise DemoRefused("the database already has data; demo data goes only into an empty one")

    accounts: list[DemoAccount] = []
    async with write_transaction():
        agency_id = (
            await Agency.insert(
                Agency(code="JDP", name="Jabatan Digital Persekutuan (Demo)", state="PJY")
            ).returning(Agency.id)
        )[0]["id"]

        office_ids = []
        for office in OFFICES:
            office_ids.append(
                (
                    await Office.insert(Office(agency=agency_id, state="PJY", **office)).returning(
                        Office.id
                    )
                )[0]["id"]
            )

        unit_ids: dict[str, int] = {}
        for name, parent in UNITS.items():
            unit_ids[name] = await create_unit_row(
                agency_id, name, "", unit_ids[parent] if parent else None
            )

        people: list[dict[str, Any]] = []

        def person(n: int, unit: str, position: str, grade: str, supervisor: int | None) -> int:
            name = NAMES[(n - 1) % len(NAMES)]
            people.append(
                {
                    "n": n,
                    "login_id": _ic(n),
                    "name": name,
                    "unit": unit_ids[unit],
                    "position": position,
                    "grade": grade,
                    "supervisor": supervisor,
                    "email": f"pegawai{n:02d}@jdp.gov.my",
                }
            )
            return n

        director = person(1, "Pejabat Ketua Pengarah", "Ketua Pengarah", "JUSA C", None)
        heads = {
            "Seksyen Aplikasi": person(2, "Seksyen Aplikasi", "Ketua Seksyen", "F48", director),
            "Seksyen Infrastruktur": person(
                3, "Seksyen Infrastruktur", "Ketua Seksyen", "F48", director
            ),
            "Unit Sumber Manusia": person(4, "Unit Sumber Manusia", "Ketua Unit", "N44", director),
            "Unit Kewangan": person(5, "Unit Kewangan", "Ketua Unit", "W44", director),
        }
        n = 6
        for unit, head in heads.items():
            for i in range(11):
                grade = ("F41" if "Seksyen" in unit else "N29") if i % 3 else "F44"
                person(n, unit, "Pegawai" if i % 4 else "Penolong Pegawai", grade, head)
                n += 1
        # The admin and executive are officers too, in the management division.
        admin = person(
            n, "Unit Sumber Manusia", "Pentadbir Sistem", "F44", heads["Unit Sumber Manusia"]
        )
        executive = person(
            n + 1, "Pejabat Ketua Pengarah", "Timbalan Ketua Pengarah", "JUSA C", director
        )
        super_admin = person(
            n + 2, "Bahagian Teknologi Maklumat", "Pentadbir Platform", "F52", director
        )

        ids: dict[int, int] = {}
        for p in people:
            ids[p["n"]] = (
                await User.insert(
                    User(
                        agency=agency_id,
                        login_id=p["login_id"],
                        name=p["name"],
                        unit=p["unit"],
                        position=p["position"],
                        grade=p["grade"],
                        email=p["email"],
                        phone=f"03-8000 {1000 + p['n']}",
                    )
                ).returning(User.id)
            )[0]["id"]
        for p in people:
            if p["supervisor"] is not None:
                await User.update({User.supervisor: ids[p["supervisor"]]}).where(
                    User.id == ids[p["n"]]
                )
            # Campus blocks for IT, headquarters for everyone, the branch for finance.
            assigned = [office_ids[0]]
            if p["unit"] in (unit_ids["Seksyen Aplikasi"], unit_ids["Seksyen Infrastruktur"]):
                assigned.append(office_ids[1])
            if p["unit"] == unit_ids["Unit Kewangan"]:
                assigned.append(office_ids[2])
            for office_id in assigned:
                await OfficeAssignment.insert(OfficeAssignment(user=ids[p["n"]], office=office_id))

        await RoleGrant.insert(
            RoleGrant(user=ids[super_admin], role="super_admin", scope_type="platform"),
            RoleGrant(
                user=ids[admin], role="agency_admin", scope_type="agency", scope_id=agency_id
            ),
            RoleGrant(
                user=ids[executive], role="executive", scope_type="agency", scope_id=agency_id
            ),
        )

        committee_id = (
            await Committee.insert(
                Committee(
                    agency=agency_id,
                    unit=unit_ids["Bahagian Teknologi Maklumat"],
                    code="JPICT",
                    name="Jawatankuasa Pemandu ICT",
                )
            ).returning(Committee.id)
        )[0]["id"]
        chair, secretariat = director, 6
        members = [
            heads["Seksyen Aplikasi"],
            heads["Seksyen Infrastruktur"],
            heads["Unit Kewangan"],
            heads["Unit Sumber Manusia"],
            7,
            8,
        ]
        await CommitteeMember.insert(
            CommitteeMember(committee=committee_id, user=ids[chair], role="chair", seniority=1),
            *[
                CommitteeMember(
                    committee=committee_id, user=ids[m], role="member", seniority=10 + i
                )
                for i, m in enumerate(members)
            ],
            CommitteeMember(
                committee=committee_id, user=ids[secretariat], role="secretariat", seniority=900
            ),
        )
        await load_demo_meetings(
            committee_id,
            office_ids[0],
            ids[secretariat],
            [(ids[chair], "chair", 1)]
            + [(ids[m], "member", 10 + i) for i, m in enumerate(members)]
            + [(ids[secretariat], "secretariat", 900)],
        )

    by_n = {p["n"]: p for p in people}
    plan = [
        (super_admin, "super_admin", "Pentadbir Utama / Super administrator"),
        (admin, "agency_admin", "Pentadbir Agensi / Agency administrator"),
        (executive, "executive", "Eksekutif / Executive"),
        (heads["Seksyen Aplikasi"], "supervisor", "Penyelia / Supervisor (Seksyen Aplikasi)"),
        (7, "officer", "Pegawai / Officer (Seksyen Aplikasi)"),
        (secretariat, "secretariat", "Urus Setia JPICT / Committee secretariat"),
        (chair, "chair", "Pengerusi JPICT / Committee chair"),
        (8, "member", "Ahli JPICT / Committee member"),
    ]
    for n_, role, description in plan:
        password = secrets.token_urlsafe(12)
        await set_password(ids[n_], password)
        totp_secret = await enrol_confirmed_totp(ids[n_])
        accounts.append(
            DemoAccount(
                login_id=by_n[n_]["login_id"],
                password=password,
                name=by_n[n_]["name"],
                role=role,
                description=description,
                totp_secret=totp_secret,
            )
        )
    write_accounts_file(accounts_file, accounts)
    return accounts


def write_accounts_file(path: Path, accounts: list[DemoAccount]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps([msgspec.to_builtins(a) for a in accounts], indent=2, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(data + "\n")


def read_accounts_file(path: Path) -> list[DemoAccount]:
    if not path.exists():
        return []
    return msgspec.json.decode(path.read_bytes(), type=list[DemoAccount])


DEMO_MEETINGS = [
    # (days from today, hour (Malaysian time), subject, classification, answered)
    (-60, 9, "Semakan pelan strategik ICT", "TERBUKA", True),
    (-21, 10, "Status projek pendigitalan", "TERHAD", True),
    (14, 9, "Perolehan perkakasan 2027", "TERBUKA", False),
    (35, 14, "Dasar keselamatan siber", "SULIT", False),
]
DEMO_AGENDA = [
    "Pengesahan minit mesyuarat lalu",
    "Perkara berbangkit",
    "Kertas pertimbangan",
    "Hal-hal lain",
]


async def load_demo_meetings(
    committee_id: int,
    office_id: int,
    secretariat_id: int,
    invitees: list[tuple[int, str, int]],
) -> None:
    """Past and upcoming meetings of the demo committee, numbered per year as the app does,
    with invitations (the past ones answered). Drafts are left to the people trying the app."""
    zone = ZoneInfo("Asia/Kuala_Lumpur")
    today = datetime.now(zone).date()
    last: dict[int, int] = {}
    for days, hour, subject, level, answered in DEMO_MEETINGS:
        day = today + timedelta(days=days)
        start = datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)
        last[day.year] = last.get(day.year, 0) + 1
        meeting_id = (
            await Meeting.insert(
                Meeting(
                    committee=committee_id,
                    year=day.year,
                    number=last[day.year],
                    title="" if level == "SULIT" else subject,
                    classification=level,
                    mode="hybrid" if days > 0 else "physical",
                    venue_office=office_id,
                    room="Bilik Mesyuarat Utama, Aras 3",
                    online_url="https://meet.jdp.gov.my/jpict" if days > 0 else "",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    status="scheduled",
                    invited_at=start - timedelta(days=10),
                    created_by=secretariat_id,
                )
            ).returning(Meeting.id)
        )[0]["id"]
        if level == "SULIT":
            await Meeting.update(
                {Meeting.title: seal_if_sulit(subject, level, subject_purpose(meeting_id))}
            ).where(Meeting.id == meeting_id)
        await AgendaItem.insert(
            *[
                AgendaItem(
                    meeting=meeting_id,
                    position=n,
                    title=seal_if_sulit(title, level, agenda_purpose(meeting_id)),
                )
                for n, title in enumerate(DEMO_AGENDA, start=1)
            ]
        )
        await Invitation.insert(
            *[
                Invitation(
                    meeting=meeting_id,
                    user=user_id,
                    role=role,
                    seniority=seniority,
                    response="accepted" if answered and n % 4 else "needs_action",
                    responded_at=start - timedelta(days=3) if answered and n % 4 else None,
                    attendance=("present" if n % 4 else "absent") if days < 0 else "",
                )
                for n, (user_id, role, seniority) in enumerate(invitees)
            ]
        )
    for year, number in last.items():
        await MeetingCounter.insert(
            MeetingCounter(committee=committee_id, year=year, last_number=number)
        )
