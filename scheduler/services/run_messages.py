"""How a failed solve run words its reason: the set-up's faults one per line, or the error.

The engine refuses a problem with faults (``solver/faults.py``). A solve that meets
one fails its run with :data:`SETUP_FAULTS` and the faults one per line, so the
run's page, the week's page and the command line can all list them.
"""

from __future__ import annotations

from ..solver import ProblemError

SETUP_FAULTS = "This week's set-up has problems the engine cannot plan with:"


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
