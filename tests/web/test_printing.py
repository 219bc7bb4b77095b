"""Printing a week: the print page, a person's sheet, the PDF read back, the compliance page."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from scheduler import create_app
from scheduler.extensions import db
from scheduler.filters import day_label, shift_times
from scheduler.models import (
    AssignmentMode,
    RatioRuleSet,
    Rota,
    RotaStatus,
    ShiftType,
    Site,
    StaffRole,
    Station,
)
from scheduler.services import printing
from scheduler.services.problem_loader import build_problem
from scheduler.services.rota_pages import wall_chart
from scheduler.services.rota_workflow import new_draft_from
from scheduler.services.solver_terms import rota_to_solver
from scheduler.services.solving import run_solve
from scheduler.solver.constraints.ratio import RatioFamily

from .conftest import MONDAY

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "print.css"
A4_LANDSCAPE = (842, 595)  # points, rounded
LETTER_LANDSCAPE = (792, 612)
A3_LANDSCAPE = (1191, 842)
TABLOID_LANDSCAPE = (1224, 792)


# ----- the seeded demo: last week is published ------------------------------------------------


@pytest.fixture(scope="module")
def demo(test_databases):
    """The seeded demo (a copy of the run's, see tests/databases.py) for this module; last
    week is published."""
    url = test_databases.seeded_demo()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()
    test_databases.release(url)


@pytest.fixture
def ctx(demo):
    """The demo's app context for one test (each test's requests sign in afresh)."""
    with demo.app_context():
        yield demo
        db.session.remove()


def published(name: str) -> Rota:
    """The demo's published rota of a site."""
    return db.session.scalar(
        db.select(Rota).join(Site).where(Site.name == name, Rota.status == RotaStatus.PUBLISHED)
    )


def signed_in(app, email: str, password: str):
    """A test client signed in with a demo account."""
    client = app.test_client()
    page = client.post("/auth/login", data={"email": email, "password": password})
    assert page.status_code == 302, page.get_data(as_text=True)
    return client


@pytest.fixture(scope="module")
def supervisor(demo):
    """The demo supervisor's client."""
    return signed_in(demo, "super@demo.pharmacy", "demo-super")


@pytest.fixture(scope="module")
def hospital_pdf(demo, supervisor):
    """The published hospital week downloaded as a PDF: (response, reader, page texts)."""
    with demo.app_context():
        rota_id = published("Riverside Hospital").id
    page = supervisor.get(f"/print/rota/{rota_id}.pdf")
    assert page.status_code == 200
    reader = PdfReader(BytesIO(page.data))
    return page, reader, [p.extract_text() for p in reader.pages]


def test_a_server_without_the_pdf_libraries_says_what_to_install(
    ctx, supervisor, tmp_path, monkeypatch
):
    """Where Pango or HarfBuzz is missing, importing WeasyPrint fails with an OSError: the
    download says so in words, names the packages, and links the print page instead."""
    fake = tmp_path / "weasyprint"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libgobject-2.0-0'\")\n", encoding="utf-8"
    )
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(tmp_path))
    rota = published("Riverside Hospital")
    for query, page in (
        ("", f"/print/rota/{rota.id}"),
        ("?only=chart", f"/print/rota/{rota.id}?only=chart"),
    ):
        answer = supervisor.get(f"/print/rota/{rota.id}.pdf{query}")
        assert answer.status_code == 503
        html = answer.get_data(as_text=True)
        assert "PDF not available on this server" in html
        assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in html
        assert f'href="{page}"' in html
    assert supervisor.get(f"/print/rota/{rota.id}").status_code == 200  # the print page still works


