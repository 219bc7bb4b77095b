"""A week's rota on paper: the wall chart on one landscape page (cut into pages of whole
days only past ``MAX_COLUMNS`` shifts), one sheet per person, and a compliance page (the
ratio hour by hour, competencies about to lapse, cover gaps).

It reads the rota page's own wall chart and by-person rows, counts heads for the
ratio the way the engine's ratio family does, and turns the rendered print page
into a PDF with WeasyPrint without fetching anything over the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import joinedload

from .. import solver as sv
from ..extensions import db
from ..filters import day_label
from ..models import AssignmentMode, Rota, RotaAssignment, ShiftType, Site, Staff, StaffCompetency
from ..solver.constraints.ratio import counts_as, describe, slices
from .development import SKILL_WARNING_DAYS
from .rota_lookup import published_rota
from .rota_pages import (
    ChartRow,
    Visit,
    WallChart,
    by_person,
    status_label,
    wall_chart,
)
from .scores import RotaScore, rota_score
from .solver_terms import ratio_rule

MAX_COLUMNS = 28  # shift columns on one landscape page: four shifts a day, every day
# Paper for the PDF: the query value and its CSS page size (Tabloid is CSS's "ledger").
PAPER_SIZES = {"a4": "A4", "letter": "letter", "a3": "A3", "tabloid": "ledger"}
PAPER_NAMES = {"a4": "A4", "letter": "US Letter", "a3": "A3", "tabloid": "Tabloid"}


class FetchRefused(Exception):
    """A print page asked for a file or URL; the PDF is built from inlined styles only."""


# ----- time in the site's zone -----------------------------------------------------


def site_zone(site: Site) -> ZoneInfo:
    """The site's time zone (UTC when its name is not a known zone)."""
    return site.zone


def local_moment(moment: datetime | None, site: Site) -> str:
    """A stored UTC moment as the site's wall-clock time, e.g. '25 Nov 2026 05:59 CST'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(site_zone(site))
    return f"{local.day} {local:%b %Y %H:%M %Z}"


# ----- the wall chart in pages of whole days --------------------------------------------


def chart_pages(chart: WallChart, max_columns: int = MAX_COLUMNS) -> list[WallChart]:
    """The wall chart cut into pages of whole days, each of at most ``max_columns`` shifts.

    A day's shift columns always stay together on one page; a day with more shifts
    than ``max_columns`` gets a page of its own.
    """
    groups: list[list[date]] = [[]]
    used = 0
    for day in chart.days:
        width = chart.columns_of(day)
        if groups[-1] and used + width > max_columns:
            groups.append([])
            used = 0
        groups[-1].append(day)
        used += width
    pages = []
    for days in groups:
        keep = [i for i, col in enumerate(chart.columns) if col.day in days]
        rows = [
            ChartRow(row.label, row.kind, row.id, [row.cells[i] for i in keep])
            for row in chart.rows
        ]
        pages.append(WallChart(days, [chart.columns[i] for i in keep], rows))
    return pages


# ----- one sheet per person --------------------------------------------------------------


@dataclass
class SheetLine:
    """One day of a person's sheet: their shift, where, and who trains whom; their shifts at
    other sites of the group; or leave, or off."""

    day: date
    assignment: RotaAssignment | None
    leave: str = ""
    trainees: list[str] = field(default_factory=list)  # whom this person trains that shift
    visits: list[Visit] = field(default_factory=list)  # shifts at other sites of the group

    @property
    def training(self) -> str:
        """Who trains this person on the shift, or whom they train, in words."""
        a = self.assignment
        if a is not None and a.mode is AssignmentMode.TRAINEE:
            return f"Trainee, trained by {a.trainer.name if a.trainer else 'no trainer named'}"
        if self.trainees:
            return f"Trains {', '.join(self.trainees)}"
        return ""

    @property
    def off(self) -> bool:
        """Whether the person works nowhere in the group that day."""
        return self.assignment is None and not self.visits


@dataclass
class PersonSheet:
    """A person's week on one page."""

    staff: Staff
    lines: list[SheetLine]
    hours: str  # at every site of the group
    shifts: int  # at every site of the group
    hours_note: str = ""  # 'incl. 8 h at Riverside Hospital' when other sites count


