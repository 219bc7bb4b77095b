"""Reading a site file's data into the database: every row checked, every problem named.

A file is read whole before anything is kept: each section's rows are built and
linked by natural key, each problem is noted with where it is in the file, and on
any problem the session is rolled back and all of them are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ... import dates
from ...extensions import db
from ...models import (
    CalendarFeed,
    CEEntry,
    Certification,
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    Duty,
    Leave,
    OpeningHours,
    RatioRuleSet,
    Rota,
    RotaAssignment,
    RotaPolicy,
    ShiftRequest,
    ShiftType,
    SignOff,
    Site,
    SiteGroup,
    Staff,
    StaffCompetency,
    Station,
    User,
    VolunteerOffer,
    shift_type_forbidden_next,
)
from ..priorities import FAIRNESS_WEEKS_RANGE, settings_problems
from ..solver_terms import IdMap
from .file_format import (
    FORMAT,
    NAME_FIELD,
    VERSION,
    SiteDataError,
    parent_relationship,
    reference_columns,
    summary,
    value_columns,
)
from .values import PLACEHOLDER, TOKEN_TARGET, ValueRefused, inert_token, read_value


@dataclass
class ImportReport:
    """What an import wrote: the sites, the ones it replaced, and what it noticed on the way."""

    sites: list[Site]
    replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)


def read_sections(data: Any) -> list[dict[str, Any]]:
    """The site sections of a file's data, after checking its format and version."""
    if not isinstance(data, dict):
        raise SiteDataError([f"the file holds a JSON {type(data).__name__}, not a site export"])
    if "format" not in data:
        raise SiteDataError(["the file has no 'format' field; it is not a site export"])
    if data["format"] != FORMAT:
        raise SiteDataError(
            [f"the file's format is {data['format']!r}; a site export has {FORMAT!r}"]
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise SiteDataError(
            [
                f"the file is version {version!r} of the format; this app reads version "
                f"{VERSION}" + (" (the file comes from a newer release)" if newer else "")
            ]
        )
    unknown = sorted(set(data) - {"format", "version", "exported_at", "site", "sites"})
    if unknown:
        raise SiteDataError([f"unknown top-level field(s): {', '.join(unknown)}"])
    if ("site" in data) == ("sites" in data):
        raise SiteDataError(["the file needs either 'site' (one site) or 'sites' (a list)"])
    sections = [data["site"]] if "site" in data else data["sites"]
    if not isinstance(sections, list) or not sections:
        raise SiteDataError(["'sites' should be a list of at least one site"])
    problems = []
    names: set[str] = set()
    for n, section in enumerate(sections):
        name = section.get("name") if isinstance(section, dict) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(f"site {n + 1}: needs an object with a 'name'")
        elif name in names:
            problems.append(f"site {name!r} appears twice in the file")
        else:
            names.add(name)
    if problems:
        raise SiteDataError(problems)
    return sections


def import_data(data: Any, *, replace: bool = False) -> ImportReport:
    """Write the site(s) of a file's data into the database in the current transaction.

    Everything is checked and written before returning; the caller commits. On any
    problem the session is rolled back, so nothing of the file is left behind, and
    :class:`SiteDataError` lists every problem found. With ``replace``, a site of
    the same name is deleted first, with everything that belongs to it.
    """
    sections = read_sections(data)
    importer = _Importer(replace)
    try:
        with db.session.no_autoflush:
            report = importer.run(sections)
        db.session.flush()
    except SiteDataError:
        db.session.rollback()
        raise
    except DBAPIError as exc:
        db.session.rollback()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise SiteDataError([f"the database refused the data: {reason}"]) from exc
    return report


def import_site(data: Any, *, replace: bool = False) -> Site:
    """Import a file holding exactly one site and return it (uncommitted)."""
    sections = read_sections(data)
    if len(sections) != 1:
        raise SiteDataError([f"the file holds {len(sections)} sites; expected one"])
    return import_data(data, replace=replace).sites[0]


@dataclass
class _Section:
    """A site being imported: its raw section and the rows made for it, by natural key."""

    raw: dict[str, Any]
    path: str
    site: Site
    shift_types: dict[str, ShiftType] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    duties: dict[str, Duty] = field(default_factory=dict)
    staff: list[tuple[Staff, dict[str, Any], str]] = field(default_factory=list)
    rotas: dict[tuple[date, int], Rota] = field(default_factory=dict)
    rota_rows: list[tuple[Rota, dict[str, Any], str]] = field(default_factory=list)
    costs: list[tuple[Rota, list[tuple[dict, list[tuple[dict, str, Any]]]]]] = field(
        default_factory=list
    )


class _Importer:
    """Builds the rows of one file, noting every problem instead of stopping at the first."""

    def __init__(self, replace: bool) -> None:
        self.replace = replace
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.sections: dict[str, _Section] = {}
        self.staff: dict[str, Staff] = {}
        self.competencies: dict[str, Competency] = {}
        self.accounts: dict[str, User] = {}
        self.groups: dict[str, SiteGroup] = {}
        self.rules: dict[tuple, RatioRuleSet] = {}
        self.kept_accounts: dict[str, User] = {}
        self.replaced: list[str] = []

    # --- the whole file ------------------------------------------------------------

    def run(self, raw_sections: list[dict[str, Any]]) -> ImportReport:
        """Check and build every row of the file; flush; raise when anything was wrong."""
        self.clear_names([s["name"] for s in raw_sections])
        self.check()
        for raw in raw_sections:
            self.start_site(raw)
        self.check()
        sections = list(self.sections.values())
        for section in sections:
            self.catalogue(section)
        for section in sections:
            self.places(section)
            self.people(section)
        for section in sections:
            self.place_links(section)
        for section in sections:
            self.linked_accounts(section)
        for section in sections:
            self.named_accounts(section)
        for section in sections:
            self.staff_records(section)
            self.rotas(section)
        self.check()
        db.session.flush()
        for section in sections:
            self.finish_rotas(section)
        for email, user in self.kept_accounts.items():
            user.active = False
            self.warnings.append(
                f"the account {email} belonged to a replaced person the file does not have; "
                "it was kept but turned off"
            )
        return ImportReport(
            sites=[s.site for s in sections],
            replaced=self.replaced,
            warnings=self.warnings,
            summaries=[summary(s.raw) for s in sections],
        )

    def check(self) -> None:
        """Stop with every problem noted so far."""
        if self.problems:
            raise SiteDataError(self.problems)

    def note(self, path: str, message: str) -> None:
        """Record a problem at a place in the file."""
        self.problems.append(f"{path}: {message}")

    # --- replacing --------------------------------------------------------------------

    def clear_names(self, names: list[str]) -> None:
        """Refuse sites that exist already, or delete them first when replacing."""
        existing = db.session.scalars(db.select(Site).where(Site.name.in_(names))).all()
        if not existing:
            return
        if not self.replace:
            for site in existing:
                self.problems.append(
                    f"a site named {site.name!r} already exists in this database; "
                    "import with --replace to overwrite it"
                )
            return
        blockers = _references_from_outside(existing)
        if blockers:
            named = ", ".join(repr(s.name) for s in existing)
            self.problems.extend(
                f"{named} cannot be replaced: {line}; export and import those sites together "
                "(export-data --all)"
                for line in blockers
            )
            return
        for site in existing:
            self.delete_site(site)
            self.replaced.append(site.name)
        db.session.expire_all()  # rows the database's own cascades removed are gone

    def delete_site(self, site: Site) -> None:
        """Delete a site and all that belongs to it; its people's accounts are kept for now."""
        for rota in list(site.rotas):
            db.session.delete(rota)
        db.session.flush()
        for duty in list(site.duties):
            db.session.delete(duty)
        db.session.flush()
        people = [p.id for p in site.staff]
        for user in db.session.scalars(db.select(User).where(User.staff_id.in_(people))):
            user.staff = None
            self.kept_accounts[user.email] = user
        for person in list(site.staff):
            db.session.delete(person)
        db.session.flush()
        db.session.expire(site)  # its collections still hold the rows deleted above
        db.session.delete(site)
        db.session.flush()

    # --- rows --------------------------------------------------------------------------------

    def fields(
        self,
        model: type,
        raw: Any,
        path: str,
        here: _Section | None,
        extra: Iterable[str] = (),
        later: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """A record's attribute values from the file, checked; None when it is no object.

        ``extra`` names fields the caller reads itself; ``later`` names links it
        resolves itself once every row exists.
        """
        if not isinstance(raw, dict):
            self.note(path, f"should be an object, not {raw!r}")
            return None
        copied = value_columns(model)
        links = reference_columns(model)
        allowed = {key for key, _c in copied} | {name for name, *_ in links} | set(extra)
        for name in sorted(set(raw) - allowed):
            self.note(path, f"unknown field {name!r}")
        values: dict[str, Any] = {}
        for key, column in copied:
            if key not in raw:
                if not (
                    column.nullable
                    or column.default is not None
                    or column.server_default is not None
                ):
                    self.note(path, f"{key} is missing")
                continue
            try:
                values[key] = read_value(column, raw[key])
            except ValueRefused as bad:
                self.note(f"{path}.{key}", str(bad))
        for name, relation, target, column in links:
            if name in later:
                continue
            wanted = raw.get(name)
            if wanted is None:
                if not column.nullable:
                    self.note(path, f"{name} is missing")
                continue
            values[relation] = self.resolve(target, wanted, f"{path}.{name}", here)
        return values

    def child(
        self,
        model: type,
        raw: Any,
        path: str,
        parent: Any,
        here: _Section,
        extra: Iterable[str] = (),
    ) -> Any:
        """Make a record listed under a parent row, or None when the entry is unusable."""
        values = self.fields(model, raw, path, here, extra)
        if values is None:
            return None
        row = model(**values, **{parent_relationship(model): parent})
        db.session.add(row)
        return row

    def listed(self, raw: dict[str, Any], name: str, path: str) -> list[tuple[Any, str]]:
        """The entries of a list field with their places in the file ([] when absent)."""
        items = raw.get(name)
        if items is None:
            return []
        if not isinstance(items, list):
            self.note(f"{path}.{name}", "should be a list")
            return []
        return [(item, f"{path}.{name}[{n}]") for n, item in enumerate(items)]

    # --- references --------------------------------------------------------------------

    def resolve(
        self, target: str, ref: Any, path: str, here: _Section | None, strict: bool = True
    ) -> Any:
        """The row a reference names, from the file or the database; None when not found."""
        found, why = self.lookup(target, ref, here)
        if found is None and strict:
            self.note(path, why)
        return found

    def lookup(self, target: str, ref: Any, here: _Section | None) -> tuple[Any, str]:
        """Find a referenced row; the second item explains a miss."""
        if target == "users":
            if not isinstance(ref, str):
                return None, f"should be an account's email, not {ref!r}"
            user = self.accounts.get(ref) or db.session.scalar(
                db.select(User).where(User.email == ref)
            )
            return user, f"no account {ref!r} in the file's accounts or this database"
        if target == "staff":
            return self.person(ref)
        if target in NAME_FIELD:
            return self.place(target, ref, here)
        if target == "competencies":
            if not isinstance(ref, str):
                return None, f"should be a competency code, not {ref!r}"
            comp = self.competencies.get(ref) or db.session.scalar(
                db.select(Competency).where(Competency.code == ref)
            )
            return comp, f"unknown competency {ref!r}"
        if target == "rotas":
            return self.rota_ref(ref, here)
        if target == "sites":
            if not isinstance(ref, str):
                return None, f"should be a site's name, not {ref!r}"
            if ref in self.sections:
                return self.sections[ref].site, ""
            site = db.session.scalar(db.select(Site).where(Site.name == ref))
            return site, f"no site named {ref!r}"
        if target == "site_groups":
            return self.group(ref)
        if target == "ratio_rule_sets":
            return self.rule(ref, here)
        return None, f"cannot read a reference to {target}"

    def person(self, ref: Any) -> tuple[Staff | None, str]:
        """A member of staff: a key of this file, or {'site', 'name'} of another site."""
        if isinstance(ref, str):
            return self.staff.get(ref), f"no staff member with key {ref!r} in the file"
        if not isinstance(ref, dict) or set(ref) != {"site", "name"}:
            return None, f"should be a staff key or {{'site': ..., 'name': ...}}, not {ref!r}"
        site_name, name = ref["site"], ref["name"]
        if not isinstance(site_name, str) or not isinstance(name, str):
            return None, f"site and name should be text, not {ref!r}"
        if site_name in self.sections:
            matches = [p for p, _raw, _path in self.sections[site_name].staff if p.name == name]
        else:
            matches = db.session.scalars(
                db.select(Staff)
                .join(Site, Staff.home_site_id == Site.id)
                .where(Site.name == site_name, Staff.name == name)
            ).all()
        if len(matches) > 1:
            return None, f"{len(matches)} people are called {name!r} at {site_name!r}"
        where = "in the file" if site_name in self.sections else "in this database"
        return (matches[0] if matches else None), f"no {name!r} at {site_name!r} {where}"

    def place(self, target: str, ref: Any, here: _Section | None) -> tuple[Any, str]:
        """A station, duty or shift type: by name (or code) here, or with its site."""
        key = NAME_FIELD[target]
        noun = {"stations": "station", "duties": "duty", "shift_types": "shift type"}[target]
        if isinstance(ref, str) and here is not None:
            site_name, name = here.site.name, ref
        elif isinstance(ref, dict) and set(ref) == {"site", key}:
            site_name, name = ref["site"], ref[key]
        else:
            site_name, name = None, None
        if not isinstance(site_name, str) or not isinstance(name, str):
            return None, f"should be a {noun} {key} or {{'site': ..., '{key}': ...}}, not {ref!r}"
        if site_name in self.sections:
            found = getattr(self.sections[site_name], target).get(name)
        else:
            model = {"stations": Station, "duties": Duty, "shift_types": ShiftType}[target]
            found = db.session.scalar(
                db.select(model)
                .join(Site, model.site_id == Site.id)
                .where(Site.name == site_name, getattr(model, key) == name)
            )
        return found, f"no {noun} {name!r} at {site_name!r}"

    def rota_ref(self, ref: Any, here: _Section | None) -> tuple[Rota | None, str]:
        """A rota by its week and version (and site, when it is another site's)."""
        if not isinstance(ref, dict) or not {"week_start", "version"} <= set(ref) <= {
            "site",
            "week_start",
            "version",
        }:
            return None, f"should be {{'week_start': ..., 'version': ...}}, not {ref!r}"
        try:
            week = date.fromisoformat(ref["week_start"])
        except (TypeError, ValueError):
            return None, f"{ref['week_start']!r} is not a date"
        if not dates.in_range(week):
            return None, f"{ref['week_start']!r} is outside the dates the app works with"
        site_name = ref.get("site", here.site.name if here else None)
        version = ref["version"]
        if not isinstance(site_name, str) or not isinstance(version, int):
            return None, f"should name a site and a whole version number, not {ref!r}"
        if site_name in self.sections:
            found = self.sections[site_name].rotas.get((week, ref["version"]))
        else:
            found = db.session.scalar(
                db.select(Rota)
                .join(Site, Rota.site_id == Site.id)
                .where(
                    Site.name == site_name,
                    Rota.week_start == week,
                    Rota.version == ref["version"],
                )
            )
        return found, f"no rota for the week of {week} version {ref['version']!r} at {site_name!r}"

    def group(self, ref: Any) -> tuple[SiteGroup | None, str]:
        """A site group by name, made when this database has none of that name."""
        if not isinstance(ref, str) or not ref.strip():
            return None, f"should be a group's name, not {ref!r}"
        if ref not in self.groups:
            self.groups[ref] = db.session.scalar(
                db.select(SiteGroup).where(SiteGroup.name == ref)
            ) or SiteGroup(name=ref)
        return self.groups[ref], ""

    def rule(self, raw: Any, here: _Section | None) -> tuple[RatioRuleSet | None, str]:
        """A ratio rule: the one here with the same jurisdiction, setting and date, or a new one."""
        path = f"{here.path}.ratio_rule" if here else "ratio_rule"
        values = self.fields(RatioRuleSet, raw, path, here)
        if not values or not all(k in values for k in ("jurisdiction", "setting")):
            return None, "is not a usable ratio rule"
        natural = (values["jurisdiction"], values["setting"], values.get("effective_date"))
        if natural not in self.rules:
            found = db.session.scalar(
                db.select(RatioRuleSet).where(
                    RatioRuleSet.jurisdiction == natural[0],
                    RatioRuleSet.setting == natural[1],
                    RatioRuleSet.effective_date.is_(None)
                    if natural[2] is None
                    else RatioRuleSet.effective_date == natural[2],
                )
            )
            if found is None:
                found = RatioRuleSet(**values)
                db.session.add(found)
            elif any(getattr(found, k) != v for k, v in values.items()):
                self.warnings.append(
                    f"the ratio rule {found.label} already exists here with other figures; "
                    "the existing rule was kept"
                )
            self.rules[natural] = found
        return self.rules[natural], ""

    # --- a site's rows ----------------------------------------------------------------

    def start_site(self, raw: dict[str, Any]) -> None:
        """The site row itself, with its group, ratio rule, approval policy and hours."""
        path = f"site {raw['name']!r}"
        extra = {
            "rota_policy",
            "opening_hours",
            "competencies",
            "shift_types",
            "stations",
            "duties",
            "staff",
            "accounts",
            "rotas",
        }
        section = _Section(raw, path, Site(name=raw["name"]))
        self.sections[raw["name"]] = section
        values = self.fields(Site, raw, path, section, extra)
        if values is None:
            return
        try:
            ZoneInfo(values.get("timezone") or "UTC")
        except (LookupError, ValueError, OSError):
            self.note(f"{path}.timezone", f"unknown time zone {values['timezone']!r}")
        for problem in settings_problems(values.get("priorities")):
            self.note(f"{path}.priorities", problem)
        low, high = FAIRNESS_WEEKS_RANGE
        weeks = values.get("fairness_weeks")
        if weeks is not None and not low <= weeks <= high:
            self.note(f"{path}.fairness_weeks", f"{weeks} is not {low} to {high} weeks")
        for key, value in values.items():
            setattr(section.site, key, value)
        db.session.add(section.site)
        if raw.get("rota_policy") is not None:
            self.child(RotaPolicy, raw["rota_policy"], f"{path}.rota_policy", section.site, section)
        for item, where in self.listed(raw, "opening_hours", path):
            self.child(OpeningHours, item, where, section.site, section)

    def catalogue(self, section: _Section) -> None:
        """The competencies a section uses: reused by code, or added to this database."""
        entries = self.listed(section.raw, "competencies", section.path)
        made = []
        for item, where in entries:
            values = self.fields(Competency, item, where, section, later={"prerequisite"})
            code = values.get("code") if values else None
            if not isinstance(code, str) or code in self.competencies:
                continue
            existing = db.session.scalar(db.select(Competency).where(Competency.code == code))
            if existing is not None:
                if existing.name != values.get("name", existing.name) or (
                    existing.requalify_days != values.get("requalify_days", existing.requalify_days)
                ):
                    self.warnings.append(
                        f"competency {code} already exists here as {existing.name!r}; kept it "
                        f"(the file has {values.get('name')!r})"
                    )
                self.competencies[code] = existing
                continue
            same_name = db.session.scalar(
                db.select(Competency).where(Competency.name == values.get("name"))
            )
            if same_name is not None:
                self.note(
                    where,
                    f"the name {same_name.name!r} is already used here by "
                    f"competency {same_name.code}",
                )
                continue
            comp = Competency(**values)
            db.session.add(comp)
            self.competencies[code] = comp
            made.append((comp, item, where))
        for comp, item, where in made:
            if item.get("prerequisite") is not None:
                comp.prerequisite = self.resolve(
                    "competencies", item["prerequisite"], f"{where}.prerequisite", section
                )

    def places(self, section: _Section) -> None:
        """Shift types, stations (with their cover later) and duties of a site."""
        site, path = section.site, section.path
        for kind, model, extra in (
            ("shift_types", ShiftType, {"forbidden_next"}),
            ("stations", Station, {"competencies", "cover"}),
            ("duties", Duty, {"shift_types", "people"}),
        ):
            key = NAME_FIELD[kind]
            found = getattr(section, kind)
            for item, where in self.listed(section.raw, kind, path):
                row = self.child(model, item, where, site, section, extra)
                if row is None:
                    continue
                name = getattr(row, key)
                if name in found:
                    self.note(where, f"{key} {name!r} appears twice")
                found[name] = row

    def people(self, section: _Section) -> None:
        """The staff whose home is the site, keyed as in the file."""
        extra = {
            "key",
            "skills",
            "certifications",
            "ce_entries",
            "goals",
            "leave",
            "requests",
            "offers",
            "sign_offs",
            "calendar_feed",
        }
        for item, where in self.listed(section.raw, "staff", section.path):
            key = item.get("key") if isinstance(item, dict) else None
            if isinstance(item, dict):
                where = f"{where} ({item.get('name')})"
            if not isinstance(key, str) or not key:
                self.note(where, "needs a 'key' (the file's name for this person)")
                continue
            if key in self.staff:
                self.note(where, f"the key {key!r} is used twice")
                continue
            person = self.child(Staff, item, where, section.site, section, extra)
            if person is not None:
                self.staff[key] = person
                section.staff.append((person, item, where))

    def place_links(self, section: _Section) -> None:
        """Forbidden successions, station competencies and cover, duty shifts and people."""
        raw_by_kind = {
            kind: self.listed(section.raw, kind, section.path)
            for kind in ("shift_types", "stations", "duties")
        }
        for kind, links in (
            ("shift_types", (("forbidden_next", "shift_types"),)),
            ("stations", (("competencies", "competencies"),)),
            ("duties", (("shift_types", "shift_types"), ("people", "staff"))),
        ):
            rows = getattr(section, kind)
            for item, where in raw_by_kind[kind]:
                name = item.get(NAME_FIELD[kind]) if isinstance(item, dict) else None
                row = rows.get(name) if isinstance(name, str) else None
                if row is None:
                    continue
                for name, target in links:
                    found = [
                        self.resolve(target, ref, at, section)
                        for ref, at in self.listed(item, name, where)
                    ]
                    setattr(row, name, [f for f in found if f is not None])
                if kind == "stations":
                    for line, at in self.listed(item, "cover", where):
                        self.child(CoverRequirement, line, at, row, section)

    def linked_accounts(self, section: _Section) -> None:
        """Accounts of the site's staff: new, or this database's account of the same email.

        The account of a replaced person takes the file's values. An account here that
        belongs to no one (one an earlier import brought along as a signer, say) is
        linked to the person and keeps its password. One that belongs to someone else
        is refused.
        """
        for item, where in self.listed(section.raw, "accounts", section.path):
            if not isinstance(item, dict) or item.get("staff") is None:
                continue
            values = self.fields(User, item, where, section)
            email = values.get("email") if values else None
            if not isinstance(email, str):
                continue
            if email in self.accounts:
                self.note(where, f"the account {email} appears twice")
                continue
            user = self.kept_accounts.pop(email, None)
            if user is not None:
                for key, value in values.items():
                    setattr(user, key, value)
                self.accounts[email] = user
                continue
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = User(**values)
                db.session.add(user)
            elif user.staff is not None:
                self.note(
                    where,
                    f"an account for {email} already exists in this database, "
                    f"for {user.staff.name} at {user.staff.home_site.name}",
                )
                continue
            else:
                user.staff = values.get("staff")
                self.warnings.append(
                    f"the account {email} was here already; it is now linked to "
                    f"{item.get('name')} and keeps its password"
                )
            self.accounts[email] = user

    def named_accounts(self, section: _Section) -> None:
        """Accounts the site's records name: this database's own when it has the email."""
        for item, where in self.listed(section.raw, "accounts", section.path):
            if isinstance(item, dict) and item.get("staff") is not None:
                continue
            values = self.fields(User, item, where, section)
            email = values.get("email") if values else None
            if not isinstance(email, str) or email in self.accounts:
                continue
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = User(**values)
                db.session.add(user)
            self.accounts[email] = user

    def staff_records(self, section: _Section) -> None:
        """Skills, certifications, CE, goals, leave, requests, offers, sign-offs, calendar."""
        lists = (
            ("skills", StaffCompetency),
            ("certifications", Certification),
            ("ce_entries", CEEntry),
            ("goals", DevelopmentGoal),
            ("leave", Leave),
            ("requests", ShiftRequest),
            ("offers", VolunteerOffer),
            ("sign_offs", SignOff),
        )
        for person, item, where in section.staff:
            for name, model in lists:
                for entry, at in self.listed(item, name, where):
                    self.child(model, entry, at, person, section)
            if item.get("calendar_feed") is not None:
                self.child(
                    CalendarFeed, item["calendar_feed"], f"{where}.calendar_feed", person, section
                )

    def rotas(self, section: _Section) -> None:
        """Every rota version with its assignments, kept out of the session until ids exist."""
        for item, where in self.listed(section.raw, "rotas", section.path):
            values = self.fields(
                Rota, item, where, section, {"costs", "assignments"}, later={"based_on"}
            )
            if values is None:
                continue
            for problem in settings_problems(values.get("priorities")):
                self.note(f"{where}.priorities", problem)
            rota = Rota(**values)  # its site is set once the score breakdown can be written
            natural = (rota.week_start, rota.version)
            if natural in section.rotas:
                self.note(where, f"a second rota for the week of {natural[0]} version {natural[1]}")
                continue
            section.rotas[natural] = rota
            section.rota_rows.append((rota, item, where))
            for entry, at in self.listed(item, "assignments", where):
                values = self.fields(RotaAssignment, entry, at, section)
                if values is not None:
                    rota.assignments.append(RotaAssignment(**values))
        for rota, item, where in section.rota_rows:
            if item.get("based_on") is not None:
                rota.based_on = self.resolve(
                    "rotas", item["based_on"], f"{where}.based_on", section
                )
            section.costs.append((rota, self.costs(item.get("costs"), f"{where}.costs", section)))

    def costs(self, raw: Any, path: str, here: _Section) -> list | None:
        """A rota's score breakdown with each named row looked up (unknown ones kept inert)."""
        if raw is None:
            return None
        if not isinstance(raw, list):
            self.note(path, "should be a list")
            return None
        out = []
        for n, cost in enumerate(raw):
            at = f"{path}[{n}]"
            if not isinstance(cost, dict):
                self.note(at, "should be an object")
                continue
            tokens: list[tuple[dict, str, Any]] = []
            refs = cost.get("key_refs", [])
            if not isinstance(refs, list) or not isinstance(cost.get("key", ""), str):
                self.note(at, "key should be text and key_refs a list")
                continue
            for ref in refs:
                tokens.append(self.token(ref, at, here))
            used = [int(m) for m in PLACEHOLDER.findall(cost.get("key", ""))]
            if any(i >= len(tokens) for i in used):
                self.note(at, "the key names more rows than key_refs lists")
            subject = cost.get("subject")
            if subject is not None and not isinstance(subject, dict):
                self.note(at, "subject should be an object")
            for value in (subject or {}).values():
                if isinstance(value, dict):
                    tokens.append(self.token(value, at, here))
            out.append((cost, tokens))
        return out

    def token(self, ref: Any, path: str, here: _Section) -> tuple[dict, str, Any]:
        """A named row of the score breakdown: (its reference, kind, the row or None)."""
        if not isinstance(ref, dict) or len(ref) != 1 or next(iter(ref)) not in TOKEN_TARGET:
            self.note(path, f"{ref!r} is not a row reference")
            return {}, "", None
        kind, value = next(iter(ref.items()))
        target = TOKEN_TARGET[kind][0]
        row = None if value is None else self.resolve(target, value, path, here, strict=False)
        return ref, kind, row

    def finish_rotas(self, section: _Section) -> None:
        """Write each rota's score breakdown with this database's ids and add the rotas."""
        breakdowns = {id(rota): costs for rota, costs in section.costs}
        for rota, _item, _where in section.rota_rows:
            costs = breakdowns.get(id(rota))
            rota.costs = None if costs is None else [_render(c, t) for c, t in costs]
            rota.site = section.site
            db.session.add(rota)


def _render(cost: dict[str, Any], tokens: list[tuple[dict, str, Any]]) -> dict[str, Any]:
    """A score-breakdown item as stored: named rows back to solver ids of this database."""

    def solver_id(token: tuple[dict, str, Any]) -> str:
        ref, kind, row = token
        return IdMap.key(kind, row.id) if row is not None else inert_token(ref)

    out = {k: v for k, v in cost.items() if k != "key_refs"}
    key_tokens = tokens[: len(cost.get("key_refs", []))]
    subject_tokens = iter(tokens[len(key_tokens) :])
    if isinstance(cost.get("key"), str):
        out["key"] = PLACEHOLDER.sub(lambda m: solver_id(key_tokens[int(m.group(1))]), cost["key"])
    if isinstance(cost.get("subject"), dict):
        out["subject"] = {
            name: solver_id(next(subject_tokens)) if isinstance(value, dict) else value
            for name, value in cost["subject"].items()
        }
    return out


def _references_from_outside(sites: list[Site]) -> list[str]:
    """Records of other sites that name these sites' people, places or rotas, in words."""
    ids = [s.id for s in sites]
    staff = db.select(Staff.id).where(Staff.home_site_id.in_(ids))
    stations = db.select(Station.id).where(Station.site_id.in_(ids))
    shifts = db.select(ShiftType.id).where(ShiftType.site_id.in_(ids))
    duties = db.select(Duty.id).where(Duty.site_id.in_(ids))
    rotas = db.select(Rota.id).where(Rota.site_id.in_(ids))

    def of_others(model: type, condition: Any) -> Any:
        """Rows of a staff record kind that belong to people of other sites."""
        return (
            db.select(model)
            .join(Staff, model.staff_id == Staff.id)
            .where(Staff.id.not_in(staff), condition)
        )

    checks: list[tuple[Any, Any]] = [
        (
            db.select(Rota).where(
                Rota.site_id.not_in(ids),
                Rota.assignments.any(
                    sa.or_(
                        RotaAssignment.staff_id.in_(staff),
                        RotaAssignment.trainer_id.in_(staff),
                        RotaAssignment.station_id.in_(stations),
                        RotaAssignment.duty_id.in_(duties),
                        RotaAssignment.shift_type_id.in_(shifts),
                    )
                ),
            ),
            lambda r: (
                f"{r.site.name}'s rota for the week of {r.week_start} (version "
                f"{r.version}) places its people or uses its stations"
            ),
        ),
        (
            db.select(Rota).where(Rota.site_id.not_in(ids), Rota.based_on_id.in_(rotas)),
            lambda r: f"{r.site.name}'s rota for the week of {r.week_start} is based on its rota",
        ),
        (
            db.select(Duty).where(Duty.site_id.not_in(ids), Duty.people.any(Staff.id.in_(staff))),
            lambda d: f"the duty {d.name!r} at {d.site.name} lists its people",
        ),
        (
            of_others(StaffCompetency, StaffCompetency.signed_off_by_id.in_(staff)),
            lambda s: f"{s.staff.name}'s {s.competency.code} skill was signed off by its people",
        ),
        (
            of_others(SignOff, SignOff.signed_by_staff_id.in_(staff)),
            lambda s: f"a sign-off of {s.staff.name} was signed by its people",
        ),
        (
            of_others(
                VolunteerOffer,
                sa.or_(VolunteerOffer.station_id.in_(stations), VolunteerOffer.duty_id.in_(duties)),
            ),
            lambda o: f"{o.staff.name}'s offer for the week of {o.week_start} names its places",
        ),
        (
            of_others(Leave, Leave.shift_type_id.in_(shifts)),
            lambda x: f"{x.staff.name}'s leave from {x.start_date} names its shift type",
        ),
        (
            of_others(ShiftRequest, ShiftRequest.shift_type_id.in_(shifts)),
            lambda x: f"{x.staff.name}'s request for {x.on_date} names its shift type",
        ),
        (
            db.select(CoverRequirement).where(
                CoverRequirement.station_id.not_in(stations),
                CoverRequirement.shift_type_id.in_(shifts),
            ),
            lambda c: f"cover at {c.station.site.name}'s {c.station.name} uses its shift type",
        ),
        (
            db.select(ShiftType).where(
                ShiftType.site_id.not_in(ids),
                ShiftType.id.in_(
                    db.select(shift_type_forbidden_next.c.shift_type_id).where(
                        shift_type_forbidden_next.c.next_shift_type_id.in_(shifts)
                    )
                ),
            ),
            lambda s: f"{s.site.name}'s shift type {s.code} forbids one of its shift types next",
        ),
    ]
    out = []
    for query, describe in checks:
        rows = db.session.scalars(query).all()
        if rows:
            more = f" (and {len(rows) - 1} more like it)" if len(rows) > 1 else ""
            out.append(describe(rows[0]) + more)
    return out
