"""The decision variables of a rota model, created only where a placement is possible."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from .problem import Level, Mode, Person, Problem, Station
from .reasons import competency_reason, unavailable_reason

AssignKey = tuple[str, int, str, str, Mode]  # person, day, shift, activity, mode
PairKey = tuple[str, str, int, str, str]  # trainer, trainee, day, shift, station
Block = tuple[str, str]  # (guard key, sentence): a rule that keeps a placement out


class RotaVars:
    """Booleans for who stands where, with indexes to query them.

    ``assign[(person, day, shift, activity, mode)]`` exists only when the person is
    available on that slot and may take that activity in that mode (qualified,
    trainable, or eligible for the duty) and, when ``prune`` is set, when the contract
    allows that shift type at all (a cap of 0 rules it out; the diagnostic solve keeps
    such placements so the cap can be named). ``works[(person, day, shift)]`` is the sum
    of a slot's assignments, ``on[(person, day)]`` whether they work that day, and
    ``pair[(trainer, trainee, day, shift, station)]`` says who supervises whom.
    An aggregate over a single variable is that variable itself, which halves the
    model when each slot has one possible placement.

    Without ``prune`` (the diagnostic solve) the placements that leave, a lapsed or
    missing competency rule out are made too, each listed in ``blocked`` with the
    rules that keep it out, so the placement family can post those rules as named,
    guarded constraints and a diagnosis can say "Ann is on leave on Tue 3 Mar".
    """

    def __init__(self, model: cp_model.CpModel, problem: Problem, prune: bool = True) -> None:
        self.model = model
        self.problem = problem
        self.prune = prune
        self.assign: dict[AssignKey, cp_model.IntVar] = {}
        self.works: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.on: dict[tuple[str, int], cp_model.IntVar] = {}
        self.pair: dict[PairKey, cp_model.IntVar] = {}
        self.training: dict[tuple[str, int, str], tuple[str, ...]] = {}  # (person, day, station)
        self.blocked: dict[AssignKey, list[Block]] = {}
        self._by_slot: dict[tuple[int, str], list[AssignKey]] = defaultdict(list)
        self._by_person: dict[str, list[AssignKey]] = defaultdict(list)
        self._by_activity: dict[tuple[int, str, str], list[AssignKey]] = defaultdict(list)
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
                            self.training[(person.id, day, station.id)] = learning
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
                    self.works[(person.id, day, st.id)] = works
                    day_vars.append(works)
                if day_vars:  # at most one shift a day
                    self.on[(person.id, day)] = self._total(day_vars, f"on[{person.id},{day}]")
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
        key = (person, day, shift, activity, mode)
        if blocks and not self.prune:
            self.blocked[key] = list(blocks)
        var = self.model.new_bool_var(f"x[{person},{day},{shift},{activity},{mode}]")
        self.assign[key] = var
        self._by_slot[(day, shift)].append(key)
        self._by_person[person].append(key)
        self._by_activity[(day, shift, activity)].append(key)
        return var

    def _create_pairs(self) -> None:
        p = self.problem
        for key in list(self.assign):
            person, day, shift, station, mode = key
            if mode is not Mode.TRAINEE:
                continue
            learning = self.training[(person, day, station)]
            for trainer in p.people:
                if trainer.id == person:
                    continue
                tkey = (trainer.id, day, shift, station, Mode.WORKS)
                if tkey in self.assign and p.can_train(trainer, learning, day):
                    self.pair[(trainer.id, person, day, shift, station)] = self.model.new_bool_var(
                        f"pair[{trainer.id},{person},{day},{shift},{station}]"
                    )

    # ----- queries -------------------------------------------------------

    def keys(
        self,
        person: str | None = None,
        day: int | None = None,
        shift: str | None = None,
        activity: str | None = None,
        mode: Mode | None = None,
    ) -> list[AssignKey]:
        """Assignment keys matching every given field."""
        if day is not None and shift is not None and activity is not None:
            pool: Iterable[AssignKey] = self._by_activity.get((day, shift, activity), ())
        elif day is not None and shift is not None:
            pool = self._by_slot.get((day, shift), ())
        elif person is not None:
            pool = self._by_person.get(person, ())
        else:
            pool = self.assign.keys()
        return [
            k
            for k in pool
            if (person is None or k[0] == person)
            and (day is None or k[1] == day)
            and (shift is None or k[2] == shift)
            and (activity is None or k[3] == activity)
            and (mode is None or k[4] == mode)
        ]

    def on_activity(self, activity: str, day: int) -> list[cp_model.IntVar]:
        """Assignment variables of a station or duty on a day, over every shift and mode."""
        return [
            self.assign[k]
            for st in self.problem.shift_types
            for k in self._by_activity.get((day, st.id, activity), ())
        ]

    def select(self, **fields) -> list[cp_model.IntVar]:
        """Assignment variables matching the fields of :meth:`keys`."""
        return [self.assign[k] for k in self.keys(**fields)]

    def worked(self, person: str, day: int, shift: str | None = None):
        """A 0/1 expression: the person works that day (or that slot)."""
        if shift is None:
            return self.on.get((person, day), 0)
        return self.works.get((person, day, shift), 0)

    def pairs(
        self,
        trainer: str | None = None,
        trainee: str | None = None,
        day: int | None = None,
        shift: str | None = None,
        station: str | None = None,
    ) -> list[tuple[PairKey, cp_model.IntVar]]:
        """Trainer-trainee pair variables matching every given field."""
        return [
            (k, v)
            for k, v in self.pair.items()
            if (trainer is None or k[0] == trainer)
            and (trainee is None or k[1] == trainee)
            and (day is None or k[2] == day)
            and (shift is None or k[3] == shift)
            and (station is None or k[4] == station)
        ]