@pytest.mark.needs_pdf
def test_the_pdf_holds_the_chart_a_sheet_per_person_and_compliance(ctx, hospital_pdf):
    page, reader, texts = hospital_pdf
    rota = published("Riverside Hospital")
    assert page.mimetype == "application/pdf"
    assert page.data.startswith(b"%PDF-")
    week = rota.week_start.isoformat()
    assert page.headers["Content-Disposition"] == (
        f"attachment; filename=riverside-hospital-{week}-v1.pdf"
    )
    everything = " ".join(" ".join(texts).split())
    assert "Riverside Hospital" in everything
    for station in rota.site.stations:
        assert station.name in everything
    for duty in rota.site.duties:
        assert f"{duty.name} (duty)" in everything
    days = [rota.week_start + timedelta(days=d) for d in range(7)]
    for d in days:
        assert day_label(d) in everything
    # Every page: landscape A4, the running header naming site, week, version and publish date.
    n = len(texts)
    for i, (text, pdf_page) in enumerate(zip(texts, reader.pages, strict=True), start=1):
        size = (round(float(pdf_page.mediabox.width)), round(float(pdf_page.mediabox.height)))
        assert size == A4_LANDSCAPE
        assert f"Riverside Hospital · Week of {day_label(days[0])} {days[0].year}" in text
        assert "Version 1 · published" in text, i
        assert f"Page {i} of {n}" in text
    # Pages: the chart on one page, then one sheet per rostered person, then two of compliance.
    chart = [t for t in texts if "Wall chart," in t]
    people = sorted({a.staff.name for a in rota.assignments})
    away = published("Main Street Pharmacy").assignments  # hospital staff placed there count
    people = sorted({*people, *(a.staff.name for a in away if a.staff.home_site == rota.site)})
    sheets = [t for t in texts if "Person sheet:" in t]
    compliance = [t for t in texts if "Compliance:" in t]
    assert len(chart) == len(printing.chart_pages(wall_chart(rota))) == 1
    assert len(sheets) == len(people) > 20
    assert len(compliance) == 2
    assert n == len(chart) + len(sheets) + len(compliance)
    for name in people:
        assert sum(f"Person sheet: {name}\n" in t for t in sheets) == 1, name
    for d in days:  # a day's columns sit on exactly one chart page, never split
        assert sum(day_label(d) in t.split("Key:")[0] for t in chart) == 1, d
    # A trainee's sheet names the trainer; the trainer's names the trainee.
    trainee = next(a for a in rota.assignments if a.mode is AssignmentMode.TRAINEE)
    mine = next(t for t in sheets if f"Person sheet: {trainee.staff.name}\n" in t)
    assert f"Trainee, trained by {trainee.trainer.name}" in " ".join(mine.split())
    theirs = next(t for t in sheets if f"Person sheet: {trainee.trainer.name}\n" in t)
    assert re.search(rf"Trains [^\n]*{trainee.staff.name}", " ".join(theirs.split()))
    assert "No hour of the week is over the limit" in compliance[0]
    assert "Demo State hospital 1:4" in compliance[0]


@pytest.mark.needs_pdf
def test_the_pdf_comes_on_letter_paper_too_and_other_sizes_are_refused(ctx, supervisor):
    rota = published("Main Street Pharmacy")
    page = supervisor.get(f"/print/rota/{rota.id}.pdf?paper=letter")
    assert page.status_code == 200
    reader = PdfReader(BytesIO(page.data))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (
        LETTER_LANDSCAPE
    )
    assert "main-street-pharmacy-" in page.headers["Content-Disposition"]
    assert supervisor.get(f"/print/rota/{rota.id}.pdf?paper=a5").status_code == 404
    assert supervisor.get(f"/print/rota/{rota.id}?only=sheets").status_code == 404


def name_sizes(page, names: set[str]) -> set[float]:
    """The type sizes (points) at which the given names are printed on a PDF page."""
    sizes = set()

    def seen(text, cm, tm, font, size):
        if text.strip() in names:  # the page's matrix (px to pt) times the text's own
            sizes.add(round(size * tm[3] * cm[3], 1))

    page.extract_text(visitor_text=seen)
    return sizes


@pytest.mark.needs_pdf
@pytest.mark.parametrize(
    ("paper", "size", "smallest"), [("a4", A4_LANDSCAPE, 7.0), ("a3", A3_LANDSCAPE, 10.5)]
)
def test_the_wall_chart_alone_fits_one_landscape_page(ctx, supervisor, paper, size, smallest):
    """The 24/7 hospital's week (21 shift columns): the whole chart on one page, every station
    and day on it, in the largest type that fits: on A3 large enough to read from a metre.

    The demo's published week is the solver's best in a few seconds, so who works where, and
    with it the busiest row's height, differs from run to run: over eleven demo seeds the
    chart's type was 7 to 8 pt on A4 and 11 to 11.5 pt on A3, hence the floors."""
    rota = published("Riverside Hospital")
    page = supervisor.get(f"/print/rota/{rota.id}.pdf?only=chart&paper={paper}")
    assert page.status_code == 200
    assert page.headers["Content-Disposition"].endswith(f"-v{rota.version}-chart.pdf")
    reader = PdfReader(BytesIO(page.data))
    assert len(reader.pages) == 1
    sheet = reader.pages[0]
    assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == size
    text = " ".join(sheet.extract_text().split())
    for station in rota.site.stations:
        assert station.name in text
    for d in range(7):
        assert day_label(rota.week_start + timedelta(days=d)) in text
    assert "Person sheet:" not in text
    assert "Compliance:" not in text
    parts = {part for a in rota.assignments for part in a.staff.name.split()}
    sizes = name_sizes(sheet, parts)
    assert sizes
    assert min(sizes) >= smallest, sizes


