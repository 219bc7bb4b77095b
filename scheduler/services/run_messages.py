"""How a failed solve run words its reason: the set-up's faults one per line, or the error.

The engine refuses a problem with faults (``solver/faults.py``). A solve that meets
one fails its run with :data:`SETUP_FAULTS` and the faults one per line, so the
run's page, the week's page and the command line can all list them. A solve that
found no rota fails its run the same way: :data:`NO_ROTA` and the conflicting rules
one per line, or one sentence saying why nothing was found.
"""

from __future__ import annotations

from ..solver import ProblemError

SETUP_FAULTS = "This week's set-up has problems the engine cannot plan with:"
NO_ROTA = "No rota keeps every hard rule, so nothing was stored. These rules conflict:"
NO_ROTA_IN_TIME = (
    "No rota was found in the time allowed, so nothing was stored; give the solver more time."
)
NO_ROTA_STOPPED = "Stopped before any rota was found, so nothing was stored."


def failure_message(exc: Exception) -> str:
    """A failed run's message: the set-up's faults one per line, or the error's type and text."""
    if isinstance(exc, ProblemError):
        return "\n".join([SETUP_FAULTS, *exc.faults])
    return f"{type(exc).__name__}: {exc}"


def listed_faults(message: str | None) -> list[str]:
    """The set-up faults a run's message lists ([] when it failed for another reason)."""
    if not message or not message.startswith(SETUP_FAULTS):
        return []
    return [line for line in message.splitlines()[1:] if line.strip()]


def no_rota_message(reasons: list[str], stopped: bool = False) -> str:
    """A run's message when its solve found no rota: the conflicting rules one per line."""
    if reasons:
        return "\n".join([NO_ROTA, *reasons])
    return NO_ROTA_STOPPED if stopped else NO_ROTA_IN_TIME


def listed_conflicts(message: str | None) -> list[str]:
    """The conflicting rules a run's message lists ([] when it failed for another reason)."""
    if not message or not message.startswith(NO_ROTA):
        return []
    return [line for line in message.splitlines()[1:] if line.strip()]
