"""A person's published shifts as an iCalendar file, and the secret links calendar apps read.

Events use the real start and end of each shift in its site's IANA time zone
(a night ends the next morning; daylight-saving changes are the zone's business),
with the VTIMEZONE each zone needs. Each event's UID names the person, the site
and the date, so a calendar app updates a shift when a new version of the week is
published instead of adding a second copy. A shift at another site of the person's
group comes from that site's published rota (where the group solve stored it) and
names the site in its title as well as its location.

A calendar link carries a random token; only its SHA-256 hash is stored, and a
request is matched by looking up the hash of the token it brings, so nothing
compares a secret character by character.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

from ..dates import monday_of
from ..extensions import db
from ..filters import day_label
from ..models import CalendarFeed, Rota, ShiftType, Site, Staff, User, utcnow
from .rota_lookup import published_rota
from .rota_pages import PublishedShift, published_shifts

WEEKS_BACK = 4  # whole weeks before this one that the calendar still shows
WEEKS_AHEAD = 8  # whole weeks after this one
REFRESH = timedelta(hours=1)  # how often we suggest calendar apps read the link again
PRODID = "-//Pharmacy staff scheduler//Shift calendar//EN"
UID_DOMAIN = "pharmacy-scheduler"


# ----- the calendar link ---------------------------------------------------------------


def hash_token(token: str) -> str:
    """The stored form of a calendar token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(staff: Staff) -> CalendarFeed | None:
    """A person's calendar link, whether on or turned off, or None when they never made one."""
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.staff_id == staff.id))


def issue_token(staff: Staff) -> str:
    """Make a person a new calendar token (the old one stops working) and return it once."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(staff)
    if feed is None:
        feed = CalendarFeed(staff_id=staff.id)
        db.session.add(feed)
    feed.token_hash = hash_token(token)
    feed.created_at = utcnow()
    feed.last_used_at = None
    feed.revoked_at = None
    db.session.commit()
    return token


def is_current(feed: CalendarFeed | None, token: str | None) -> bool:
    """Whether a token is the one a person's link answers to now."""
    return bool(feed and token and feed.active and feed.token_hash == hash_token(token))


def revoke(staff: Staff) -> bool:
    """Turn a person's calendar link off; False when there was no link on."""
    feed = feed_of(staff)
    if feed is None or not feed.active:
        return False
    feed.revoked_at = utcnow()
    db.session.commit()
    return True


def feed_for_token(token: str) -> CalendarFeed | None:
    """The link a token opens: None when it is unknown, turned off, or its owner has left."""
    if not token or len(token) > 128:
        return None
    feed = db.session.scalar(
        db.select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
    )
    if feed is None or not feed.active or not feed.staff.active:
        return None
    account = db.session.scalar(db.select(User).where(User.staff_id == feed.staff_id))
    if account is None or not account.active:
        return None  # a link lives only as long as the account that made it
    return feed


def mark_used(feed: CalendarFeed) -> None:
    """Note that a calendar app has just read the link."""
    feed.last_used_at = utcnow()
    db.session.commit()


# ----- time ----------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def shift_span(on_date: date, shift: ShiftType, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A shift's real start and end on a date, aware; a shift crossing midnight ends next day."""
    end_date = on_date + timedelta(days=1) if shift.end <= shift.start else on_date
    return (
        datetime.combine(on_date, shift.start, tzinfo=zone),
        datetime.combine(end_date, shift.end, tzinfo=zone),
    )


def window(today: date) -> tuple[date, date]:
    """The dates a calendar covers: whole weeks from WEEKS_BACK before to WEEKS_AHEAD after."""
    monday = monday_of(today)
    return (
        monday - timedelta(weeks=WEEKS_BACK),
        monday + timedelta(weeks=WEEKS_AHEAD + 1) - timedelta(days=1),
    )


# ----- the calendar --------------------------------------------------------------------


def shift_label(name: str) -> str:
    """A shift type's name as a shift: 'Day' -> 'Day shift' ('Night shift' stays as it is)."""
    return name if name.lower().endswith("shift") else f"{name} shift"