@pytest.mark.needs_pdf
def test_the_chart_type_is_the_largest_half_point_size_that_fits_one_page(ctx):
    """The type-size search settles on a size at which the hospital's chart fits one page of
    US Letter and half a point larger does not (a paper where the first estimate is off)."""
    from flask import render_template

    doc = printing.document(published("Riverside Hospital"), chart_only=True)
    with ctx.test_request_context():
        html = render_template("print/pdf.html", doc=doc, paper="letter")
    size, laid_out = printing.fit_chart(html, STYLESHEET, "letter")
    largest, smallest = printing.CHART_TYPE["letter"]
    assert smallest <= size < largest
    assert size * 2 == int(size * 2)  # half points
    assert len(PdfReader(BytesIO(laid_out.write_pdf())).pages) == 1
    larger = printing.render_pdf(html, STYLESHEET, "letter", chart_pt=size + 0.5)
    assert len(PdfReader(BytesIO(larger)).pages) == 2


@pytest.mark.needs_pdf
def test_the_wall_chart_only_print_page_and_tabloid_paper(ctx, supervisor):
    rota = published("Main Street Pharmacy")
    html = supervisor.get(f"/print/rota/{rota.id}?only=chart").get_data(as_text=True)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "Wall chart," in text
    week = f"{day_label(rota.week_start)} {rota.week_start.year}"  # e.g. "Mon 30 Nov 2026"
    assert f"<title>Print: Main Street Pharmacy, week of {week} ·" in html
    assert "Person sheet:" not in text
    assert "Compliance:" not in text
    assert f'href="/print/rota/{rota.id}.pdf?paper=tabloid&amp;only=chart"' in html
    assert f'href="/print/rota/{rota.id}"' in html  # back to the whole week
    week = supervisor.get(f"/rotas/{rota.site_id}/{rota.week_start.isoformat()}")
    assert f'href="/print/rota/{rota.id}?only=chart"' in week.get_data(as_text=True)
    page = supervisor.get(f"/print/rota/{rota.id}.pdf?only=chart&paper=tabloid")
    reader = PdfReader(BytesIO(page.data))
    assert len(reader.pages) == 1
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (
        TABLOID_LANDSCAPE
    )