def person_sheets(rota: Rota, chart: WallChart) -> list[PersonSheet]:
    """A sheet for each person with at least one shift on the rota or at another site of
    the group that week, pharmacists first.

    A sheet is handed to the person, so their shifts at other sites come from those
    sites' published rotas only, whatever the version printed here.
    """
    trains: dict[tuple[int, date], list[str]] = {}
    for row in chart.rows:
        for cell in row.cells:
            for entry in cell.entries:
                if entry.trainees:
                    trains[(entry.assignment.staff_id, cell.day)] = entry.trainees
    sheets = []
    for row in by_person(rota, published=True):
        shifts = sum((d.assignment is not None) + len(d.visits) for d in row.days)
        if not shifts:
            continue
        lines = [
            SheetLine(d.day, d.assignment, d.leave, trains.get((row.staff.id, d.day), []), d.visits)
            for d in row.days
        ]
        sheets.append(PersonSheet(row.staff, lines, row.hours, shifts, row.hours_note))
    return sheets


# ----- compliance: the ratio hour by hour ---------------------------------------------------


@dataclass(frozen=True)
class RatioHour:
    """Heads at the tightest moment of one hour: pharmacists, technicians counted, the limit."""

    pharmacists: int = 0
    technicians: int = 0  # everyone the rule counts as a technician
    limit: int | None = None  # most technicians allowed; None without a rule
    plain: int = 0  # non-certified technicians (and trainees when counted)
    plain_limit: int | None = None
    over: int = 0  # technicians above the limit (0 when within it)
    certified_rule: bool = False

    @property
    def empty(self) -> bool:
        """Whether no one counted by the ratio is on duty."""
        return not self.pharmacists and not self.technicians

    @property
    def heads(self) -> str:
        """'2 Ph · 5 T'."""
        return f"{self.pharmacists} Ph \u00b7 {self.technicians} T"

    @property
    def limit_text(self) -> str:
        """'max 8', or 'max 10/8' (all technicians / non-certified) when certification counts."""
        if self.limit is None:
            return ""
        if self.certified_rule:
            return f"max {self.limit}/{self.plain_limit}"
        return f"max {self.limit}"

    @property
    def problem(self) -> str:
        """What breaks the limit, in words, or '' when the hour is within it."""
        if not self.over:
            return ""
        if self.certified_rule and self.plain > (self.plain_limit or 0):
            return (
                f"{self.pharmacists} pharmacist(s) allow {self.plain_limit} non-certified "
                f"technician(s), but {self.plain} are on"
            )
        return (
            f"{self.pharmacists} pharmacist(s) allow {self.limit} technician(s), "
            f"but {self.technicians} are on"
        )

    def tightness(self) -> tuple[int, bool, int, int, int]:
        """How close to (or over) the limit, for picking an hour's tightest moment."""
        margin = 0
        if self.limit is not None:
            margin = max(self.technicians - self.limit, self.plain - (self.plain_limit or 0))
        return (self.over, not self.empty, margin, self.technicians, -self.pharmacists)


@dataclass
class RatioTable:
    """The ratio at every hour of the week: hours of the day down, days across."""

    rule: str  # the law in words, '' when the site has none
    source: str
    days: list[date]
    hours: list[int]
    cells: dict[tuple[date, int], RatioHour]
    over: list[tuple[str, RatioHour]]  # ('Tue 17 Nov 14:00-15:00', hour) for each hour over
    carried: int | None = None  # version of last week's rota whose night runs into Monday

    def cell(self, day: date, hour: int) -> RatioHour | None:
        """The hour starting at ``hour`` o'clock on ``day``, or None when the clock skips it."""
        return self.cells.get((day, hour))


def _heads(rule: sv.RatioRule | None, kinds: list[str]) -> RatioHour:
    """The ratio state of one piece of time from how each person on duty counts."""
    pharmacists = kinds.count("pharmacist")
    plain = kinds.count("technician")
    everyone = plain + kinds.count("certified")
    if rule is None:
        return RatioHour(pharmacists, everyone, plain=plain)
    plain_limit, limit = rule.limits(pharmacists)
    over = max(0, everyone - limit, plain - plain_limit)
    return RatioHour(
        pharmacists, everyone, limit, plain, plain_limit, over, rule.certified_extra > 0
    )


