"""Every route, walked as anonymous, technician, pharmacist-in-charge and supervisor.

The table below gives, for each (endpoint, method), the status each role gets,
written from reading each view. The walk uses real ids from a seeded site, so a
403 means "not for you" and never "there is no such thing". A route that is not
in the table fails the test until someone decides who may use it.

POSTs are sent without a form body (CSRF is off here; tests/web/test_security.py
checks CSRF): an allowed role gets past the role check and meets the view's own
answer (a redirect, a form re-shown with errors, 409 for a rota edit that does not
say which state of the rota it saw). An edit form whose record fills every field
reads an empty POST as those values (Flask-WTF falls back to the record when no
form is sent), so it saves the record unchanged and redirects. GETs are walked
first, then POSTs, each on rows of its own where it changes them, and signing out
last.
"""

from __future__ import annotations

import pytest

from scheduler.extensions import db
from scheduler.models import Certification, Leave, Staff

from .route_walk import Seeded, named, rules, seed, url_of, walk_order

ROLES = ("anonymous", "technician", "pic", "supervisor")
# Public on purpose: static files and the icon browsers ask for, signing in and out, and the
# calendar feed (calendar apps cannot sign in, so its secret token is the key; wrong tokens
# get 404: test_calendar.py). An invitation or reset link is opened before its person can sign
# in (its secret is the key; an unknown one gets a 404 page that says so: test_accounts.py).
PUBLIC = {
    "static",
    "main.favicon",
    "auth.login",
    "auth.logout",
    "calendar.feed",
    "accounts.welcome",
}
# Areas a technician may never open (their own pages live under /me, /calendar, /signoff).
MANAGER_AREAS = ("staff.", "skills.", "setup.", "rotas.", "printing.", "sheets.", "audit.")