def _description(shift: PublishedShift, week: date) -> str:
    """The event's notes: shift and hours, station or duty, training, and the rota version."""
    lines = [
        f"{shift_label(shift.shift_name)}, {shift.times} ({shift.timezone} time)",
        f"{'Duty' if shift.is_duty else 'Station'}: {shift.where}",
        f"Site: {shift.site}",
    ]
    if shift.trainee:
        lines.append(f"Trainee with {shift.trainer or 'a trainer'}")
    if shift.trainees:
        lines.append(f"Training {', '.join(shift.trainees)}")
    lines.append(
        f"Published rota for the week of {day_label(week)} {week:%Y}, version {shift.version}"
    )
    return "\n".join(lines)


def _summary(shift: PublishedShift, staff: Staff) -> str:
    """The event's title: 'IV room – Day shift', naming the site when it is not the
    person's home site ('IV room at Riverside Hospital – Day shift')."""
    where = shift.where
    if shift.site != staff.home_site.name:
        where += f" at {shift.site}"
    return f"{where} \u2013 {shift_label(shift.shift_name)}"


class _Lookup:
    """The sites, shift types and published rotas behind a list of published shifts, cached."""

    def __init__(self) -> None:
        self.sites: dict[str, Site] = {}
        self.rotas: dict[tuple[int, date], Rota | None] = {}

    def site(self, name: str) -> Site:
        """A site by its (unique) name."""
        if name not in self.sites:
            self.sites[name] = db.session.scalar(db.select(Site).where(Site.name == name))
        return self.sites[name]

    def shift_type(self, site: Site, code: str) -> ShiftType:
        """A site's shift type by its code."""
        return next(st for st in site.shift_types if st.code == code)

    def rota(self, site: Site, week: date) -> Rota | None:
        """The published rota of a site's week, the one the shift came from."""
        if (site.id, week) not in self.rotas:
            self.rotas[site.id, week] = published_rota(site.id, week)
        return self.rotas[site.id, week]


def shift_events(staff: Staff, start: date, end: date, now: datetime | None = None) -> list[Event]:
    """One event per published shift of a person on dates from start to end (inclusive)."""
    now = now or utcnow()
    lookup = _Lookup()
    events = []
    for shift in published_shifts(staff.id, start, end):
        site = lookup.site(shift.site)
        week = monday_of(shift.on_date)
        rota = lookup.rota(site, week)
        stamp = as_utc(rota.published_at) if rota and rota.published_at else as_utc(now)
        begins, ends = shift_span(
            shift.on_date, lookup.shift_type(site, shift.shift_code), site.zone
        )
        event = Event.new(
            uid=f"shift-{site.id}-{staff.id}-{shift.on_date:%Y%m%d}@{UID_DOMAIN}",
            summary=_summary(shift, staff),
            location=shift.site,
            description=_description(shift, week),
            start=begins,
            end=ends,
            stamp=stamp,
            last_modified=stamp,
            sequence=shift.version,
            categories=["Duty" if shift.is_duty else "Shift"],
        )
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        events.append(event)
    return events


def shift_calendar(staff: Staff, today: date, now: datetime | None = None) -> Calendar:
    """A person's calendar: published shifts in the window around today, with their zones."""
    start, end = window(today)
    calendar = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        name=f"Shifts: {staff.name}",
        description=(
            f"{staff.name}'s published shifts from {day_label(start)} {start:%Y} "
            f"to {day_label(end)} {end:%Y}."
        ),
        uid=f"shifts-{staff.id}@{UID_DOMAIN}",
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("x-wr-timezone", staff.home_site.zone.key)
    for event in shift_events(staff, start, end, now):
        calendar.add_component(event)
    # a year either side keeps every rule the events need without the zone's whole history
    calendar.add_missing_timezones(
        first_date=start - timedelta(days=366), last_date=end + timedelta(days=366)
    )
    return calendar


def calendar_bytes(staff: Staff, today: date) -> bytes:
    """A person's calendar as the bytes of an .ics file."""
    return shift_calendar(staff, today).to_ical()


def download_name(staff: Staff, today: date) -> str:
    """The file name of a one-off download, e.g. 'shifts-jonah-singh-2026-03-02.ics'."""
    slug = "-".join(
        "".join(c if c.isascii() and c.isalnum() else " " for c in staff.name.lower()).split()
    )
    return f"shifts-{slug or staff.id}-{today:%Y-%m-%d}.ics"
