"""Supervision: every trainee stands beside one qualified trainer, who takes only so many."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..penalties import Subject, Violation
from ..problem import Mode, Problem, Rota
from .base import HardFamily, ModelContext


class SupervisionFamily(HardFamily):
    """Each trainee assignment is paired with exactly one trainer working at that station."""

    name = "supervision"
    title = "Trainees beside a trainer"

    def build(self, ctx: ModelContext) -> None:
        """Tie trainee assignments, trainer assignments and pair variables together."""
        p, v, model = ctx.problem, ctx.vars, ctx.model
        of_trainee = defaultdict(list)
        of_trainer = defaultdict(list)
        for (trainer, trainee, day, shift, station), pair in v.pairs():
            # A pair means both people stand at that station on that slot.
            model.add_implication(pair, v.works_at(trainer, day, shift, station))
            model.add_implication(pair, v.trains_at(trainee, day, shift, station))
            of_trainee[(trainee, day, shift, station)].append(pair)
            of_trainer[(trainer, day, shift)].append(pair)
        for (person, day, shift, station, _mode), x in v.placements(mode=Mode.TRAINEE):
            who, where = p.person[person], p.station[station]
            lits = ctx.guard(
                self.name,
                f"{person}:{day}:{shift}:{station}",
                f"{who.name} training at {where.name} on {p.slot_label(day, shift)} "
                "needs one trainer beside them",
            )
            pairs = of_trainee.get((person, day, shift, station), [])
            model.add(sum(pairs) == x).only_enforce_if(lits)
        for (trainer, day, shift), pairs in of_trainer.items():
            who = p.person[trainer]
            if len(pairs) <= who.max_trainees:
                continue
            lits = ctx.guard(
                self.name,
                f"{trainer}:{day}:{shift}:capacity",
                f"{who.name} can supervise at most {who.max_trainees} trainee(s) at once "
                f"({p.slot_label(day, shift)})",
            )
            capacity = who.max_trainees * v.worked(trainer, day, shift)
            model.add(sum(pairs) <= capacity).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Trainees without a trainer, unqualified or absent trainers, overloaded trainers."""
        out = []
        works_at = {
            (a.person, a.day, a.shift, a.activity) for a in rota.assignments if a.mode == Mode.WORKS
        }
        load: Counter[tuple[str, int, str]] = Counter()
        for a in rota.assignments:
            if a.mode != Mode.TRAINEE or a.person not in problem.person:
                continue
            if a.activity not in problem.station or a.shift not in problem.shift:
                continue  # placement reports it
            who, station = problem.person[a.person], problem.station[a.activity]
            subject = Subject(a.person, a.day, a.shift, a.activity)
            when = problem.slot_label(a.day, a.shift)
            where = f"{who.name}'s training at {station.name} on {when}"
            if a.trainer is None or a.trainer == a.person:
                out.append(Violation(self.name, subject, f"{where} has no trainer"))
                continue
            trainer = problem.person.get(a.trainer)
            if trainer is None:
                sentence = f"{where} names unknown trainer '{a.trainer}'"
                out.append(Violation(self.name, subject, sentence))
                continue
            load[(a.trainer, a.day, a.shift)] += 1
            if (a.trainer, a.day, a.shift, a.activity) not in works_at:
                out.append(
                    Violation(
                        self.name,
                        subject,
                        f"{where}: {trainer.name} is not working at {station.name}",
                    )
                )
            learning = problem.training_competencies(who, station, a.day)
            if not problem.can_train(trainer, learning, a.day):
                out.append(
                    Violation(
                        self.name,
                        subject,
                        f"{where}: {trainer.name} is not a signed-off trainer there",
                    )
                )
        for (trainer, day, shift), n in load.items():
            most = problem.person[trainer].max_trainees
            if n > most:
                out.append(
                    Violation(
                        self.name,
                        Subject(trainer, day, shift),
                        f"{problem.person[trainer].name} supervises {n} trainees on "
                        f"{problem.slot_label(day, shift)}; at most {most}",
                    )
                )
        return out
