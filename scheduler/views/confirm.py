"""The confirm step every leave form shares: the shifts the leave would uncover, before saving."""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template, request

from ..services.uncovered import UncoveredShift


def wants_change() -> bool:
    """Whether the confirm step's "Change what you entered" button sent the form back."""
    return request.form.get("change") == "yes"


def confirm_uncovered(
    *,
    heading: str,
    warning: str,
    uncovered: list[UncoveredShift],
    form,
    save_label: str,
    cancel_url: str,
    back_label: str,
    summary: str,
    notes: Iterable[str] = (),
):
    """The confirm page: what would be left uncovered, with Save anyway, Change and Cancel.

    ``form`` (posted and valid) has its values carried on in hidden fields; None for a
    one-button action such as approving a request.
    """
    return render_template(
        "_partials/leave_confirm.html",
        heading=heading,
        warning=warning,
        uncovered=uncovered,
        form=form,
        save_label=save_label,
        cancel_url=cancel_url,
        back_label=back_label,
        summary=summary,
        notes=list(notes),
    )
