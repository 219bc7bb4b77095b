"""Pins: assignments fixed by hand must appear in the rota exactly as pinned."""

from __future__ import annotations

from ..penalties import Subject, Violation
from ..problem import Assignment, Mode, Problem, Rota
from .base import HardFamily, ModelContext
from .placement import placement_reason


def pin_sentence(problem: Problem, pin: Assignment) -> str:
    """'Pin: Ben on Tue 3 Mar day at IV room (as a trainee beside Cat)'; its ids are known."""
    who = problem.person[pin.person].name
    when = problem.slot_label(pin.day, pin.shift)
    where = (problem.station.get(pin.activity) or problem.duty[pin.activity]).name
    text = f"Pin: {who} on {when} at {where}"
    if pin.mode == Mode.TRAINEE:
        trainer = problem.person[pin.trainer] if pin.trainer else None
        text += f" as a trainee beside {trainer.name}" if trainer else " as a trainee"
    return text


def _pair_reason(problem: Problem, pin: Assignment) -> str:
    """Why the pinned trainer cannot supervise the pinned trainee there."""
    trainer = problem.person[pin.trainer]
    works = Assignment(pin.trainer, pin.day, pin.shift, pin.activity)
    return placement_reason(problem, works) or f"{trainer.name} is not a signed-off trainer there"


def fix_placement(ctx: ModelContext, family: str, a: Assignment, sentence: str) -> None:
    """Post that an assignment (and a trainee's trainer) holds, as one named, guarded group.

    When the placement cannot exist (leave, a lapsed competency, no such trainer), a
    guarded falsehood says why: "... (impossible: Ann is on leave on Tue 3 Mar)".
    """
    p, v = ctx.problem, ctx.vars
    key = (a.person, a.day, a.shift, a.activity, a.mode)
    var = v.assignment(*key)
    pair = None
    reason = None
    if var is None:
        reason = placement_reason(p, a) or "no such placement is possible"
    elif a.mode == Mode.TRAINEE and a.trainer is not None:
        pair = v.pairing(a.trainer, a.person, a.day, a.shift, a.activity)
        if pair is None:
            reason = _pair_reason(p, a)
    if reason:
        sentence += f" (impossible: {reason})"
    lits = ctx.guard(family, "|".join(map(str, (*key, a.trainer))), sentence)
    if reason:
        ctx.model.add_bool_or([]).only_enforce_if(lits)
        return
    ctx.model.add(var == 1).only_enforce_if(lits)
    if pair is not None:
        ctx.model.add(pair == 1).only_enforce_if(lits)


class PinsFamily(HardFamily):
    """Each pinned assignment (and pinned trainer) holds; an impossible pin is named."""

    name = "pins"
    title = "Pinned assignments"

    def build(self, ctx: ModelContext) -> None:
        """Fix each pin's variable to 1, or post a guarded falsehood when it cannot exist."""
        for pin in ctx.problem.pins:
            fix_placement(ctx, self.name, pin, pin_sentence(ctx.problem, pin))

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every pin missing from the rota (or, for a trainee, beside another trainer).

        Only a trainee's pin names a trainer; a trainer on a working pin means nothing,
        as in the model.
        """
        present = {
            (a.person, a.day, a.shift, a.activity, a.mode): a.trainer for a in rota.assignments
        }
        out = []
        for pin in problem.pins:
            key = (pin.person, pin.day, pin.shift, pin.activity, pin.mode)
            subject = Subject(pin.person, pin.day, pin.shift, pin.activity)
            if key not in present:
                out.append(Violation(self.name, subject, f"{pin_sentence(problem, pin)}: missing"))
            elif (
                pin.mode is Mode.TRAINEE and pin.trainer is not None and present[key] != pin.trainer
            ):
                out.append(
                    Violation(
                        self.name,
                        subject,
                        f"{pin_sentence(problem, pin)}: another trainer was placed",
                    )
                )
        return out
