"""Shift requests: wishes to work or not work a shift, or a whole day, each with its own weight.

A request for a shift (want) costs its weight unless the person works exactly that
shift that day, so working another shift or being off both cost it (the
benchmark's ON request). A request against a shift (don't want) costs it when the
person works that shift (OFF request). A whole-day wish to work costs it when the
person is off; a day-off request costs it when they work any shift that day.
"""

from __future__ import annotations

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Problem, Request, Rota
from .base import ModelContext, SoftFamily, literal


def _key(request: Request) -> str:
    """A stable key for a request."""
    side = "on" if request.want else "off"
    return f"requests:{request.person}:{request.day}:{request.shift or '*'}:{side}"


def _sentence(problem: Problem, request: Request) -> str:
    """What a granted-against request says, in plain words."""
    name = problem.person[request.person].name
    if request.shift is None:
        when = problem.day_label(request.day)
        text = (
            f"{name} asked to work on {when} but is off"
            if request.want
            else f"{name} asked for {when} off but is rostered"
        )
    else:
        when = problem.slot_label(request.day, request.shift)
        text = (
            f"{name} asked to work {when} but does not"
            if request.want
            else f"{name} asked not to work {when} but is rostered"
        )
    return literal(text)


class RequestsFamily(SoftFamily):
    """Penalise each shift or day request the rota does not grant, by the request's weight."""

    name = "requests"
    title = "Shift requests"

    def build(self, ctx: ModelContext) -> None:
        """Price each request as one minus, or exactly, the person's work on that slot or day."""
        for request in ctx.problem.requests:
            if not request.weight:
                continue
            worked = ctx.vars.worked(request.person, request.day, request.shift)
            amount = 1 - worked if request.want else worked
            subject = Subject(request.person, request.day, request.shift)
            sentence = _sentence(ctx.problem, request)
            ctx.penalise(
                self.name, Rule.WISHES, _key(request), request.weight, amount, sentence, subject
            )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price each request against what the rota gives that person that day."""
        slots = {(a.person, a.day, a.shift) for a in rota.assignments}
        days = {(a.person, a.day) for a in rota.assignments}
        out = []
        for request in problem.requests:
            if not request.weight:
                continue
            if request.shift is None:
                worked = (request.person, request.day) in days
            else:
                worked = (request.person, request.day, request.shift) in slots
            if worked != request.want:
                subject = Subject(request.person, request.day, request.shift)
                out.append(
                    self.cost(
                        problem,
                        Rule.WISHES,
                        _key(request),
                        request.weight,
                        1,
                        _sentence(problem, request),
                        subject,
                    )
                )
        return out
