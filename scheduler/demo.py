"""Demo data: a 24/7 hospital pharmacy and a retail store, dated relative to the current week.

Everything comes from fixed tables and a fixed random seed, so seeding twice in
the same week gives the same data. Two sterile-compounding qualifications lapse
during the demo week so the rota's explanations have something to say.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from . import solver as sv
from .clock import fixed_today
from .dates import monday_of
from .extensions import db
from .models import (
    AccountRole,
    CECategory,
    CEEntry,
    Certification,
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    OfferKind,
    OpeningHours,
    RatioRuleSet,
    RotaStatus,
    ShiftRequest,
    ShiftType,
    Site,
    SiteGroup,
    SiteKind,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    Station,
    User,
    VolunteerOffer,
)
from .services.problem_loader import build_problem
from .services.rota_lookup import planned_with
from .services.solving import store_result

SEED = 1729
WEEKDAYS = "01234"
WEEKEND = "56"


def _words(text: str) -> list[str]:
    """The words of a text, for the name lists below."""
    return text.split()


FIRST = _words(
    "Ana Ben Chloe Dev Elena Farid Grace Hiro Imani Jonah Keisha Luis Maya Nikhil Olivia "
    "Pedro Quinn Rosa Sam Tariq Uma Victor Wen Ximena Yusuf Zoe Aaron Bianca Carlos Dana "
    "Emeka Fiona Gabe Hana Ivan Jade Kofi Lena Marco Nora"
)
LAST = _words(
    "Okafor Nguyen Patel Garcia Kowalski Haddad Johnson Tanaka Mensah Rivera Schmidt Ali "
    "Brooks Chen Dubois Evans Fischer Gomez Hughes Ivanova Jensen Kim Lopez Murphy Novak "
    "Ortiz Price Reyes Singh Torres Usman Vasquez Walker Yamamoto Zhou Adeyemi Bauer Costa "
    "Diaz Ekström"
)

# code, name, requalification days, prerequisite code
COMPETENCIES = [
    ("CF", "Central fill / cart fill", None, None),
    ("RPHV", "Pharmacist order verification", None, None),
    ("ASEP", "Aseptic technique (USP <797>)", 365, None),
    ("GFT", "Garbing and gloved fingertip test", 182, None),
    ("MF", "Media fill test", 182, None),
    ("HD", "Hazardous drug compounding (USP <800>)", 365, "ASEP"),
    ("ADC", "Automated dispensing cabinet restock", None, None),
    ("MEDHX", "Medication history", None, None),
    ("INV", "Inventory and ordering", None, None),
    ("ENTRY", "Prescription drop-off and data entry", None, None),
    ("FILL", "Prescription fill", None, None),
    ("POS", "Pick-up and register", None, None),
    ("IMMZ", "Immunisation administration", 730, None),
]
STERILE = ("ASEP", "GFT", "MF")

IND, TRN, SUP, OBS = (
    SkillLevel.INDEPENDENT,
    SkillLevel.TRAINER,
    SkillLevel.SUPERVISED,
    SkillLevel.OBSERVE,
)

# Riverside Hospital staff: key, role, certified, contract, certifications, skills
# contract: "ft" full time, "pt" part time, "tr" trainee
HOSPITAL_STAFF = [
    ("P1", "pharmacist", True, "ft", [], {"RPHV": TRN, "INV": IND}),
    ("P2", "pharmacist", True, "ft", [], {"RPHV": IND}),
    ("P3", "pharmacist", True, "ft", [], {"RPHV": IND}),
    ("P4", "pharmacist", True, "ft", [], {"RPHV": IND}),
    ("P5", "pharmacist", True, "ft", [], {"RPHV": IND}),
    ("P6", "pharmacist", True, "ft", [], {"RPHV": IND}),
    ("P7", "pharmacist", True, "pt", [], {"RPHV": IND}),
    ("P8", "pharmacist", True, "pt", [], {"RPHV": IND}),
    (
        "T1",
        "technician",
        True,
        "ft",
        ["CPhT", "CSPT"],
        {"CF": TRN, "ASEP": TRN, "GFT": TRN, "MF": TRN, "HD": TRN, "ADC": IND},
    ),
    (
        "T2",
        "technician",
        True,
        "ft",
        ["CPhT", "CSPT"],
        {"CF": IND, "ASEP": TRN, "GFT": TRN, "MF": TRN, "ADC": IND},
    ),
    (
        "T3",
        "technician",
        True,
        "ft",
        ["CPhT", "CSPT"],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "HD": IND},
    ),
    (
        "T4",
        "technician",
        True,
        "ft",
        ["CPhT", "CSPT"],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "HD": IND, "ADC": IND},
    ),
    (
        "T5",
        "technician",
        True,
        "ft",
        ["CPhT", "CSPT"],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "HD": SUP},
    ),
    ("T6", "technician", True, "ft", ["CPhT"], {"CF": TRN, "ADC": IND, "INV": IND, "MEDHX": IND}),
    ("T7", "technician", True, "ft", ["CPhT"], {"CF": TRN, "ADC": IND, "INV": IND, "MEDHX": IND}),
    (
        "T8",
        "technician",
        True,
        "ft",
        ["CPhT"],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "ADC": IND},
    ),
    (
        "T9",
        "technician",
        True,
        "ft",
        ["CPhT"],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "ADC": IND},
    ),
    ("T10", "technician", False, "ft", [], {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND}),
    (
        "T11",
        "technician",
        False,
        "ft",
        [],
        {"CF": IND, "ASEP": IND, "GFT": IND, "MF": IND, "ADC": IND},
    ),
    ("T12", "technician", False, "ft", [], {"CF": TRN, "ADC": IND, "MEDHX": IND}),
    ("T13", "technician", False, "ft", [], {"CF": IND, "ADC": IND, "MEDHX": IND}),
    ("T14", "technician", False, "ft", [], {"CF": IND, "ADC": IND, "MEDHX": IND}),
    ("T15", "technician", False, "ft", [], {"CF": IND, "ADC": IND, "MEDHX": IND}),
    ("T16", "technician", False, "pt", [], {"CF": IND, "ADC": IND, "INV": IND}),
    ("T17", "technician", False, "pt", [], {"CF": IND, "ADC": IND, "INV": IND}),
    ("T18", "technician", False, "pt", [], {"CF": IND, "ADC": IND}),
    ("TR1", "trainee", False, "tr", [], {"ADC": IND, "CF": SUP}),
    ("TR2", "trainee", False, "tr", [], {"ADC": IND, "CF": SUP}),
    ("TR3", "trainee", False, "tr", [], {"ADC": IND, "CF": OBS}),
    (
        "TR4",
        "trainee",
        False,
        "tr",
        [],
        {"ADC": IND, "CF": IND, "ASEP": SUP, "GFT": SUP, "MF": OBS},
    ),
]

# Demo only: real installs create accounts with `flask --app scheduler create-user`.
DEMO_ACCOUNTS = [
    ("super@demo.pharmacy", "Sam Supervisor", AccountRole.SUPERVISOR, "demo-super", None),
    ("pic@demo.pharmacy", "", AccountRole.PHARMACIST_IN_CHARGE, "demo-pic", "P1"),
    ("tech@demo.pharmacy", "", AccountRole.TECHNICIAN, "demo-tech", "T5"),
]

RETAIL_STAFF = [
    ("R-P1", "pharmacist", True, "ft", [], {"RPHV": TRN, "IMMZ": IND}),
    ("R-P2", "pharmacist", True, "ft", [], {"RPHV": IND, "IMMZ": IND}),
    ("R-P3", "pharmacist", True, "pt", [], {"RPHV": IND, "IMMZ": IND}),
    ("R-T1", "technician", True, "ft", ["CPhT"], {"ENTRY": IND, "FILL": TRN, "POS": IND}),
    ("R-T2", "technician", True, "ft", ["CPhT"], {"ENTRY": IND, "FILL": IND, "POS": IND}),
    ("R-T3", "technician", True, "ft", ["CPhT"], {"ENTRY": TRN, "FILL": IND, "POS": IND}),
    (
        "R-T4",
        "technician",
        False,
        "ft",
        [],
        # Cross-training toward sterile compounding at the hospital of the group.
        {"FILL": IND, "POS": IND, "ENTRY": IND, "ASEP": OBS, "GFT": OBS, "MF": OBS},
    ),
    ("R-T5", "technician", False, "ft", [], {"ENTRY": IND, "POS": IND, "FILL": IND}),
    ("R-T6", "technician", False, "pt", [], {"FILL": IND, "POS": IND, "ENTRY": IND}),
    ("R-TR1", "trainee", False, "tr", [], {"POS": IND, "ENTRY": SUP, "FILL": SUP}),
]

# minutes per week (min, max) by contract kind and site kind
CONTRACTS = {
    ("hospital", "ft"): (1920, 2400),
    ("hospital", "pt"): (960, 1440),
    ("hospital", "tr"): (1440, 2400),
    ("retail", "ft"): (1800, 2400),
    ("retail", "pt"): (720, 1440),
    ("retail", "tr"): (720, 1440),
}


class _Seeder:
    """Builds the demo rows for one Monday, keeping lookups by code and staff key."""

    def __init__(self, monday: date) -> None:
        self.monday = monday
        self.rng = random.Random(SEED)
        self.comp: dict[str, Competency] = {}
        self.staff: dict[str, Staff] = {}
        self.shift: dict[str, ShiftType] = {}
        self.station: dict[str, Station] = {}
        self.duty: dict[str, Duty] = {}
        names = [f"{f} {ln}" for f in FIRST for ln in LAST]
        self.rng.shuffle(names)
        used_first: set[str] = set()
        self.names = []
        for name in names:  # one first name each, so the rota reads easily
            first = name.split()[0]
            if first not in used_first:
                used_first.add(first)
                self.names.append(name)

    def accounts(self) -> None:
        """Demo sign-ins: one supervisor, one pharmacist-in-charge, one technician."""
        for email, name, role, password, staff_key in DEMO_ACCOUNTS:
            staff = self.staff[staff_key] if staff_key else None
            user = User(email=email, name=staff.name if staff else name, role=role, staff=staff)
            user.set_password(password)
            db.session.add(user)

    def day(self, offset: int) -> date:
        return self.monday + timedelta(days=offset)

    def at(self, offset_days: int) -> datetime:
        return datetime.combine(self.day(offset_days), time(12, 0), tzinfo=UTC)

    # --- reference data -------------------------------------------------------

    def competencies(self) -> None:
        for code, name, days, _ in COMPETENCIES:
            self.comp[code] = Competency(code=code, name=name, requalify_days=days)
        for code, _, _, prereq in COMPETENCIES:
            if prereq:
                self.comp[code].prerequisite = self.comp[prereq]
        db.session.add_all(self.comp.values())

    def people(self, site: Site, table: list, kind: str) -> None:
        for key, role, certified, contract, certs, skills in table:
            low, high = CONTRACTS[(kind, contract)]
            person = Staff(
                name=self.names.pop(0),
                role=StaffRole(role),
                certified=certified if role != "pharmacist" else False,
                home_site=site,
                min_minutes_per_week=low,
                max_minutes_per_week=high,
                max_consecutive_days=5,
                min_consecutive_days=1,
                min_consecutive_days_off=2 if contract == "pt" else 1,
                max_weekends_per_4_weeks=2,
                min_rest_minutes=600,
                max_trainees=2 if TRN in skills.values() else 1,
            )
            self.staff[key] = person
            for name in certs:
                issued = self.day(-self.rng.randint(200, 600))
                person.certifications.append(
                    Certification(
                        name=name,
                        number=f"{name}-{self.rng.randint(100000, 999999)}",
                        issued=issued,
                        expires=issued + timedelta(days=730),
                    )
                )
            for code, level in skills.items():
                comp = self.comp[code]
                signed = (
                    -self.rng.randint(20, comp.requalify_days - 30)
                    if comp.requalify_days
                    else (-self.rng.randint(60, 900))
                )
                until = self.day(signed + comp.requalify_days) if comp.requalify_days else None
                person.skills.append(
                    StaffCompetency(
                        competency=comp,
                        level=level,
                        valid_until=until if level in (IND, TRN) else None,
                        signed_off_at=self.at(signed),
                    )
                )
        db.session.add_all(self.staff.values())

    def sign_offs(self) -> None:
        """Name who signed each skill off: a trainer in it, else the site's lead pharmacist."""
        trainers: dict[tuple[int, int], Staff] = {}
        for person in self.staff.values():
            for sk in person.skills:
                if sk.level is TRN:
                    trainers.setdefault((person.home_site.id, sk.competency.id), person)
        leads = {p.home_site.id: p for k, p in self.staff.items() if k in ("P1", "R-P1")}
        for person in self.staff.values():
            for sk in person.skills:
                signer = trainers.get((person.home_site.id, sk.competency.id))
                if signer is None or signer is person:
                    signer = leads[person.home_site.id]
                if sk.level in (IND, TRN) and signer is not person:
                    sk.signed_off_by = signer

    def ce_log(self, key: str, missing: set[str]) -> None:
        """Twenty-odd CE hours over two years, leaving out the named categories."""
        person = self.staff[key]
        plan = [
            (CECategory.LAW, 1.0, "Federal and state pharmacy law update"),
            (CECategory.PATIENT_SAFETY, 1.5, "Look-alike sound-alike medication errors"),
            (CECategory.TECHNICIAN, 6.0, "USP <797> revisions for technicians"),
            (CECategory.TECHNICIAN, 5.0, "Hazardous drug handling refresher"),
            (CECategory.TECHNICIAN, 4.0, "Automated dispensing cabinet best practice"),
            (CECategory.GENERAL, 3.0, "Immunisation basics"),
        ]
        for category, hours, topic in plan:
            if category.value in missing:
                continue
            person.ce_entries.append(
                CEEntry(
                    on_date=self.day(-self.rng.randint(30, 700)),
                    hours=hours,
                    topic=topic,
                    category=category,
                )
            )

    # --- sites --------------------------------------------------------------------

    def shift_type(self, site, code, name, start, end, weekdays="0123456", night=False, cap=None):
        st = ShiftType(
            site=site,
            code=code,
            name=name,
            start=time(*start),
            end=time(*end),
            night=night,
            weekdays=weekdays,
            max_per_week=cap,
        )
        self.shift[f"{site.name}:{code}"] = st
        return st

    def cover(self, station: Station, shift: ShiftType, weekdays: str, minimum: int, ideal: int):
        for wd in weekdays:
            station.cover.append(
                CoverRequirement(shift_type=shift, weekday=int(wd), minimum=minimum, ideal=ideal)
            )

    def hospital(self) -> Site:
        rule = RatioRuleSet(
            jurisdiction="Demo State",
            setting="hospital",
            techs_per_pharmacist=4,
            offset=0,
            certified_extra=1,
            trainees_count=True,
            formula="non-certified technicians and trainees <= 4 x pharmacists; "
            "all technicians <= 5 x pharmacists",
            source="Demo figure modelled on 1:4 rules (e.g. Florida, Massachusetts); "
            "check your state board",
            effective_date=date(2024, 1, 1),
        )
        site = Site(
            name="Riverside Hospital",
            kind=SiteKind.HOSPITAL,
            timezone="America/Chicago",
            open_24_7=True,
            ratio_rule=rule,
        )
        day = self.shift_type(site, "D", "Day", (7, 0), (15, 0))
        eve = self.shift_type(site, "E", "Evening", (15, 0), (23, 0))
        night = self.shift_type(site, "N", "Night", (23, 0), (7, 0), night=True, cap=4)
        night.forbidden_next = [day, eve]
        c = self.comp
        stations = {
            "CF": Station(name="Central fill", competencies=[c["CF"]]),
            "OE": Station(name="Order entry", competencies=[c["RPHV"]]),
            "IV": Station(name="IV room", competencies=[c[k] for k in STERILE]),
            "CHEMO": Station(name="Chemo", competencies=[*(c[k] for k in STERILE), c["HD"]]),
            "ADC": Station(name="Cabinet restock (ADC)", competencies=[c["ADC"]]),
            "MEDHX": Station(name="Medication history", competencies=[c["MEDHX"]]),
        }
        site.stations = list(stations.values())
        for key, st in stations.items():
            self.station[f"H:{key}"] = st
        week, wend = WEEKDAYS, WEEKEND
        self.cover(stations["OE"], day, week, 2, 3)
        self.cover(stations["OE"], day, wend, 1, 2)
        self.cover(stations["OE"], eve, week + wend, 1, 1)
        self.cover(stations["OE"], night, week + wend, 1, 1)
        self.cover(stations["CF"], day, week, 2, 3)
        self.cover(stations["CF"], day, wend, 1, 2)
        self.cover(stations["CF"], eve, week + wend, 1, 1)
        self.cover(stations["CF"], night, week + wend, 1, 1)
        self.cover(stations["IV"], day, week, 2, 2)
        self.cover(stations["IV"], day, wend, 1, 2)
        self.cover(stations["IV"], eve, week + wend, 1, 1)
        self.cover(stations["IV"], night, week + wend, 1, 1)
        self.cover(stations["CHEMO"], day, week, 1, 1)
        self.cover(stations["ADC"], eve, week, 1, 1)
        self.cover(stations["ADC"], eve, wend, 0, 1)
        self.cover(stations["MEDHX"], day, week, 1, 2)
        self.cover(stations["MEDHX"], day, wend, 0, 1)
        # Wednesday is the oncology clinic's busy day this week: a date line overrides the weekday.
        stations["CHEMO"].cover.append(
            CoverRequirement(shift_type=day, on_date=self.day(2), minimum=2, ideal=2)
        )
        site.duties = [
            Duty(
                name="Inventory count",
                kind=DutyKind.INVENTORY_COUNT,
                minutes=240,
                weekdays=WEEKDAYS,
                shift_types=[day],
                competency=c["INV"],
                per_week=1,
                weight=80,
            ),
            Duty(
                name="Cabinet restock batch",
                kind=DutyKind.CABINET_RESTOCK,
                minutes=120,
                weekdays=None,
                shift_types=[day],
                competency=c["ADC"],
                per_week=7,
                per_day=1,
                weight=150,
                # wards run out of medicines without the morning batch: the pharmacy's policy
                # ranks it with station cover
                required=True,
            ),
            Duty(
                name="Medication safety QI project",
                kind=DutyKind.QI_PROJECT,
                minutes=240,
                weekdays=WEEKDAYS,
                shift_types=[day],
                per_week=1,
                weight=40,
            ),
            Duty(
                name="Protected learning: CSPT course",
                kind=DutyKind.PROTECTED_LEARNING,
                minutes=480,
                weekdays=WEEKDAYS,
                shift_types=[day],
                per_week=1,
                weight=60,
            ),
        ]
        for duty in site.duties:
            self.duty[f"H:{duty.kind.value}"] = duty
        db.session.add(site)
        return site

    def retail(self) -> Site:
        rule = RatioRuleSet(
            jurisdiction="Demo State",
            setting="community",
            techs_per_pharmacist=3,
            offset=0,
            certified_extra=1,
            trainees_count=True,
            formula="non-certified technicians and trainees <= 3 x pharmacists; "
            "all technicians <= 4 x pharmacists",
            source="Demo figure modelled on 'one more if certified' rules (e.g. New Jersey)",
            effective_date=date(2024, 1, 1),
        )
        site = Site(
            name="Main Street Pharmacy",
            kind=SiteKind.RETAIL,
            timezone="America/Chicago",
            open_24_7=False,
            ratio_rule=rule,
        )
        for wd in range(7):
            opens, closes = ((9, 0), (21, 0)) if wd < 5 else ((10, 0), (18, 0))
            site.opening_hours.append(
                OpeningHours(weekday=wd, opens=time(*opens), closes=time(*closes))
            )
        am = self.shift_type(site, "AM", "Morning", (9, 0), (15, 0), weekdays=WEEKDAYS)
        pm = self.shift_type(site, "PM", "Evening", (15, 0), (21, 0), weekdays=WEEKDAYS)
        we = self.shift_type(site, "WE", "Weekend", (10, 0), (18, 0), weekdays=WEEKEND)
        c = self.comp
        stations = {
            "ENTRY": Station(name="Drop-off / data entry", competencies=[c["ENTRY"]]),
            "FILL": Station(name="Fill", competencies=[c["FILL"]]),
            "VERIFY": Station(name="Verification", competencies=[c["RPHV"]]),
            "POS": Station(name="Pick-up / register", competencies=[c["POS"]]),
            "IMMZ": Station(name="Immunisations", competencies=[c["IMMZ"]]),
        }
        site.stations = list(stations.values())
        for key, st in stations.items():
            self.station[f"R:{key}"] = st
        for shift in (am, pm):
            for key in ("ENTRY", "FILL", "VERIFY", "POS"):
                self.cover(stations[key], shift, WEEKDAYS, 1, 1)
        self.cover(stations["IMMZ"], am, WEEKDAYS, 0, 1)
        for key, low in (("VERIFY", 1), ("FILL", 1), ("POS", 1), ("ENTRY", 0)):
            self.cover(stations[key], we, WEEKEND, low, 1)
        db.session.add(site)
        return site

    # --- the week's wishes and plans ------------------------------------------

    def plans(self) -> None:
        s, c, h = self.staff, self.comp, self.shift
        day, night = h["Riverside Hospital:D"], h["Riverside Hospital:N"]
        eve = h["Riverside Hospital:E"]
        # Two sterile qualifications lapse during the week: T10's garbing test after Monday,
        # T9's media fill after Wednesday.
        self._skill("T10", "GFT").valid_until = self.day(0)
        self._skill("T9", "MF").valid_until = self.day(2)
        # Development goals.
        goals = [
            ("TR1", "CF", IND, 8, 42, 3),
            ("TR2", "CF", IND, 8, 56, 2),
            ("TR3", "CF", SUP, 4, 56, 2),
            ("TR4", "ASEP", IND, 10, 70, 2),
            ("T5", "HD", IND, 6, 84, 2),
            ("T13", "CF", TRN, 4, 84, 1),
            ("R-TR1", "FILL", IND, 6, 42, 3),
            ("R-T4", "ASEP", IND, 10, 84, 1),  # trains in Riverside's IV room
        ]
        for key, code, level, needed, days, priority in goals:
            s[key].goals.append(
                DevelopmentGoal(
                    competency=c[code],
                    target_level=level,
                    shifts_needed=needed,
                    deadline=self.day(days),
                    priority=priority,
                )
            )
        # Volunteering for this week.
        s["T16"].offers.append(
            VolunteerOffer(
                week_start=self.monday,
                kind=OfferKind.DUTY,
                duty=self.duty["H:inventory_count"],
                count=1,
                note="Happy to do the weekly count",
            )
        )
        s["T7"].offers.append(
            VolunteerOffer(
                week_start=self.monday,
                kind=OfferKind.TRAIN,
                count=2,
                note="Can take a trainee at central fill",
            )
        )
        s["T13"].offers.append(
            VolunteerOffer(
                week_start=self.monday,
                kind=OfferKind.EXTRA_SHIFTS,
                count=1,
                note="Saving for a holiday",
            )
        )
        s["T6"].offers.append(
            VolunteerOffer(
                week_start=self.monday,
                kind=OfferKind.STATION,
                station=self.station["H:MEDHX"],
                count=2,
            )
        )
        # Protected learning is for T5's CSPT refresher; the QI project belongs to P2 and T6.
        self.duty["H:protected_learning"].people = [s["T5"]]
        self.duty["H:qi_project"].people = [s["P2"], s["T6"]]
        # Leave: approved, sick, training, partial, and one still pending.
        leave = [
            ("T3", 0, 2, LeaveKind.ANNUAL, True, None, "Family visit"),
            ("P3", 4, 6, LeaveKind.ANNUAL, True, None, "Long weekend"),
            ("T14", 3, 3, LeaveKind.SICK, True, None, "Called in sick"),
            ("T11", 1, 1, LeaveKind.TRAINING, True, None, "USP <800> workshop"),
            ("T16", 0, 6, LeaveKind.UNAVAILABLE, True, night, "No nights (childcare)"),
            ("T8", 4, 4, LeaveKind.ANNUAL, False, None, "Pending: school event"),
            ("R-T2", 2, 2, LeaveKind.ANNUAL, True, None, "Appointment"),
            ("R-P2", 5, 6, LeaveKind.ANNUAL, False, None, "Pending: wedding"),
        ]
        for key, first, last, kind, approved, shift, note in leave:
            s[key].leave.append(
                Leave(
                    start_date=self.day(first),
                    end_date=self.day(last),
                    kind=kind,
                    approved=approved,
                    shift_type=shift,
                    note=note,
                )
            )
        # Shift requests.
        requests = [
            *[("P7", d, night, True, 10) for d in range(4)],
            *[("P8", d, night, True, 10) for d in range(4, 7)],
            ("T2", 5, None, False, 10),
            ("T12", 0, day, True, 5),
            ("T17", 4, eve, False, 10),
            ("R-T4", 5, None, False, 10),
        ]
        for key, offset, shift, want, weight in requests:
            s[key].requests.append(
                ShiftRequest(on_date=self.day(offset), shift_type=shift, want=want, weight=weight)
            )
        # CE logs: most complete; T7 and T9 are missing the law hour, R-T3 patient safety.
        for key in ("T1", "T2", "T3", "T4", "T5", "T6", "T8", "R-T1", "R-T2"):
            self.ce_log(key, set())
        self.ce_log("T7", {"law"})
        self.ce_log("T9", {"law"})
        self.ce_log("R-T3", {"patient_safety"})
        # T9's CPhT is due for renewal soon.
        cert = next(x for x in s["T9"].certifications if x.name == "CPhT")
        cert.expires = self.day(20)

    def _skill(self, key: str, code: str) -> StaffCompetency:
        return next(sk for sk in self.staff[key].skills if sk.competency.code == code)