def ratio_by_hour(rota: Rota) -> RatioTable:
    """Pharmacists and technicians on duty at each hour of the week, against the site's law.

    Each hour shows its tightest moment (staggered shifts can change the heads within
    an hour). Hours run in the site's time zone; the previous week's published night
    that runs into Monday morning is counted too.
    """
    site = rota.site
    zone = site_zone(site)
    rule = ratio_rule(site)
    epoch = datetime.combine(rota.week_start, time(0), tzinfo=zone).astimezone(UTC)
    finish = datetime.combine(rota.week_start + timedelta(days=7), time(0), tzinfo=zone)
    total = int((finish.astimezone(UTC) - epoch).total_seconds() // 60)
    assignments = list(rota.assignments)
    before = published_rota(site.id, rota.week_start - timedelta(days=7))
    carried = None
    if before is not None:
        spill = [a for a in before.assignments if _window(a, zone, epoch)[1] > 0]
        assignments += spill
        carried = before.version if spill else None
    windows = {i: _window(a, zone, epoch) for i, a in enumerate(assignments)}
    kinds = {i: _counts(rule, a.staff) for i, a in enumerate(assignments)}
    worst: dict[int, RatioHour] = {}
    for start, end, active in slices(windows):
        state = _heads(rule, [kinds[i] for i in active if kinds[i]])
        for hour in range(max(0, start // 60), min(total, end + 59) // 60):
            if hour not in worst or state.tightness() > worst[hour].tightness():
                worst[hour] = state
    cells: dict[tuple[date, int], RatioHour] = {}
    over = []
    for hour in range(total // 60):
        local = (epoch + timedelta(hours=hour)).astimezone(zone)
        state = worst.get(hour, RatioHour())
        key = (local.date(), local.hour)
        if key not in cells or state.tightness() > cells[key].tightness():
            cells[key] = state  # an hour the clock repeats keeps the worse of the two
        if state.over:
            after = (epoch + timedelta(hours=hour + 1)).astimezone(zone)
            over.append((f"{day_label(local.date())} {local:%H:%M}\u2013{after:%H:%M}", state))
    busy = sorted({h for (_d, h), c in cells.items() if not c.empty})
    hours = list(range(busy[0], busy[-1] + 1)) if busy else []
    days = [rota.week_start + timedelta(days=d) for d in range(7)]
    return RatioTable(
        describe(rule) if rule else "",
        site.ratio_rule.source if site.ratio_rule else "",
        days,
        hours,
        cells,
        over,
        carried,
    )


def _window(a: RotaAssignment, zone: ZoneInfo, epoch: datetime) -> tuple[int, int]:
    """An assignment's (start, end) in minutes from the week's start, as the engine times it."""
    local_start = datetime.combine(a.on_date, a.shift_type.start)
    local_end = local_start + timedelta(minutes=a.shift_type.minutes)
    return tuple(
        int((moment.replace(tzinfo=zone).astimezone(UTC) - epoch).total_seconds() // 60)
        for moment in (local_start, local_end)
    )


def _counts(rule: sv.RatioRule | None, staff: Staff) -> str | None:
    """How a member of staff counts for the ratio: pharmacist, technician, certified or None."""
    person = sv.Person(
        id=str(staff.id),
        name=staff.name,
        role=sv.Role(staff.role.value),
        site="",
        certified=staff.certified,
    )
    if rule is None:
        rule = sv.RatioRule("none", 0)
    return counts_as(rule, person)


# ----- compliance: competencies about to lapse, cover gaps --------------------------------


@dataclass(frozen=True)
class Lapse:
    """A competency of someone on the rota valid until a day near the week (the warning window)."""

    staff: Staff
    competency: str
    level: str
    valid_until: date
    note: str


def lapsing_competencies(rota: Rota, window: int = SKILL_WARNING_DAYS) -> list[Lapse]:
    """Competencies of the people on the rota whose last valid day is within ``window`` days
    of the week (before it, during it or after it), soonest first."""
    first = rota.week_start
    last = first + timedelta(days=6)
    people = {a.staff_id: a.staff for a in rota.assignments}
    skills = db.session.scalars(  # everyone's skills in one statement, not one per person
        db.select(StaffCompetency)
        .where(StaffCompetency.staff_id.in_(list(people)))
        .options(joinedload(StaffCompetency.competency))
    )
    out = []
    for skill in skills:
        until = skill.valid_until
        if until is None or not first - timedelta(days=window) <= until <= last + timedelta(
            days=window
        ):
            continue
        if until < first:
            note = f"Valid until {(first - until).days} day(s) before the week"
        elif until <= last:
            note = "Valid until a day of the week"
        else:
            note = f"Valid until {(until - last).days} day(s) after the week"
        out.append(
            Lapse(people[skill.staff_id], skill.competency.name, skill.level.value, until, note)
        )
    out.sort(key=lambda x: (x.valid_until, x.staff.name, x.competency))
    return out


@dataclass(frozen=True)
class Gap:
    """A station left below its minimum cover on one shift."""

    station: str
    day: date
    shift: ShiftType
    text: str  # '1 of 2 (1 short)'
    why: list[str]  # for each person who could have filled it, what kept them off


def cover_gaps(chart: WallChart) -> list[Gap]:
    """Every station and shift of the wall chart left below its minimum, by day."""
    gaps = [
        Gap(row.label, cell.day, cell.shift, cell.gap, cell.why)
        for row in chart.rows
        for cell in row.cells
        if cell.short
    ]
    gaps.sort(key=lambda g: (g.day, g.shift.start, g.station))
    return gaps


# ----- the whole document ---------------------------------------------------------------


BANNERS = {
    "Superseded": "SUPERSEDED \u2013 a newer version is published",
    "Draft": "DRAFT \u2013 not published",
    "Awaiting approval": "DRAFT awaiting approval \u2013 not published",
    "Approved": "APPROVED DRAFT \u2013 not published",
}


@dataclass
class PrintDocument:
    """Everything printed for one version of a week."""

    rota: Rota
    status: str
    chart: WallChart
    pages: list[WallChart]
    sheets: list[PersonSheet]
    ratio: RatioTable | None  # None for the wall chart alone
    lapses: list[Lapse]
    gaps: list[Gap]
    printed: str
    score: RotaScore | None = None  # the score by level; None when no rota was found
    chart_only: bool = False  # the wall chart alone, for the wall: no sheets, no compliance
    names: dict[str, str] = field(default_factory=dict)  # full name -> the chart's short name

    def short(self, name: str | None) -> str:
        """A person's name as the printed wall chart gives it ('Marco Y.'), see chart_names."""
        return self.names.get(name or "", name or "?")

    @property
    def site(self) -> Site:
        """The rota's site."""
        return self.rota.site

    @property
    def published(self) -> bool:
        """Whether this is the week's current published version."""
        return self.status == "Published"

    @property
    def banner(self) -> str:
        """'' for the current published version, else its state, e.g. 'DRAFT – not published'."""
        if self.published:
            return ""
        return BANNERS.get(self.status, f"{self.status.upper()} \u2013 not published")

    @property
    def week(self) -> str:
        """'Week of Mon 16 Nov 2026'."""
        return f"W{self.week_in_text[1:]}"

    @property
    def week_in_text(self) -> str:
        """'week of Mon 16 Nov 2026', for the middle of a title or sentence."""
        return f"week of {day_label(self.rota.week_start)} {self.rota.week_start.year}"

    @property
    def version_line(self) -> str:
        """'Version 2 · published 25 Nov 2026 05:59 CST', or the version and its state."""
        text = f"Version {self.rota.version}"
        when = local_moment(self.rota.published_at, self.site)
        if when:
            text += f" \u00b7 published {when}"
        if self.banner:
            text += f" \u00b7 {self.banner}"
        return text


def document(rota: Rota, chart_only: bool = False) -> PrintDocument:
    """Gather the print layout of one version of a week; ``chart_only`` gathers the wall
    chart alone (the person sheets and the compliance pages are left out)."""
    chart = wall_chart(rota)
    now = datetime.now(UTC)
    return PrintDocument(
        rota=rota,
        status=status_label(rota),
        chart=chart,
        pages=chart_pages(chart),
        sheets=[] if chart_only else person_sheets(rota, chart),
        ratio=None if chart_only else ratio_by_hour(rota),
        lapses=[] if chart_only else lapsing_competencies(rota),
        gaps=cover_gaps(chart),
        printed=local_moment(now, rota.site),
        score=rota_score(rota) if rota.objective is not None and not chart_only else None,
        chart_only=chart_only,
        names=chart_names(a.staff.name for a in rota.assignments),
    )


def chart_names(names) -> dict[str, str]:
    """Short names for the printed wall chart: first name and surname initial ('Marco Y.'),
    with more of the surname where two would read the same ('Ann Lee' / 'Ann Lopez': 'Ann
    Le.' / 'Ann Lo.'), the whole name where even that does not tell them apart; a name of
    one word stays as it is. Short names let the chart's type grow on a sheet of paper."""
    full = sorted(set(names))
    out = {}
    pending = {name: 1 for name in full if len(name.split()) > 1}
    out.update({name: name for name in full if name not in pending})
    while pending:
        labels = {}
        for name, letters in pending.items():
            first, last = name.split()[0], name.split()[-1]
            label = name if letters >= len(last) else f"{first} {last[:letters]}."
            labels.setdefault(label, []).append(name)
        pending = {}
        for label, owners in labels.items():  # two full names never collide (a set)
            if len(owners) == 1:
                out[owners[0]] = label
            else:  # one more letter of the surname each ("K." has 1, so 2 next)
                pending.update({owner: len(label.split()[-1]) for owner in owners})
    return out


def pdf_filename(rota: Rota, chart_only: bool = False) -> str:
    """A download name such as 'riverside-hospital-2026-11-23-v2.pdf' (or '...-v2-chart.pdf'
    for the wall chart alone)."""
    slug = re.sub(r"[^a-z0-9]+", "-", rota.site.name.lower()).strip("-") or "site"
    tail = "-chart" if chart_only else ""
    return f"{slug}-{rota.week_start.isoformat()}-v{rota.version}{tail}.pdf"


# ----- PDF ------------------------------------------------------------------------------


def no_fetcher(asked: list[str] | None = None):
    """A WeasyPrint URL fetcher that opens nothing, on disk or on the network.

    Each URL a page asks for is noted in ``asked`` and refused; WeasyPrint then
    leaves that resource out and logs it.
    """
    asked = asked if asked is not None else []

    def refuse(url: str, *args, **kwargs):
        asked.append(url)
        raise FetchRefused(f"print pages fetch nothing: {url}")

    URLFetcher = getattr(weasyprint().urls, "URLFetcher", None)
    if URLFetcher is None:  # older WeasyPrint takes a plain function
        return refuse

    class Refuser(URLFetcher):
        def fetch(self, url, headers=None):
            return refuse(url)

    return Refuser()


# The Debian packages WeasyPrint needs to make a PDF (Pango, HarfBuzz's subsetter, a font).
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"


class PdfUnavailable(Exception):
    """This server cannot make PDFs: WeasyPrint's system libraries are missing."""


def weasyprint():
    """The WeasyPrint module, loaded on the first PDF (it loads Pango and HarfBuzz then).

    Raises :class:`PdfUnavailable`, saying what to install, when those libraries are missing.
    """
    try:
        # lazy: WeasyPrint loads its system libraries on first PDF
        import weasyprint as module
    except OSError as missing:
        raise PdfUnavailable(
            "This server cannot make PDFs yet: the PDF maker (WeasyPrint) needs the Pango "
            f"and HarfBuzz libraries. On Debian or Ubuntu, `apt-get install {PDF_PACKAGES}` "
            "adds them."
        ) from missing
    return module


# The wall chart's type on each paper: the largest size tried first, then smaller ones in
# half points down to the smallest, until the chart fits one landscape page (a small shop's
# week reads from a metre on A4 at 14 pt; a 24/7 hospital's goes smaller, or on A3).
CHART_TYPE = {"a4": (14.0, 6.0), "letter": (14.0, 6.0), "a3": (18.0, 8.0), "tabloid": (18.0, 8.0)}


def _styles(stylesheet: Path, paper: str, fetcher, chart_pt: float | None) -> list:
    """The print stylesheet, the landscape paper size and the wall chart's type size."""
    CSS = weasyprint().CSS

    extra = f"@page {{ size: {PAPER_SIZES[paper]} landscape; }}"
    if chart_pt is not None:
        extra += f" .print-doc .print-chart {{ font-size: {chart_pt}pt; }}"
    return [
        CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher),
        CSS(string=extra, url_fetcher=fetcher),
    ]


def chart_type_size(chart_html: str, stylesheet: Path, paper: str = "a4", fetcher=None) -> float:
    """The largest type size (points) at which the wall chart alone fits one landscape page.

    ``chart_html`` is the print document of the wall chart alone; see ``fit_chart``.
    """
    return fit_chart(chart_html, stylesheet, paper, fetcher)[0]


def fit_chart(chart_html: str, stylesheet: Path, paper: str = "a4", fetcher=None):
    """The wall chart's type size and, when it was laid out at that size, its layout.

    The size is the largest of the paper's sizes (half points from ``CHART_TYPE``'s largest
    down to its smallest) at which the chart alone fits one landscape page; a chart too big
    even at the smallest size gets the smallest (and runs onto a second page). Each try lays
    the chart out with WeasyPrint: the largest size first, which is all a small site needs.
    When it overflows, the search starts from the size its overflow points to (a table's
    height grows about as the square of its type size: larger type, more lines of wrapped
    names, each taller), steps from there to the neighbouring sizes that settle the answer,
    and halves the range left should the estimate be far off; a big site gets three or four
    layouts. Returns ``(size, document)``: the document (WeasyPrint's) of the chart at that
    size, or None when that size was not laid out.
    """
    HTML = weasyprint().HTML

    fetcher = fetcher if fetcher is not None else no_fetcher()
    largest, smallest = CHART_TYPE[paper]
    sizes = [largest - 0.5 * i for i in range(int((largest - smallest) / 0.5) + 1)]
    laid_out = {}

    def fits(index: int) -> bool:
        styles = _styles(stylesheet, paper, fetcher, sizes[index])
        laid_out[index] = HTML(string=chart_html, url_fetcher=fetcher).render(stylesheets=styles)
        return len(laid_out[index].pages) == 1

    if fits(0):
        return sizes[0], laid_out[0]
    estimate = largest / _pages_of_content(laid_out[0]) ** 0.5
    guess = round((largest - estimate) / 0.5)
    low, high = 0, len(sizes) - 1  # sizes[low] overflows; sizes[high] fits, or is the smallest
    steps = 3  # the estimate and two steps from it, then halving
    while low + 1 < high:
        middle = min(max(guess, low + 1), high - 1) if steps else (low + high) // 2
        steps = max(0, steps - 1)
        if fits(middle):
            high, guess = middle, middle - 1
        else:
            low, guess = middle, middle + 1
    return sizes[high], laid_out.get(high)


def _pages_of_content(document) -> float:
    """How many pages' height the laid-out content takes, e.g. 1.87 (at least the pages
    started less one: the last page's fill is read from the layout when WeasyPrint shows it)."""
    pages = document.pages
    try:
        last = pages[-1]._page_box  # the page's content area and the root element's box in it
        fill = last.children[0].height / last.height
    except (AttributeError, IndexError, TypeError, ZeroDivisionError):
        fill = 1.0
    return len(pages) - 1 + min(max(fill, 0.0), 1.0)


def render_pdf(
    html: str, stylesheet: Path, paper: str = "a4", fetcher=None, chart_pt: float | None = None
) -> bytes:
    """A print page as a landscape PDF on A4, A3, US Letter or Tabloid, styled by the print
    stylesheet; ``chart_pt`` sets the wall chart's type size (see ``chart_type_size``)."""
    HTML = weasyprint().HTML

    fetcher = fetcher if fetcher is not None else no_fetcher()
    styles = _styles(stylesheet, paper, fetcher, chart_pt)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=styles)


def print_pdf(html: str, chart_html: str, stylesheet: Path, paper: str = "a4") -> bytes:
    """A print page as a PDF with its wall chart in the largest type that fits one page.

    ``chart_html`` is the same page with the wall chart alone (``html`` itself when only
    the chart is printed: its layout from the type-size search is then the PDF).
    """
    size, chart = fit_chart(chart_html, stylesheet, paper)
    if html == chart_html and chart is not None:
        return chart.write_pdf()
    return render_pdf(html, stylesheet, paper, chart_pt=size)