def test_the_print_page_marks_trainees_with_their_trainer_and_lists_duties(ctx, supervisor):
    rota = published("Riverside Hospital")
    page = supervisor.get(f"/print/rota/{rota.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    trainees = [a for a in rota.assignments if a.mode is AssignmentMode.TRAINEE]
    assert trainees
    short = printing.chart_names(a.staff.name for a in rota.assignments)
    for a in trainees:  # on the chart, in its short names
        assert f"{short[a.staff.name]}, trainee ←\xa0{short[a.trainer.name]}" in text
    assert "names are first name and surname initial (full names on the person sheets)" in text
    for duty in rota.site.duties:
        assert f"{duty.name} (duty)" in text
    assert "data-print>Print</button>" in html  # printed by app.js: no inline handlers
    assert f'href="/print/rota/{rota.id}.pdf"' in html
    assert "css/print.css" in html
    assert "not published" not in text  # the published version carries no warning
    assert "Dates and times are in the site's time zone, America/Chicago" in text
    assert "Compliance: pharmacist-to-technician ratio, hour by hour" in text


def test_one_persons_sheet_and_404_for_someone_not_on_the_rota(ctx, supervisor):
    rota = published("Riverside Hospital")
    someone = rota.assignments[0].staff
    page = supervisor.get(f"/print/rota/{rota.id}/person/{someone.id}")
    assert page.status_code == 200
    text = unescape(re.sub(r"<[^>]+>", "", page.get_data(as_text=True)))
    assert f"Person sheet: {someone.name}" in text
    assert text.count("Person sheet:") == 1
    on_rota = {a.staff_id for a in rota.assignments}  # visitors training here count as on it
    elsewhere = next(
        a.staff for a in published("Main Street Pharmacy").assignments if a.staff_id not in on_rota
    )
    assert supervisor.get(f"/print/rota/{rota.id}/person/{elsewhere.id}").status_code == 404
    assert supervisor.get("/print/rota/9999").status_code == 404


@pytest.mark.needs_pdf
def test_a_draft_prints_with_its_state_on_every_page(ctx, supervisor):
    draft = new_draft_from(published("Main Street Pharmacy"))
    html = supervisor.get(f"/print/rota/{draft.id}").get_data(as_text=True)
    assert "DRAFT – not published" in unescape(html)
    page = supervisor.get(f"/print/rota/{draft.id}.pdf")
    texts = [p.extract_text() for p in PdfReader(BytesIO(page.data)).pages]
    assert texts
    assert all(f"Version {draft.version} · DRAFT – not published" in t for t in texts)
    assert page.headers["Content-Disposition"].endswith(f"-v{draft.version}.pdf")


def test_the_week_page_links_to_print_and_pdf(ctx, supervisor):
    rota = published("Riverside Hospital")
    html = supervisor.get(f"/rotas/{rota.site_id}/{rota.week_start.isoformat()}").get_data(
        as_text=True
    )
    assert f'href="/print/rota/{rota.id}"' in html
    assert f'href="/print/rota/{rota.id}.pdf"' in html
    assert "css/print.css" in html


def test_technicians_may_not_print(ctx):
    tech = signed_in(ctx, "tech@demo.pharmacy", "demo-tech")
    rota = published("Riverside Hospital")
    person = rota.assignments[0].staff_id
    for url in (
        f"/print/rota/{rota.id}",
        f"/print/rota/{rota.id}.pdf",
        f"/print/rota/{rota.id}/person/{person}",
    ):
        assert tech.get(url).status_code == 403, url


@pytest.mark.needs_pdf
def test_the_pdf_fetches_nothing(ctx):
    """The print page's PDF needs no file or URL; a page that asked for one gets refused."""
    from flask import render_template

    rota = published("Main Street Pharmacy")
    with ctx.test_request_context():
        html = render_template("print/pdf.html", doc=printing.document(rota))
    asked: list[str] = []
    pdf = printing.render_pdf(html, STYLESHEET, fetcher=printing.no_fetcher(asked))
    assert pdf.startswith(b"%PDF-")
    assert asked == []
    page = '<link rel="stylesheet" href="http://example.org/a.css"><img src="file:///etc/passwd">'
    pdf = printing.render_pdf(page, STYLESHEET, fetcher=printing.no_fetcher(asked))
    assert pdf.startswith(b"%PDF-")
    assert asked == ["http://example.org/a.css", "file:///etc/passwd"]


# ----- compliance on tiny sites ---------------------------------------------------------------


def test_a_cover_gap_left_open_is_listed_on_the_compliance_page(client, login, tiny_site):
    # Two pharmacists cannot verify fourteen shifts: the solve leaves Order entry short.
    rota = run_solve(tiny_site, MONDAY, time_limit=3)
    under = [c for c in rota.costs if c["family"] == "cover" and c["key"].endswith(":under")]
    assert under
    login("supervisor")
    html = unescape(client.get(f"/print/rota/{rota.id}").get_data(as_text=True))
    listed = html.split("Cover gaps left open")[1]
    assert "No gaps" not in listed
    rows = re.findall(
        r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>"
        r"<td>⚠ ([^<]+)</td>",
        listed,
    )
    assert len(rows) == len(under)
    assert {station for _d, _s, station, _t in rows} == {"Order entry"}
    assert all(text.endswith("short)") for *_, text in rows)
    # The rows are the solver's own cover shortfalls: same day, shift and station.
    expected = set()
    for c in under:
        shift = db.session.get(ShiftType, int(c["subject"]["shift"].removeprefix("sh")))
        station = db.session.get(Station, int(c["subject"]["activity"].removeprefix("st")))
        day = MONDAY + timedelta(days=c["subject"]["day"])
        expected.add((day_label(day), f"{shift.name} {shift_times(shift)}", station.name))
    assert {(d, s, st) for d, s, st, _t in rows} == expected


def test_an_empty_draft_prints_its_state_and_says_nobody_is_on(client, login, tiny_site, make_rota):
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT)
    db.session.commit()
    login("pic")
    page = client.get(f"/print/rota/{rota.id}")
    assert page.status_code == 200
    text = unescape(re.sub(r"<[^>]+>", "", page.get_data(as_text=True)))
    assert "Version 1 · DRAFT – not published" in text
    assert "Nobody is on duty this week." in text
    assert "Person sheet:" not in text
    assert "No ratio rule is set for this site" in text


@pytest.fixture
def ratio_site(tiny_site, make_shift):
    """The tiny site under a 1:2 law, with a mid shift (14:30-22:30) and a night (23:00-07:00)."""
    tiny_site.ratio_rule = RatioRuleSet(
        jurisdiction="Test", setting="hospital", techs_per_pharmacist=2, source="test law"
    )
    make_shift(tiny_site, "M", (14, 30), (22, 30), name="Mid")
    make_shift(tiny_site, "N", (23, 0), (7, 0), name="Night", night=True)
    db.session.commit()
    return tiny_site