def seed(today: date | None = None, previous_week: bool = True) -> list[str]:
    """Load the demo sites, staff, skills, cover, duties, wishes and last week's published rota."""
    monday = monday_of(today or fixed_today() or date.today())
    seeder = _Seeder(monday)
    seeder.competencies()
    hospital = seeder.hospital()
    retail = seeder.retail()
    # Planned together: staff of one site may cross-train at the other.
    db.session.add(SiteGroup(name="Riverside Health", sites=[hospital, retail]))
    seeder.people(hospital, HOSPITAL_STAFF, "hospital")
    seeder.people(retail, RETAIL_STAFF, "retail")
    seeder.plans()
    db.session.flush()
    seeder.sign_offs()
    seeder.accounts()
    db.session.commit()
    history = _publish_previous_week(hospital, monday) if previous_week else None
    lines = []
    for site in (hospital, retail):
        roles = {r: sum(1 for p in site.staff if p.role is r) for r in StaffRole}
        lines.append(
            f"{site.name}: {len(site.staff)} staff ({roles[StaffRole.PHARMACIST]} pharmacists, "
            f"{roles[StaffRole.TECHNICIAN]} technicians, "
            f"{roles[StaffRole.TRAINEE]} trainee technician(s)), "
            f"{len(site.stations)} stations, {len(site.shift_types)} shift types, "
            f"{len(site.duties)} duties."
        )
    lines.append(f"Demo week starts Monday {monday}.")
    if history is not None:
        lines.append(history)
    return lines


