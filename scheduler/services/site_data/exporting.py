"""Writing sites as a site file's data: each row's values and its links by natural key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ...extensions import db
from ...models import CalendarFeed, Competency, Rota, RotaPolicy, SignOff, Site, Staff, User
from .file_format import (
    FORMAT,
    NAME_FIELD,
    VERSION,
    SiteDataError,
    reference_columns,
    value_columns,
)
from .values import (
    KIND_BY_PREFIX,
    SOLVER_ID,
    TOKEN_PART,
    TOKEN_TARGET,
    iso_utc,
    token_of_inert,
    write_value,
)


def _by_id(rows: Iterable[Any]) -> list[Any]:
    """Rows in the order they were made."""
    return sorted(rows, key=lambda row: row.id)


def _sort_key(ref: Any) -> str:
    """A stable order for references that may be text or objects."""
    return json.dumps(ref, sort_keys=True)


def _now() -> str:
    """This moment, as the file writes timestamps."""
    return iso_utc(datetime.now(UTC))


def _envelope(body: dict[str, Any]) -> dict[str, Any]:
    """The file around one or more site sections."""
    return {"format": FORMAT, "version": VERSION, "exported_at": _now(), **body}


def export_site(site: Site) -> dict[str, Any]:
    """One site and everything that belongs to it, as JSON-ready data."""
    return _envelope({"site": _Exporter([site]).site(site)})


def export_sites(sites: Iterable[Site]) -> dict[str, Any]:
    """Several sites in one file, so references between them (a shared group) travel along."""
    chosen = list(sites)
    exporter = _Exporter(chosen)
    return _envelope({"sites": [exporter.site(site) for site in chosen]})


class _Exporter:
    """Writes site sections; staff keys are numbered across the whole file."""

    def __init__(self, sites: list[Site]) -> None:
        self.staff_keys: dict[int, str] = {}
        for site in sites:
            for person in _by_id(site.staff):
                self.staff_keys[person.id] = f"S{len(self.staff_keys) + 1}"
        self.users: set[int] = set()
        self.competencies: set[int] = set()

    def site(self, site: Site) -> dict[str, Any]:
        """A site section."""
        self.users, self.competencies = set(), set()
        out = self.row(site, site)
        policy = db.session.scalar(db.select(RotaPolicy).where(RotaPolicy.site_id == site.id))
        out["rota_policy"] = None if policy is None else self.row(policy, site)
        out["opening_hours"] = [self.row(h, site) for h in _by_id(site.opening_hours)]
        out["competencies"] = []  # filled last, with every competency the section names
        out["shift_types"] = [
            {
                **self.row(st, site),
                "forbidden_next": self.refs("shift_types", st.forbidden_next, site),
            }
            for st in _by_id(site.shift_types)
        ]
        out["stations"] = [
            {
                **self.row(st, site),
                "competencies": self.refs("competencies", st.competencies, site),
                "cover": [self.row(line, site) for line in _by_id(st.cover)],
            }
            for st in _by_id(site.stations)
        ]
        out["duties"] = [
            {
                **self.row(duty, site),
                "shift_types": self.refs("shift_types", duty.shift_types, site),
                "people": self.refs("staff", duty.people, site),
            }
            for duty in _by_id(site.duties)
        ]
        out["staff"] = [self.person(p, site) for p in _by_id(site.staff)]
        out["rotas"] = [self.rota(r, site) for r in site.rotas]
        out["accounts"] = self.accounts(site)
        out["competencies"] = self.catalogue(site)
        return out

    def row(self, obj: Any, here: Site) -> dict[str, Any]:
        """A record's values and its links by natural key."""
        model = type(obj)
        out = {key: write_value(getattr(obj, key)) for key, _column in value_columns(model)}
        for name, relation, target, _column in reference_columns(model):
            out[name] = self.ref(target, getattr(obj, relation), here)
        return out

    def refs(self, target: str, rows: Iterable[Any], here: Site) -> list[Any]:
        """References to a set of rows, in a stable order."""
        return sorted((self.ref(target, row, here) for row in rows), key=_sort_key)

    def ref(self, target: str, obj: Any, here: Site) -> Any:
        """How the file names a row: by natural key, with its site when it is elsewhere."""
        if obj is None:
            return None
        if target == "users":
            self.users.add(obj.id)
            return obj.email
        if target == "staff":
            key = self.staff_keys.get(obj.id)
            return key or {"site": obj.home_site.name, "name": obj.name}
        if target in NAME_FIELD:
            name = getattr(obj, NAME_FIELD[target])
            return (
                name
                if obj.site_id == here.id
                else {"site": obj.site.name, NAME_FIELD[target]: name}
            )
        if target == "competencies":
            self.competencies.add(obj.id)
            return obj.code
        if target == "rotas":
            out = {"week_start": obj.week_start.isoformat(), "version": obj.version}
            return out if obj.site_id == here.id else {"site": obj.site.name, **out}
        if target == "sites":
            return obj.name
        if target == "site_groups":
            return obj.name
        if target == "ratio_rule_sets":
            return self.row(obj, here)
        raise SiteDataError([f"the export does not know how to name a row of {target}"])

    def person(self, person: Staff, here: Site) -> dict[str, Any]:
        """A member of staff with everything recorded about them."""
        feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.staff_id == person.id))
        sign_offs = db.session.scalars(
            db.select(SignOff).where(SignOff.staff_id == person.id).order_by(SignOff.id)
        )
        return {
            "key": self.staff_keys[person.id],
            **self.row(person, here),
            "skills": [self.row(x, here) for x in _by_id(person.skills)],
            "certifications": [self.row(x, here) for x in _by_id(person.certifications)],
            "ce_entries": [self.row(x, here) for x in _by_id(person.ce_entries)],
            "goals": [self.row(x, here) for x in _by_id(person.goals)],
            "leave": [self.row(x, here) for x in _by_id(person.leave)],
            "requests": [self.row(x, here) for x in _by_id(person.requests)],
            "offers": [self.row(x, here) for x in _by_id(person.offers)],
            "sign_offs": [self.row(x, here) for x in sign_offs],
            "calendar_feed": None if feed is None else self.row(feed, here),
        }

    def rota(self, rota: Rota, here: Site) -> dict[str, Any]:
        """A rota version with its assignments and its score breakdown."""
        return {
            **self.row(rota, here),
            "costs": None if rota.costs is None else [self.cost(c, here) for c in rota.costs],
            "assignments": [self.row(a, here) for a in _by_id(rota.assignments)],
        }

    def cost(self, cost: dict[str, Any], here: Site) -> Any:
        """A score-breakdown item with its solver ids named by natural key instead."""
        if not isinstance(cost, dict):
            return cost
        out = dict(cost)
        key = cost.get("key")
        if isinstance(key, str):
            refs: list[dict] = []

            def swap(match: re.Match) -> str:
                token = self.token(match.group(0), here)
                if token is None:
                    return match.group(0)
                refs.append(token)
                return f"{{{len(refs) - 1}}}"

            out["key"] = TOKEN_PART.sub(swap, key)
            if refs:
                out["key_refs"] = refs
        subject = cost.get("subject")
        if isinstance(subject, dict):
            out["subject"] = {
                name: (self.token(value, here) or value) if isinstance(value, str) else value
                for name, value in subject.items()
            }
        return out

    def token(self, text: str, here: Site) -> dict | None:
        """A solver id ('st11') as {'station': 'Fill'}; None when the text is no solver id."""
        inert = token_of_inert(text)
        if inert is not None:
            return inert
        match = SOLVER_ID.fullmatch(text)
        if match is None:
            return None
        kind = KIND_BY_PREFIX[match.group(1)]
        target, model = TOKEN_TARGET[kind]
        return {kind: self.ref(target, db.session.get(model, int(match.group(2))), here)}

    def accounts(self, site: Site) -> list[dict[str, Any]]:
        """Accounts of the site's staff, and accounts its records name (approvers, signers)."""
        people = {p.id for p in site.staff}
        linked = db.session.scalars(db.select(User).where(User.staff_id.in_(people))).all()
        named = db.session.scalars(db.select(User).where(User.id.in_(self.users))).all()
        out = []
        for user in sorted({*linked, *named}, key=lambda u: u.email):
            entry = self.row(user, site)
            # only the site's own people are linked; an account named by the site's records
            # that belongs to someone elsewhere travels as a plain account
            entry["staff"] = self.staff_keys[user.staff_id] if user.staff_id in people else None
            out.append(entry)
        return out

    def catalogue(self, here: Site) -> list[dict[str, Any]]:
        """The competencies the section names, with their prerequisites, by code."""
        found: dict[int, Competency] = {}
        todo = [db.session.get(Competency, cid) for cid in self.competencies]
        while todo:
            comp = todo.pop()
            if comp is not None and comp.id not in found:
                found[comp.id] = comp
                todo.append(comp.prerequisite)
        return [self.row(c, here) for c in sorted(found.values(), key=lambda c: c.code)]


# ----- import ----------------------------------------------------------------------------