# A page (200), Location: a redirect (302), Forbidden (403), Not found (404), a conflict (409),
# a form Corrected (422), Unreadable (400)
A, L, F, N, X, C, U = 200, 302, 403, 404, 409, 422, 400
# (endpoint, method): (anonymous, technician, pic, supervisor)
EXPECTED: dict[tuple[str, str], tuple[int, int, int, int]] = {
    ("static", "GET"): (A, A, A, A),
    ("main.favicon", "GET"): (A, A, A, A),
    # signing in: a signed-in account is sent on to the home page
    ("auth.login", "GET"): (A, L, L, L),
    ("auth.login", "POST"): (A, L, L, L),  # anonymous: the form again, fields in error
    ("auth.logout", "POST"): (L, L, L, L),
    ("main.index", "GET"): (L, L, A, A),  # the landing page; technicians are sent to /me
    # accounts: the supervisor manages them; everyone changes their own password; a link
    # sets a password without signing in (the walk's link is unknown: 404 with words)
    ("accounts.index", "GET"): (L, F, F, A),
    ("accounts.invite", "POST"): (L, F, F, A),  # nothing filled in: the page again, with errors
    ("accounts.role", "POST"): (L, F, F, L),  # no role chosen: back to the list, saying so
    ("accounts.deactivate", "POST"): (L, F, F, L),
    ("accounts.reactivate", "POST"): (L, F, F, L),
    ("accounts.reset", "POST"): (L, F, F, L),
    ("accounts.technicians", "GET"): (L, F, F, A),
    ("accounts.technicians", "POST"): (L, F, F, A),  # no email typed: the table again
    ("accounts.welcome", "GET"): (N, N, N, N),
    ("accounts.welcome", "POST"): (N, N, N, N),
    ("accounts.mine", "GET"): (L, A, A, A),
    ("accounts.mine", "POST"): (L, A, A, A),  # nothing filled in: the form again
    ("main.home_site", "POST"): (L, F, C, C),  # no site chosen: the home page, field in error
    # the audit log: managers only
    ("audit.index", "GET"): (L, F, A, A),
    # my calendar: everyone signed in; the supervisor's account has no staff record
    ("calendar.index", "GET"): (L, A, A, A),
    ("calendar.download", "GET"): (L, A, A, F),
    ("calendar.feed", "GET"): (A, A, A, A),
    ("calendar.reset", "POST"): (L, L, L, F),
    ("calendar.revoke", "POST"): (L, L, L, F),
    # my pages: the signed-in person's own staff record; withdraw is the technician's own leave
    ("me.index", "GET"): (L, A, A, A),
    ("me.ce", "GET"): (L, A, A, F),
    ("me.ce", "POST"): (L, A, A, F),
    ("me.wishes", "GET"): (L, A, A, F),
    ("me.new_leave", "GET"): (L, A, A, F),
    ("me.new_leave", "POST"): (L, A, A, F),
    ("me.new_request", "GET"): (L, A, A, F),
    ("me.new_request", "POST"): (L, A, A, F),
    ("me.new_offer", "GET"): (L, A, A, F),
    ("me.new_offer", "POST"): (L, A, A, F),
    ("me.withdraw", "POST"): (L, L, N, F),  # the PIC's staff record does not own that leave
    ("me.seen_changes", "POST"): (L, L, L, F),  # "I have seen this": back to my week
    # sign-off: a technician who is not a trainer in the competency is refused
    ("signoff.index", "GET"): (L, A, A, A),
    ("signoff.sign", "GET"): (L, F, A, A),
    ("signoff.sign", "POST"): (L, F, A, A),  # no level chosen: the form again
    ("signoff.history", "GET"): (L, F, A, A),
    # staff: managers read and decide on leave; only the supervisor edits
    ("staff.index", "GET"): (L, F, A, A),
    ("staff.person", "GET"): (L, F, A, A),
    ("staff.new", "GET"): (L, F, F, A),
    ("staff.new", "POST"): (L, F, F, A),
    ("staff.edit", "GET"): (L, F, F, A),
    ("staff.edit", "POST"): (L, F, F, A),
    ("staff.deactivate", "POST"): (L, F, F, L),
    ("staff.activate", "POST"): (L, F, F, L),
    ("staff.new_skill", "GET"): (L, F, F, A),
    ("staff.new_skill", "POST"): (L, F, F, A),
    ("staff.edit_skill", "GET"): (L, F, F, A),
    ("staff.edit_skill", "POST"): (L, F, F, A),  # no level sent: the form again, saying so
    ("staff.remove_skill", "POST"): (L, F, F, L),
    ("staff.new_certification", "GET"): (L, F, F, A),
    ("staff.new_certification", "POST"): (L, F, F, A),
    ("staff.edit_certification", "GET"): (L, F, F, A),
    ("staff.edit_certification", "POST"): (L, F, F, L),
    ("staff.delete_certification", "POST"): (L, F, F, L),
    ("staff.leave", "GET"): (L, F, A, A),
    ("staff.approve_leave", "POST"): (L, F, L, L),
    ("staff.refuse_leave", "POST"): (L, F, L, L),
    ("staff.cancel_leave", "POST"): (L, F, L, L),
    ("staff.new_leave", "GET"): (L, F, A, A),
    ("staff.new_leave", "POST"): (L, F, A, A),
    ("staff.wishes", "GET"): (L, F, A, A),
    # skills: managers read; only the supervisor edits
    # the guide "Create your pharmacy": the supervisor sets up; the levels grid is its page
    ("guide.start", "POST"): (L, F, F, L),
    ("guide.leave", "POST"): (L, F, F, L),
    ("guide.levels", "GET"): (L, F, F, A),
    ("guide.levels", "POST"): (L, F, F, L),  # nothing sent: the levels held, saved as they are
    ("skills.index", "GET"): (L, F, A, A),
    ("skills.matrix", "GET"): (L, F, A, A),
    ("skills.new", "GET"): (L, F, F, A),
    ("skills.new", "POST"): (L, F, F, A),
    ("skills.edit", "GET"): (L, F, F, A),
    ("skills.edit", "POST"): (L, F, F, L),
    # the walk's competency is needed by a station: archiving it is refused, saying so (409)
    ("skills.archive_competency", "POST"): (L, F, F, X),
    ("skills.restore_competency", "POST"): (L, F, F, L),  # not archived: nothing to do
    # set-up: the supervisor only
    ("setup.index", "GET"): (L, F, F, A),
    ("setup.new_site", "GET"): (L, F, F, A),
    ("setup.new_site", "POST"): (L, F, F, A),
    ("setup.site", "GET"): (L, F, F, A),
    ("setup.edit_site", "GET"): (L, F, F, A),
    ("setup.edit_site", "POST"): (L, F, F, L),
    ("setup.new_station", "GET"): (L, F, F, A),
    ("setup.new_station", "POST"): (L, F, F, A),
    ("setup.edit_station", "GET"): (L, F, F, A),
    ("setup.edit_station", "POST"): (L, F, F, L),
    ("setup.new_shift", "GET"): (L, F, F, A),
    ("setup.new_shift", "POST"): (L, F, F, A),
    ("setup.edit_shift", "GET"): (L, F, F, A),
    ("setup.edit_shift", "POST"): (L, F, F, A),
    ("setup.cover", "GET"): (L, F, F, A),
    ("setup.cover", "POST"): (L, F, F, L),  # an empty grid is valid: no weekday cover
    ("setup.date_cover", "POST"): (L, F, F, C),
    ("setup.delete_cover", "POST"): (L, F, F, L),
    ("setup.new_duty", "GET"): (L, F, F, A),
    ("setup.new_duty", "POST"): (L, F, F, A),
    ("setup.edit_duty", "GET"): (L, F, F, A),
    ("setup.edit_duty", "POST"): (L, F, F, A),
    # archiving and restoring: each archive is walked just before its restore
    ("setup.archive_station", "POST"): (L, F, F, L),
    ("setup.restore_station", "POST"): (L, F, F, L),
    ("setup.archive_shift", "POST"): (L, F, F, L),
    ("setup.restore_shift", "POST"): (L, F, F, L),
    ("setup.archive_duty", "POST"): (L, F, F, L),
    ("setup.restore_duty", "POST"): (L, F, F, L),
    ("setup.new_ratio_rule", "GET"): (L, F, F, A),
    ("setup.new_ratio_rule", "POST"): (L, F, F, A),
    ("setup.edit_ratio_rule", "GET"): (L, F, F, A),
    ("setup.edit_ratio_rule", "POST"): (L, F, F, A),
    ("setup.priorities", "GET"): (L, F, F, A),
    ("setup.priorities", "POST"): (L, F, F, C),  # nothing sent: the fairness window is asked for
    ("setup.reset_priorities", "POST"): (L, F, F, L),
    # rotas: managers read and publish, the PIC approves, the supervisor changes
    ("rotas.week", "GET"): (L, F, A, A),
    ("rotas.solve", "POST"): (L, F, F, C),  # no time limit given
    ("rotas.run", "GET"): (L, F, A, A),
    ("rotas.run_json", "GET"): (L, F, A, A),
    ("rotas.stop", "POST"): (L, F, F, L),
    ("rotas.move", "GET"): (L, F, F, A),
    ("rotas.move", "POST"): (L, F, F, X),  # edits say which state of the rota they saw
    ("rotas.pin", "POST"): (L, F, F, X),
    ("rotas.drop_pin", "POST"): (L, F, F, X),
    ("rotas.remove", "POST"): (L, F, F, X),
    ("rotas.absence", "GET"): (L, F, F, A),
    ("rotas.absence", "POST"): (L, F, F, C),
    ("rotas.replacements", "GET"): (L, F, F, A),
    ("rotas.assign", "POST"): (L, F, F, N),  # no person chosen
    ("rotas.submit", "POST"): (L, F, F, X),
    ("rotas.approve", "POST"): (L, F, X, F),
    ("rotas.publish", "POST"): (L, F, X, X),
    ("rotas.new_draft", "POST"): (L, F, F, X),
    ("rotas.approval_policy", "GET"): (L, F, F, A),
    ("rotas.approval_policy", "POST"): (L, F, F, L),  # unticked: no approval needed
    # printing and spreadsheets: managers; the staff import is the supervisor's
    ("printing.rota_page", "GET"): (L, F, A, A),
    ("printing.rota_pdf", "GET"): (L, F, A, A),
    ("printing.person_sheet", "GET"): (L, F, A, A),
    ("sheets.week_csv", "GET"): (L, F, A, A),
    ("sheets.week_xlsx", "GET"): (L, F, A, A),
    ("sheets.staff_csv", "GET"): (L, F, A, A),
    ("sheets.staff_xlsx", "GET"): (L, F, A, A),
    ("sheets.staff_import", "GET"): (L, F, F, A),
    ("sheets.staff_import", "POST"): (L, F, F, U),  # no file chosen
    ("sheets.staff_preview", "GET"): (L, F, F, L),  # an unknown upload: upload again
    ("sheets.staff_confirm", "POST"): (L, F, F, L),
    ("sheets.staff_cancel", "POST"): (L, F, F, L),
}