PREVIOUS_WEEK_SECONDS = 6.0


def _publish_previous_week(site: Site, monday: date) -> str:
    """Solve the week before the demo week for the site's group and publish it as history.

    The solver gets a few seconds (more when a busy machine found nothing in them) and
    its best rota is kept whether or not it is proven optimal; the validator confirms it
    keeps every hard rule. The pharmacist-in-charge approves it and the supervisor
    publishes it.
    """
    previous = monday - timedelta(days=7)
    sites = planned_with(site)
    problem, ids = build_problem(sites, previous)
    for seconds in (PREVIOUS_WEEK_SECONDS, 5 * PREVIOUS_WEEK_SECONDS):  # a busy machine: longer
        result = sv.solve(problem, time_limit=seconds, seed=SEED % 1000)
        if result.rota is not None:
            break
    if result.rota is None or not sv.validate(problem, result.rota).ok:
        return f"The week of {previous} could not be solved in time; no history was published."
    accounts = {u.role: u for u in db.session.scalars(db.select(User))}
    now = datetime.now(UTC)
    stored = []
    for each in sites:
        rota = store_result(each, previous, problem, ids, result)
        rota.status = RotaStatus.PUBLISHED
        rota.submitted_at = rota.approved_at = rota.published_at = now
        rota.approved_by = accounts.get(AccountRole.PHARMACIST_IN_CHARGE)
        rota.published_by = accounts.get(AccountRole.SUPERVISOR)
        stored.append(rota)
    db.session.commit()
    count = sum(len(r.assignments) for r in stored)
    return f"Published the week of {previous} as history ({count} assignments, {result.status})."
