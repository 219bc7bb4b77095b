"""Tests of the fuzz harness itself (tests/web/fuzzing.py): forms read as a browser reads them,
values typed within a field's limits, snapshots that see and undo a change, messages found."""

from __future__ import annotations

from datetime import date, time

from scheduler.extensions import db
from scheduler.models import Competency

from .fuzzing import (
    APPEND_ONLY,
    Control,
    Outcome,
    PageForm,
    Sent,
    build_world,
    differences,
    forms_posting_to,
    hours_as_minutes,
    restore,
    run_examples,
    shows_a_message,
    snapshot,
    valid_values,
)

# ----- tests of the harness itself ------------------------------------------------------------


def test_a_form_is_read_like_a_browser_reads_it() -> None:
    """Inputs, selects, checkboxes, textareas, datalists and submit buttons, by action."""
    html = """
    <form method="post" action="/x/save?y=1">
      <input type="hidden" name="csrf_token" value="t">
      <input type="text" name="name" value="Ann &amp; Ben" maxlength="10" list="zones">
      <datalist id="zones"><option value="UTC"><option value="Europe/Paris"></datalist>
      <select name="role"><option value="a">A</option><option value="b" selected>B</option>
      </select>
      <input type="checkbox" name="days" value="0" checked><input type="checkbox" name="days"
      value="1"><textarea name="note">hello</textarea>
      <input type="submit" name="save" value="Save">
    </form>
    <form method="post" action="/other"><input name="other"></form>
    """
    form = forms_posting_to(html, "/x/save")
    assert form is not None
    assert set(form.controls) == {"csrf_token", "name", "role", "days", "note"}
    assert form.controls["name"].default == ["Ann & Ben"]
    assert form.controls["name"].values == ["UTC", "Europe/Paris"]
    assert form.controls["role"].values == ["a", "b"]
    assert form.controls["role"].default == ["b"]
    assert form.controls["days"].values == ["0", "1"]
    assert form.controls["days"].default == ["0"]
    assert form.controls["note"].default == ["hello"]
    assert form.submits == [("save", "Save")]
    assert forms_posting_to(html, "/missing") is None
    assert forms_posting_to(html, "/other", "/other?site=1") is not None
    blank = forms_posting_to('<form method="post"><input name="a"></form>', "/p", "/p?x=1")
    assert blank is not None
    assert set(blank.controls) == {"a"}


def test_dates_typed_keep_within_the_date_pickers_min_and_max() -> None:
    """A date control with a max (hours done: no day after today) is filled in up to it."""
    today = date(2026, 12, 6)
    picker = Control("on", "date", default=[""], attrs={"min": "2026-11-01", "max": "2026-12-06"})
    seen: list[date] = []

    def check(values: list[str]) -> None:
        """Each date drawn lies between the picker's min and max."""
        (value,) = values
        seen.append(date.fromisoformat(value))

    run_examples(valid_values(picker, today, []), check, 30)
    assert seen
    assert all(date(2026, 11, 1) <= d <= today for d in seen)


def test_a_snapshot_sees_a_changed_column_and_restore_puts_it_back(app, tiny_site) -> None:
    """A changed, a deleted and an added row are seen; restoring undoes all three."""
    world = build_world(tiny_site)
    before = snapshot()
    ann = world.people["Ann"]
    ann.name = "Ann changed"
    db.session.delete(world.cert)
    db.session.add(Competency(name="New", code="NEW", prerequisite=world.cf))
    world.cf.prerequisite = world.etp  # a link to a row of the same table, inserted later
    db.session.commit()
    changed = differences(before, snapshot())
    assert any("Ann changed" in line for line in changed)
    assert any(line.startswith("certifications removed") for line in changed)
    restore(before)
    after = snapshot()
    for name in APPEND_ONLY & set(after):
        after[name] = before[name]  # the audit log keeps its record of the change
    assert after == before


def test_sent_values_are_read_as_the_form_reads_them() -> None:
    """Numbers, dates, times, checkboxes, blank choices and ids read as WTForms reads them."""
    sent = Sent(
        [
            ("n", " 12 "),
            ("d", "2026-03-02"),
            ("t", "07:30"),
            ("c", "y"),
            ("s", ""),
            ("ids", "3"),
            ("ids", "1"),
            ("ids", "3"),
            ("h", "7.5"),
        ]
    )
    assert sent.integer("n") == 12
    assert sent.day("d") == date(2026, 3, 2)
    assert sent.clock("t") == time(7, 30)
    assert sent.ticked("c")
    assert not sent.ticked("missing")
    assert sent.choice_id("s") is None
    assert sent.ids("ids") == [1, 3]
    assert hours_as_minutes(sent.decimal("h")) == 450
    assert sent.text("missing") == ""
    shown = PageForm(
        "/p",
        "",
        {
            "name": Control("name", "text", default=["Ann"]),
            "ok": Control("ok", "checkbox", ["y"], default=["y"]),
        },
    )
    assert Sent([], shown).text("name") == "Ann"  # left out: the value shown is kept
    assert Sent([("name", "")], shown).text("name") == ""
    assert not Sent([], shown).ticked("ok")  # a checkbox left out is unticked
    assert Sent([], shown).given("ok")
    assert not Sent([], shown).given("name")
    assert Sent([("name", "")], shown).given("name")


def test_a_page_explains_itself_beside_a_field_in_a_flash_or_above_the_form() -> None:
    """Only a specific message counts: "correct the fields below" with none marked does not."""

    def says(html: str) -> bool:
        """Whether a page with this HTML explains itself."""
        return shows_a_message(Outcome(200, html, []))

    assert says('<p class="error" id="name-error"><span>Enter the name.</span></p>')
    assert says('<p class="flash flash-error">That leave was already approved.</p>')
    assert says('<p class="error-summary" role="alert">Too many sign-in attempts.</p>')
    assert not says(
        '<p class="error-summary" role="alert">Please correct the fields marked below.</p>'
    )
    assert not says('<p class="error" id="name-error"></p>')
