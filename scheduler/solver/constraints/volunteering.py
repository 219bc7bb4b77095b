"""Volunteering honoured: a person who offered a duty, to train, or a station gets it at least once.

Each offer costs ``weight * weights.volunteer`` when the rota never gives the
person what they offered: the duty (any day), a trainee to supervise, or a shift
at the station (in any mode). Offers of extra shifts cost nothing here: the
workload family raises the person's maximum minutes instead.
"""

from __future__ import annotations

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Mode, Offer, OfferKind, Problem, Rota
from .base import ModelContext, SoftFamily, literal


def _term(problem: Problem, offer: Offer) -> tuple[str, int, str] | None:
    """The (key, weight, sentence) of an offer, or None when it carries no cost."""
    weight = offer.weight * problem.weights.volunteer
    if offer.kind is OfferKind.EXTRA_SHIFTS or weight <= 0:
        return None
    name = problem.person[offer.person].name
    if offer.kind is OfferKind.DUTY:
        duty = problem.duty[offer.duty].name
        text = f"{name} offered to take {duty} but is not given it"
    elif offer.kind is OfferKind.TRAIN:
        text = f"{name} offered to train others but supervises no trainee"
    else:
        where = problem.station[offer.station].name
        text = f"{name} offered to work at {where} but is not placed there"
    key = f"volunteering:{offer.person}:{offer.kind.value}"
    if offer.kind is OfferKind.DUTY:
        key += f":{offer.duty}"
    elif offer.kind is OfferKind.STATION:
        key += f":{offer.station}"
    return key, weight, literal(text)


def _honoured(offer: Offer, rota: Rota) -> bool:
    """Whether the rota gives the person what they offered at least once."""
    if offer.kind is OfferKind.TRAIN:
        return any(a.trainer == offer.person and a.mode is Mode.TRAINEE for a in rota.assignments)
    activity = offer.duty if offer.kind is OfferKind.DUTY else offer.station
    return any(a.person == offer.person and a.activity == activity for a in rota.assignments)


class VolunteeringFamily(SoftFamily):
    """Penalise each offered duty, training or station the rota never gives the volunteer."""

    name = "volunteering"
    title = "Volunteering honoured"

    def build(self, ctx: ModelContext) -> None:
        """Make one exact 'given at least once' flag per offer and price its absence."""
        v = ctx.vars
        for offer in ctx.problem.offers:
            term = _term(ctx.problem, offer)
            if term is None:
                continue
            key, weight, sentence = term
            if offer.kind is OfferKind.TRAIN:
                chances = [var for _k, var in v.pairs(trainer=offer.person)]
            else:
                activity = offer.duty if offer.kind is OfferKind.DUTY else offer.station
                chances = v.select(person=offer.person, activity=activity)
            subject = Subject(person=offer.person, activity=offer.duty or offer.station)
            if not chances:
                ctx.penalise(self.name, Rule.VOLUNTEERING, key, weight, 1, sentence, subject)
                continue
            given = ctx.model.new_bool_var(f"{key}:given")
            ctx.model.add_max_equality(given, chances)
            ctx.penalise(self.name, Rule.VOLUNTEERING, key, weight, 1 - given, sentence, subject)

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price each offer the rota never honours."""
        out = []
        for offer in problem.offers:
            term = _term(problem, offer)
            if term is None or _honoured(offer, rota):
                continue
            key, weight, sentence = term
            subject = Subject(person=offer.person, activity=offer.duty or offer.station)
            out.append(self.cost(problem, Rule.VOLUNTEERING, key, weight, 1, sentence, subject))
        return out
