"""The decision variables of a rota model, created only where a placement is possible."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ortools.sat.python import cp_model

from .problem import Level, Mode, Person, Problem, Station
from .reasons import competency_reason, unavailable_reason


class Placement(NamedTuple):
    """Where a person may stand: a station or duty on a day's shift, counted or as a trainee."""

    person: str
    day: int
    shift: str
    activity: str  # a station or duty id
    mode: Mode


class PersonShift(NamedTuple):
    """A person on one shift of one day."""

    person: str
    day: int
    shift: str


class Pairing(NamedTuple):
    """A trainer beside a trainee at a station on a day's shift."""

    trainer: str
    trainee: str
    day: int
    shift: str
    station: str


Block = tuple[str, str]  # (guard key, sentence): a rule that keeps a placement out


class RotaVars:
    """Booleans for who stands where, read through named queries.

    A :class:`Placement` variable exists only when the person is available on that
    slot and may take that activity in that mode (qualified, trainable, or eligible
    for the duty) and, when ``prune`` is set, when the contract allows that shift type
    at all (a cap of 0 rules it out; the diagnostic solve keeps such placements so the
    cap can be named). :meth:`on_shift` is the sum of a slot's placements,
    :meth:`on_day` whether the person works that day, and a :class:`Pairing` says who
    supervises whom. An aggregate over a single variable is that variable itself,
    which halves the model when each slot has one possible placement.

    Without ``prune`` (the diagnostic solve) the placements that leave, a lapsed or
    missing competency rule out are made too, each given by :meth:`blocked` with the
    rules that keep it out, so the placement family can post those rules as named,
    guarded constraints and a diagnosis can say "Ann is on leave on Tue 3 Mar".
    """

    def __init__(self, model: cp_model.CpModel, problem: Problem, prune: bool = True) -> None:
        self.model = model
        self.problem = problem
        self.prune = prune
        self._assign: dict[Placement, cp_model.IntVar] = {}
        self._works: dict[PersonShift, cp_model.IntVar] = {}
        self._on: dict[tuple[str, int], cp_model.IntVar] = {}  # (person, day)
        self._pair: dict[Pairing, cp_model.IntVar] = {}
        self._training: dict[tuple[str, int, str], tuple[str, ...]] = {}  # (person, day, station)
        self._blocked: dict[Placement, list[Block]] = {}
        self._by_slot: dict[tuple[int, str], list[Placement]] = defaultdict(list)
        self._by_person: dict[str, list[Placement]] = defaultdict(list)
        self._by_activity: dict[tuple[int, str, str], list[Placement]] = defaultdict(list)
        self._create()

    # ----- creation ------------------------------------------------------

    def _create(self) -> None:
        p = self.problem
        for person in p.people:
            for day in range(p.days):
                day_vars = []
                for st in p.shift_types:
                    away = self._away(person, day, st.id)
                    if away and self.prune:
                        continue
                    if self.prune and person.contract.max_shifts.get(st.id) == 0:
                        continue
                    slot_vars = []
                    for station in p.stations:
                        if station.site != st.site:
                            continue
                        missing = (
                            []
                            if p.can_work(person, station, day)
                            else (self._unqualified(person, station, day))
                        )
                        if not missing or missing[0][0]:
                            slot_vars.append(
                                self._new(
                                    person.id, day, st.id, station.id, Mode.WORKS, away + missing
                                )
                            )
                        learning = p.training_competencies(person, station, day)
                        if learning:
                            self._training[(person.id, day, station.id)] = learning
                            slot_vars.append(
                                self._new(person.id, day, st.id, station.id, Mode.TRAINEE, away)
                            )
                    for duty in p.duties:
                        if p.can_do_duty(person, duty, day, st.id):
                            slot_vars.append(
                                self._new(person.id, day, st.id, duty.id, Mode.WORKS, away)
                            )
                    if not slot_vars:
                        continue
                    works = self._total(slot_vars, f"works[{person.id},{day},{st.id}]")
                    self._works[PersonShift(person.id, day, st.id)] = works
                    day_vars.append(works)
                if day_vars:  # at most one shift a day
                    self._on[(person.id, day)] = self._total(day_vars, f"on[{person.id},{day}]")
        self._create_pairs()

    def _total(self, parts: list[cp_model.IntVar], name: str) -> cp_model.IntVar:
        """A boolean equal to the sum of ``parts`` (so at most one of them holds)."""
        if len(parts) == 1:
            return parts[0]
        total = self.model.new_bool_var(name)
        self.model.add(sum(parts) == total)
        return total

    def _away(self, person: Person, day: int, shift: str) -> list[Block]:
        """The leave or unavailability rule keeping a person off a slot, as a block."""
        reason = unavailable_reason(self.problem, person.id, day, shift)
        if reason is None:
            return []
        whole_day = (day, None) in person.unavailable
        key = f"{person.id}:{day}:leave" if whole_day else f"{person.id}:{day}:{shift}:away"
        return [(key, reason)]

    def _unqualified(self, person: Person, station: Station, day: int) -> list[Block]:
        """Why a person cannot count at a station on a day; [("", "")] when not diagnosing.

        Only for the diagnostic solve, and only at the person's own site: each
        competency the station needs that is missing, below independent or lapsed.
        """
        if self.prune or station.site != person.site:
            return [("", "")]
        on = self.problem.date_of(day)
        return [
            (f"{person.id}:{c}:competency", competency_reason(self.problem, person.id, c, day))
            for c in station.competencies
            if (person.skill(c, on) or 0) < Level.INDEPENDENT
        ]

    def _new(
        self,
        person: str,
        day: int,
        shift: str,
        activity: str,
        mode: Mode,
        blocks: list[Block] = (),
    ) -> cp_model.IntVar:
        key = Placement(person, day, shift, activity, mode)
        if blocks and not self.prune:
            self._blocked[key] = list(blocks)
        var = self.model.new_bool_var(f"x[{person},{day},{shift},{activity},{mode}]")
        self._assign[key] = var
        self._by_slot[(day, shift)].append(key)
        self._by_person[person].append(key)
        self._by_activity[(day, shift, activity)].append(key)
        return var

    def _create_pairs(self) -> None:
        p = self.problem
        for key in list(self._assign):
            person, day, shift, station, mode = key
            if mode is not Mode.TRAINEE:
                continue
            learning = self._training[(person, day, station)]
            for trainer in p.people:
                if trainer.id == person:
                    continue
                beside = Placement(trainer.id, day, shift, station, Mode.WORKS)
                if beside in self._assign and p.can_train(trainer, learning, day):
                    self._pair[Pairing(trainer.id, person, day, shift, station)] = (
                        self.model.new_bool_var(
                            f"pair[{trainer.id},{person},{day},{shift},{station}]"
                        )
                    )

    # ----- queries -------------------------------------------------------

    def keys(
        self,
        person: str | None = None,
        day: int | None = None,
        shift: str | None = None,
        activity: str | None = None,
        mode: Mode | None = None,
    ) -> list[Placement]:
        """The placements matching every given field, in the order they were made."""
        if day is not None and shift is not None and activity is not None:
            pool: Iterable[Placement] = self._by_activity.get((day, shift, activity), ())
        elif day is not None and shift is not None:
            pool = self._by_slot.get((day, shift), ())
        elif person is not None:
            pool = self._by_person.get(person, ())
        else:
            pool = self._assign.keys()
        return [
            k
            for k in pool
            if (person is None or k.person == person)
            and (day is None or k.day == day)
            and (shift is None or k.shift == shift)
            and (activity is None or k.activity == activity)
            and (mode is None or k.mode == mode)
        ]

    def select(self, **fields) -> list[cp_model.IntVar]:
        """The placement variables matching the fields of :meth:`keys`."""
        return [self._assign[k] for k in self.keys(**fields)]

    def placements(self, **fields) -> list[tuple[Placement, cp_model.IntVar]]:
        """The placements matching the fields of :meth:`keys`, each with its variable."""
        return [(k, self._assign[k]) for k in self.keys(**fields)]

    def items(self) -> Iterator[tuple[Placement, cp_model.IntVar]]:
        """Every placement with its variable, in the order they were made."""
        return iter(self._assign.items())

    def assignment(
        self, person: str, day: int, shift: str, activity: str, mode: Mode = Mode.WORKS
    ) -> cp_model.IntVar | None:
        """The variable of one placement, or None when that placement cannot be made."""
        return self._assign.get(Placement(person, day, shift, activity, mode))

    def works_at(self, person: str, day: int, shift: str, activity: str) -> cp_model.IntVar:
        """The variable of a person counted at a station or duty on a slot (it must exist)."""
        return self._assign[Placement(person, day, shift, activity, Mode.WORKS)]

    def trains_at(self, person: str, day: int, shift: str, station: str) -> cp_model.IntVar:
        """The variable of a person training at a station on a slot (it must exist)."""
        return self._assign[Placement(person, day, shift, station, Mode.TRAINEE)]

    def learning(self, person: str, day: int, station: str) -> tuple[str, ...]:
        """The competencies a person may train in at a station on a day (none: empty)."""
        return self._training.get((person, day, station), ())

    def blocked(self) -> Iterator[tuple[Placement, cp_model.IntVar, list[Block]]]:
        """Placements a rule keeps out (diagnostic solve only), each with its variable and rules."""
        return ((k, self._assign[k], blocks) for k, blocks in self._blocked.items())

    def on_activity(self, activity: str, day: int) -> list[cp_model.IntVar]:
        """Placement variables of a station or duty on a day, over every shift and mode."""
        return [
            self._assign[k]
            for st in self.problem.shift_types
            for k in self._by_activity.get((day, st.id, activity), ())
        ]

    def shifts(self) -> Iterator[tuple[PersonShift, cp_model.IntVar]]:
        """Every shift a person may work, with its 'works that shift' variable."""
        return iter(self._works.items())

    def on_shift(self, person: str, day: int, shift: str) -> cp_model.IntVar:
        """The variable 'the person works that shift' (the shift must be one they may work)."""
        return self._works[PersonShift(person, day, shift)]

    def on_day(self, person: str, day: int) -> cp_model.IntVar | None:
        """The variable 'the person works that day', or None when they cannot work it."""
        return self._on.get((person, day))

    def worked(self, person: str, day: int, shift: str | None = None):
        """A 0/1 expression: the person works that day (or that slot)."""
        if shift is None:
            return self._on.get((person, day), 0)
        return self._works.get(PersonShift(person, day, shift), 0)

    def pairing(
        self, trainer: str, trainee: str, day: int, shift: str, station: str
    ) -> cp_model.IntVar | None:
        """The variable 'the trainer supervises the trainee there', or None when they cannot."""
        return self._pair.get(Pairing(trainer, trainee, day, shift, station))

    def pairs(
        self,
        trainer: str | None = None,
        trainee: str | None = None,
        day: int | None = None,
        shift: str | None = None,
        station: str | None = None,
    ) -> list[tuple[Pairing, cp_model.IntVar]]:
        """Trainer-trainee pairings matching every given field, each with its variable."""
        return [
            (k, v)
            for k, v in self._pair.items()
            if (trainer is None or k.trainer == trainer)
            and (trainee is None or k.trainee == trainee)
            and (day is None or k.day == day)
            and (shift is None or k.shift == shift)
            and (station is None or k.station == station)
        ]