# ----- the walk ------------------------------------------------------------------------------


@pytest.fixture
def seeded(tiny_site, make_user, make_rota) -> Seeded:
    """The seeded site of the walk (tests/web/route_walk.py)."""
    return seed(tiny_site, make_user, make_rota)


# ----- the table itself ----------------------------------------------------------------------


def test_every_route_has_an_entry_and_every_entry_a_route(app):
    found = {(endpoint, method) for endpoint, method, _rule in rules(app)}
    assert sorted(found - set(EXPECTED)) == [], "new routes: add them to EXPECTED"
    assert sorted(set(EXPECTED) - found) == [], "routes gone: remove them from EXPECTED"


def test_the_table_keeps_the_house_rules():
    for (endpoint, method), statuses in EXPECTED.items():
        anonymous, technician, _pic, _supervisor = statuses
        if endpoint not in PUBLIC:
            assert anonymous == L, (endpoint, method)  # sent to sign in
        if endpoint.startswith(MANAGER_AREAS):
            assert technician == F, (endpoint, method)


# The roles that get the rota's PDF (printing.rota_pdf), made with WeasyPrint: their walks need
# its system libraries (see tests/system_parts.py).
PRINTING_ROLES = ("pic", "supervisor")


@pytest.mark.parametrize(
    "role",
    [pytest.param(r, marks=pytest.mark.needs_pdf) if r in PRINTING_ROLES else r for r in ROLES],
)
def test_each_role_gets_the_expected_status_everywhere(app, client, login, seeded, role):
    column = ROLES.index(role)
    if role != "anonymous":
        login(seeded.accounts[role])
    wrong = []
    for endpoint, method, rule in walk_order(app):
        url = url_of(seeded, endpoint, rule)
        page = client.open(url, method=method)
        page.close()  # a file response holds its file open until closed
        expected = EXPECTED[(endpoint, method)][column]
        if page.status_code != expected:
            wrong.append((endpoint, method, url, page.status_code, expected))
        elif role == "anonymous" and expected == L and endpoint not in PUBLIC:
            assert "/auth/login" in page.headers["Location"], (endpoint, url)
        db.session.rollback()  # read what the next request wrote, not what this one left
    assert not wrong, "(endpoint, method, url, got, expected):\n" + "\n".join(map(str, wrong))


def test_a_technician_is_refused_before_anything_is_changed(app, client, login, seeded):
    login(seeded.accounts["technician"])
    before = db.session.scalar(db.select(db.func.count(Leave.id)))
    for endpoint, method, rule in rules(app):
        if method == "POST" and EXPECTED[(endpoint, method)][1] == F:
            client.post(url_of(seeded, endpoint, rule)).close()
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == before
    assert db.session.scalar(db.select(db.func.count(Certification.id))) == 2
    assert named(Staff, "Ben").active is True