def test_the_ratio_table_flags_each_hour_over_the_limit_in_words(
    client, login, ratio_site, make_rota
):
    people = {p.name: p for p in ratio_site.staff}
    shifts = {s.code: s for s in db.session.scalars(db.select(ShiftType))}
    fill = db.session.scalar(db.select(Station).where(Station.name == "Central fill"))
    mon, tue, wed, sat = (MONDAY + timedelta(days=d) for d in (0, 1, 2, 5))
    rows = [
        # Monday 07-15: one pharmacist, three technicians: over a 1:2 law by one, all day.
        (people["Pat"], mon, shifts["D"], fill),
        *[(people[n], mon, shifts["D"], fill) for n in ("Ann", "Ben", "Cat")],
        # Tuesday 07-15: one pharmacist, two technicians: within the law.
        (people["Pat"], tue, shifts["D"], fill),
        *[(people[n], tue, shifts["D"], fill) for n in ("Ann", "Ben")],
        # Wednesday: Cat joins at 14:30 (three technicians for half an hour), then stays alone.
        (people["Pat"], wed, shifts["D"], fill),
        *[(people[n], wed, shifts["D"], fill) for n in ("Ann", "Ben")],
        (people["Cat"], wed, shifts["M"], fill),
        # Saturday night runs into Sunday, when the clocks go forward at 02:00.
        (people["Quin"], sat, shifts["N"], fill),
        (people["Dov"], sat, shifts["N"], fill),
    ]
    rota = make_rota(ratio_site, rows=rows)
    db.session.commit()  # read the rows back as stored
    assert people["Pat"].role is StaffRole.PHARMACIST
    table = printing.ratio_by_hour(rota)
    assert table.rule == "Test hospital 1:2: 2 technician(s) per pharmacist"
    flagged = {label for label, _state in table.over}
    monday = [f"Mon 2 Mar {h:02d}:00–{h + 1:02d}:00" for h in range(7, 15)]
    wednesday = [f"Wed 4 Mar {h:02d}:00–{h + 1:02d}:00" for h in range(14, 23)]
    assert flagged == set(monday + wednesday)
    assert table.cell(mon, 7).over == 1
    assert table.cell(mon, 7).problem == ("1 pharmacist(s) allow 2 technician(s), but 3 are on")
    assert table.cell(tue, 10).over == 0
    assert table.cell(tue, 10).heads == "1 Ph · 2 T"
    assert table.cell(wed, 14).technicians == 3  # the tightest half hour of that hour
    assert table.cell(wed, 16).heads == "0 Ph · 1 T"
    sunday = MONDAY + timedelta(days=6)
    assert table.cell(sunday, 2) is None  # 02:00-03:00 does not exist that night
    assert table.cell(sunday, 3).heads == "1 Ph · 1 T"
    assert table.cell(sunday, 7).empty
    # The engine's own ratio check finds breaches only inside the flagged hours.
    problem, _ids = build_problem(ratio_site, MONDAY)
    found = RatioFamily().check(problem, rota_to_solver(rota))
    assert found
    for v in found:
        day, start = re.search(r"on (\w{3} \d+ \w{3}) (\d\d):", v.sentence).groups()
        assert any(label.startswith(f"{day} {start}") for label in flagged), v.sentence
    # On the page: the limit stated, each hour over flagged in words, not by colour alone.
    login("supervisor")
    text = unescape(
        re.sub(r"<[^>]+>", "", client.get(f"/print/rota/{rota.id}").get_data(as_text=True))
    )
    assert "Limit: Test hospital 1:2: 2 technician(s) per pharmacist" in text
    assert "17 hour(s) over the limit" in text
    assert "Mon 2 Mar 07:00–08:00: 1 pharmacist(s) allow 2 technician(s), but 3 are on" in text
    assert text.count("OVER by 1:") == 17
    assert "no such hour (clock change)" in text


def test_the_printed_chart_gives_short_names_that_still_tell_people_apart():
    names = printing.chart_names(
        ["Marco Yamamoto", "Ann Lee", "Ann Lopez", "Jade Kim", "Jade Kimura", "Cher", "Ann Lee"]
    )
    assert names == {
        "Marco Yamamoto": "Marco Y.",
        "Ann Lee": "Ann Le.",
        "Ann Lopez": "Ann Lo.",
        "Jade Kim": "Jade Kim",
        "Jade Kimura": "Jade Kim.",
        "Cher": "Cher",
    }
    assert len(set(names.values())) == len(names)
