"""Generated pharmacy scenarios, stored with the app's models and solved the way the app solves.

Each scenario is written into a fresh SQLite database through the ORM, read back by
``services.problem_loader.build_problem`` (the code behind the web app's "generate"
button) and handed to ``solver.solve``. Sizes:

* small: a retail pharmacy, 10 staff, one week, store hours, four stations;
* medium: a hospital pharmacy, 40 staff, 8 stations, day/evening/night, one week,
  trainees with development goals;
* large: a hospital group of four sites, 200 staff, four weeks.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

from .. import create_app, models
from ..extensions import db
from ..services.problem_loader import build_problem
from ..solver import solve, validate
from ..solver.priorities import Rule

SIZES = ("small", "medium", "large")
MONDAY = date(2026, 3, 2)

# Station name -> competency codes it needs, for a hospital site.
HOSPITAL_STATIONS = {
    "Order entry": ["RPHV"],
    "Central fill": ["CF"],
    "IV room": ["ASEP"],
    "Chemo": ["ASEP", "HD"],
    "Cabinet restock": ["ADC"],
    "Medication history": ["MEDHX"],
    "Outpatient dispensing": ["FILL"],
    "Clinical checks": ["RPHV"],
}
RETAIL_STATIONS = {
    "Drop-off": ["ENTRY"],
    "Fill": ["FILL"],
    "Verification": ["RPHV"],
    "Pick-up": ["POS"],
}
HOSPITAL_SKILLS = ["CF", "ASEP", "HD", "ADC", "MEDHX", "FILL"]
RETAIL_SKILLS = ["FILL", "ENTRY", "POS"]


def _competencies(db, models) -> dict:
    """The competencies every scenario uses, by code."""
    names = {
        "RPHV": "Pharmacist verification",
        "CF": "Central fill",
        "ASEP": "Aseptic technique",
        "HD": "Hazardous drugs",
        "ADC": "Cabinet restock",
        "MEDHX": "Medication history",
        "FILL": "Prescription fill",
        "ENTRY": "Data entry",
        "POS": "Point of sale",
    }
    comps = {code: models.Competency(code=code, name=name) for code, name in names.items()}
    comps["HD"].prerequisite = comps["ASEP"]
    db.session.add_all(comps.values())
    return comps


def _staff(
    models, rng, site, comps, pool, n: int, n_pharm: int, n_trainee: int, hours: int
) -> list:
    """People of one site: pharmacists, technicians with a few skills each, trainees."""
    out = []
    level = models.SkillLevel
    for i in range(n):
        if i < n_pharm:
            role, skills = models.StaffRole.PHARMACIST, {"RPHV": level.TRAINER}
        elif i < n - n_trainee:
            role = models.StaffRole.TECHNICIAN
            held = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
            if "HD" in held and "ASEP" not in held:
                held.append("ASEP")
            skills = {c: (level.TRAINER if rng.random() < 0.3 else level.INDEPENDENT) for c in held}
            if i < n_pharm + 2 * n_trainee:  # enough fill trainers for the trainees
                skills["FILL"] = level.TRAINER
        else:
            role, skills = models.StaffRole.TRAINEE, {"FILL": level.SUPERVISED}
        full = role is not models.StaffRole.TRAINEE and rng.random() < 0.75
        person = models.Staff(
            name=f"{site.name} {i + 1:03d}",
            role=role,
            home_site=site,
            certified=role is models.StaffRole.TECHNICIAN and rng.random() < 0.5,
            min_minutes_per_week=(hours - 12) * 60 if full else 12 * 60,
            max_minutes_per_week=hours * 60 if full else 24 * 60,
            max_consecutive_days=5,
            min_consecutive_days=1,
            min_consecutive_days_off=1,
            max_weekends_per_4_weeks=2,
            min_rest_minutes=600,
        )
        for code, lvl in skills.items():
            person.skills.append(models.StaffCompetency(competency=comps[code], level=lvl))
        out.append(person)
    return out


def _hospital(db, models, rng, comps, name: str, staff: int, trainees: int) -> object:
    """A 24/7 hospital pharmacy with three shifts, eight stations and a 1:4 ratio rule."""
    rule = models.RatioRuleSet(
        jurisdiction="Bench",
        setting="hospital",
        techs_per_pharmacist=4,
        certified_extra=1,
        trainees_count=True,
    )
    site = models.Site(
        name=name, kind=models.SiteKind.HOSPITAL, timezone="UTC", open_24_7=True, ratio_rule=rule
    )
    shifts = {
        "D": models.ShiftType(site=site, code="D", name="Day", start=clock(7), end=clock(15)),
        "E": models.ShiftType(site=site, code="E", name="Evening", start=clock(15), end=clock(23)),
        "N": models.ShiftType(
            site=site,
            code="N",
            name="Night",
            start=clock(23),
            end=clock(7),
            night=True,
            max_per_week=4,
        ),
    }
    shifts["N"].forbidden_next = [shifts["D"], shifts["E"]]
    for station_name, codes in HOSPITAL_STATIONS.items():
        station = models.Station(
            site=site, name=station_name, competencies=[comps[c] for c in codes]
        )
        for code, shift in shifts.items():
            for wd in range(7):
                weekday = wd < 5
                if code == "D":
                    low = 2 if weekday and station_name in ("Central fill", "Order entry") else 1
                    ideal = low + (1 if weekday else 0)
                elif station_name in ("Chemo", "Medication history", "Outpatient dispensing"):
                    continue
                else:
                    low = ideal = 1
                station.cover.append(
                    models.CoverRequirement(shift_type=shift, weekday=wd, minimum=low, ideal=ideal)
                )
    n_pharm = max(6, staff // 4)  # about one in four, as in the demo hospital (8 of 30)
    people = _staff(models, rng, site, comps, HOSPITAL_SKILLS, staff, n_pharm, trainees, 40)
    for person in people:
        if person.role is models.StaffRole.TRAINEE:
            person.goals.append(
                models.DevelopmentGoal(
                    competency=comps["FILL"],
                    target_level=models.SkillLevel.INDEPENDENT,
                    shifts_needed=rng.randint(4, 10),
                    deadline=MONDAY.replace(day=30),
                    priority=2,
                )
            )
    db.session.add(site)
    return site


def _retail(db, models, rng, comps) -> object:
    """A retail pharmacy open 9-21 on weekdays and 10-18 at weekends."""
    rule = models.RatioRuleSet(
        jurisdiction="Bench",
        setting="community",
        techs_per_pharmacist=3,
        certified_extra=1,
        trainees_count=True,
    )
    site = models.Site(
        name="High Street Pharmacy", kind=models.SiteKind.RETAIL, timezone="UTC", ratio_rule=rule
    )
    for wd in range(7):
        opens, closes = (clock(9), clock(21)) if wd < 5 else (clock(10), clock(18))
        site.opening_hours.append(models.OpeningHours(weekday=wd, opens=opens, closes=closes))
    am = models.ShiftType(
        site=site, code="AM", name="Morning", start=clock(9), end=clock(15), weekdays="01234"
    )
    pm = models.ShiftType(
        site=site, code="PM", name="Evening", start=clock(15), end=clock(21), weekdays="01234"
    )
    we = models.ShiftType(
        site=site, code="WE", name="Weekend", start=clock(10), end=clock(18), weekdays="56"
    )
    for station_name, codes in RETAIL_STATIONS.items():
        station = models.Station(
            site=site, name=station_name, competencies=[comps[c] for c in codes]
        )
        for shift, days in ((am, "01234"), (pm, "01234"), (we, "56")):
            for wd in days:
                station.cover.append(
                    models.CoverRequirement(shift_type=shift, weekday=int(wd), minimum=1, ideal=1)
                )
    _staff(models, rng, site, comps, RETAIL_SKILLS, 10, 3, 0, 36)
    db.session.add(site)
    return site


def _requests(db, models, rng, sites, days: int) -> None:
    """A few shift wishes and leave days, as staff enter them in the app."""
    for site in sites:
        shifts = list(site.shift_types)
        for person in site.staff:
            for _ in range(rng.randint(0, max(1, days // 7))):
                d = MONDAY.toordinal() + rng.randrange(days)
                person.requests.append(
                    models.ShiftRequest(
                        on_date=date.fromordinal(d),
                        shift_type=rng.choice(shifts),
                        want=rng.random() < 0.5,
                        weight=rng.choice([5, 10, 20]),
                    )
                )


def build(size: str, seed: int = 0, workdir: str | None = None):
    """Create a scenario in a fresh database and read it back as the app would."""

    rng = random.Random(f"{size}:{seed}")
    folder = Path(workdir or tempfile.mkdtemp(prefix="pharmacy-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        comps = _competencies(db, models)
        if size == "small":
            sites, days = [_retail(db, models, rng, comps)], 7
        elif size == "medium":
            sites, days = [_hospital(db, models, rng, comps, "City Hospital", 40, 4)], 7
        elif size == "large":
            sites = [_hospital(db, models, rng, comps, f"Hospital {k}", 50, 3) for k in "ABCD"]
            db.session.add(models.SiteGroup(name="Hospital group", sites=sites))
            days = 28
        else:
            raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
        db.session.flush()
        _requests(db, models, rng, sites, days)
        db.session.commit()
        problem, _ids = build_problem(sites, MONDAY, days=days)
    return problem


def run(
    size: str, seed: int, time_limit: float, workers: int | None, lexicographic: str = "stages"
) -> dict:
    """Generate, solve and measure one pharmacy scenario; return its result record.

    ``levels`` is the score per priority level (1 = cover) and ``level_bounds`` what
    was proven of each; ``cover_gaps`` counts heads short of a station's minimum.
    """

    started = time.monotonic()
    problem = build(size, seed)
    setup = time.monotonic() - started
    result = solve(
        problem,
        time_limit=time_limit,
        workers=workers,
        explain_infeasible=False,
        lexicographic=lexicographic,
    )
    record = {
        "scenario": size,
        "seed": seed,
        "lexicographic": lexicographic,
        "staff": len(problem.people),
        "days": problem.days,
        "objective": result.objective,
        "levels": list(result.levels),
        "level_bounds": list(result.level_bounds),
        "cover_gaps": sum(c.amount for c in result.costs if c.rule is Rule.COVER),
        "bound": result.bound,
        "gap_percent": _gap(result.objective, result.bound),
        "status": result.status,
        "first_seconds": None if result.first_seconds is None else round(result.first_seconds, 2),
        "seconds": round(result.seconds, 2),
        "build_seconds": round(result.build_seconds, 2),
        "setup_seconds": round(setup, 2),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if result.rota is not None:
        record["hard_violations"] = len(validate(problem, result.rota).violations)
    return record


def _gap(objective, bound) -> float | None:
    """Relative gap between a rota's score and the proven bound, in percent."""
    if objective is None or bound is None:
        return None
    if objective == 0:
        return 0.0
    return round(100.0 * (objective - bound) / abs(objective), 2)
