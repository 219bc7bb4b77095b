"""Security: CSRF, sign-in rate limits, cookies, headers, the secret key, technicians' privacy."""

from __future__ import annotations

import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from scheduler import create_app, security
from scheduler.clock import site_today
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import (
    CECategory,
    CEEntry,
    Competency,
    DevelopmentGoal,
    Leave,
    LeaveKind,
    OfferKind,
    RotaStatus,
    ShiftRequest,
    ShiftType,
    SkillLevel,
    Staff,
    Station,
    VolunteerOffer,
)
from scheduler.services import calendar as calendar_service

from .route_walk import Seeded, rules, seed, url_of

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


@pytest.fixture
def seeded(tiny_site, make_user, make_rota) -> Seeded:
    """The seeded site of the route walk (tests/web/route_walk.py)."""
    return seed(tiny_site, make_user, make_rota)


def token_from(page) -> str:
    """The CSRF token of the first form on a page."""
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, "no CSRF token on the page"
    return found.group(1)


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, to compare before and after."""
    db.session.rollback()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
        for table in db.metadata.sorted_tables
    }


def sign_in(client, email: str, password: str = "password-1", **kwargs):
    """Post the sign-in form."""
    return client.post("/auth/login", data={"email": email, "password": password}, **kwargs)


# ----- CSRF ---------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, client, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.post(
        "/auth/login",
        data={
            "email": "sue@example.org",
            "password": "password-1",
            "csrf_token": token_from(client.get("/auth/login")),
        },
    )
    assert page.status_code == 302  # signed in with the token from the form
    before = snapshot()
    posts = [(endpoint, rule) for endpoint, method, rule in rules(app) if method == "POST"]
    assert len(posts) > 30
    for endpoint, rule in posts:
        url = url_of(seeded, endpoint, rule)
        page = client.post(url, data={"note": "x"})
        assert page.status_code == 400, (endpoint, url, page.status_code)
        assert "nothing was saved" in page.get_data(as_text=True) or endpoint == "auth.login"
    assert snapshot() == before
    assert client.get("/staff/").status_code == 200  # the refused sign-out left us signed in


def test_a_post_with_the_token_from_its_form_goes_through(app, client, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/auth/login")
    page = client.post(
        "/auth/login",
        data={
            "email": "sue@example.org",
            "password": "password-1",
            "csrf_token": token_from(login_page),
        },
    )
    assert page.status_code == 302
    ben = db.session.scalar(db.select(Staff).where(Staff.name == "Ben"))
    person_page = client.get(f"/staff/{ben.id}")
    page = client.post(f"/staff/{ben.id}/deactivate", data={"csrf_token": token_from(person_page)})
    assert page.status_code == 302
    db.session.expire_all()
    assert ben.active is False
    page = client.post("/auth/logout", data={"csrf_token": token_from(client.get("/"))})
    assert page.status_code == 302
    assert client.get("/staff/").status_code == 302  # signed out


def test_an_expired_sign_in_form_says_so_on_the_sign_in_page(app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user("supervisor", email="sue@example.org")
    db.session.commit()
    page = sign_in(client, "sue@example.org")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "The sign-in form expired; please sign in again." in html
    assert 'value="sue@example.org"' in html  # what was typed is kept
    assert client.get("/").status_code == 302


# ----- sign-in rate limits ------------------------------------------------------------------------


def test_after_five_failed_sign_ins_the_account_waits_a_minute(client, make_user):
    make_user("supervisor", email="sue@example.org")
    make_user("pic", email="pat@example.org")
    db.session.commit()
    for _ in range(5):
        assert sign_in(client, "sue@example.org", "wrong-password").status_code == 200
    page = sign_in(client, "Sue@Example.org ")  # the right password, the same account
    html = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "Too many sign-in attempts for this account; try again in a minute." in html
    assert 'role="alert"' in html
    assert 0 < int(page.headers["Retry-After"]) <= 60
    assert 'name="password"' in html  # the form is still there
    assert client.get("/").status_code == 302  # not signed in
    assert sign_in(client, "pat@example.org").status_code == 302  # other accounts are not held


def test_only_a_wrong_email_and_password_counts_toward_the_limit(client, make_user):
    make_user("supervisor", email="sue@example.org")
    db.session.commit()
    for email in ["", "sue@example.org", "not-an-email"] * 4:  # no password, or no address
        assert client.post("/auth/login", data={"email": email}).status_code == 200
    assert sign_in(client, "sue@example.org").status_code == 302


def test_successful_sign_ins_do_not_count_toward_the_limit(client, make_user):
    make_user("supervisor", email="sue@example.org")
    db.session.commit()
    for _ in range(8):
        assert sign_in(client, "sue@example.org").status_code == 302
        assert client.post("/auth/logout").status_code == 302


def test_one_address_may_fail_sixty_times_a_minute_over_many_accounts(client):
    for n in range(60):
        assert sign_in(client, f"user{n}@example.org", "wrong-password").status_code == 200
    page = sign_in(client, "user60@example.org", "wrong-password")
    assert page.status_code == 429
    assert "Too many sign-in attempts from this network address" in page.get_data(as_text=True)
    other = sign_in(
        client, "user61@example.org", "wrong-password", environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert other.status_code == 200  # another address is not held


def test_the_limits_are_settings(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per minute"
    assert sign_in(client, "a@example.org", "x").status_code == 200
    assert sign_in(client, "b@example.org", "x").status_code == 200
    assert sign_in(client, "c@example.org", "x").status_code == 429


def test_the_limiter_uses_redis_when_configured_and_survives_its_absence(monkeypatch, tmp_path):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
    }
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/3")  # nothing listens there
    app = create_app(config)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/3"
    with app.app_context():
        db.create_all()
        page = sign_in(app.test_client(), "nobody@example.org", "wrong-password")
        assert page.status_code == 200  # counted in memory meanwhile, not a failed sign-in page
        db.engine.dispose()
    monkeypatch.delenv("REDIS_URL")
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "memory://"


# ----- cookies and headers ------------------------------------------------------------------------


def session_cookie(page) -> str:
    """The Set-Cookie header of the session cookie."""
    cookies = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, page.headers
    return cookies[-1]


def test_the_session_cookie_is_http_only_same_site_and_lasts_a_shift(app, client, make_user):
    make_user("supervisor", email="sue@example.org")
    db.session.commit()
    page = sign_in(client, "sue@example.org")
    cookie = session_cookie(page)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the development server is plain http
    assert "Expires=" in cookie  # a lasting session, ended after PERMANENT_SESSION_LIFETIME
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert "Strict-Transport-Security" not in page.headers


def test_secure_cookies_and_hsts_when_served_over_https(app, make_user, monkeypatch):
    make_user("supervisor", email="sue@example.org")
    db.session.commit()
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    secure = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True
    with secure.test_client() as client:
        page = sign_in(client, "sue@example.org", base_url="https://localhost")
        assert "Secure" in session_cookie(page)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with secure.app_context():  # close its connections (PostgreSQL warns of any left open)
        db.engine.dispose()


def test_pages_carry_the_security_headers_and_a_strict_content_policy(client):
    page = client.get("/auth/login")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in page.headers["Permissions-Policy"]
    error = client.get("/no/such/page")
    assert error.status_code == 404
    assert error.headers["X-Frame-Options"] == "DENY"


def test_no_template_needs_inline_script_style_or_handlers():
    """The content policy allows no inline code, so no template may rely on any."""
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
    )
    jinja = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")  # url_for(only=...) is not an onclick
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if inline.search(jinja.sub("", line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.needs_pdf
def test_the_calendar_feed_and_the_pdf_keep_working_with_the_headers(client, login, seeded):
    feed = client.get(url_of(seeded, "calendar.feed", "/calendar/feed/<token>.ics"))
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert feed.get_data().startswith(b"BEGIN:VCALENDAR")
    assert feed.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in feed.headers
    login("supervisor")
    rota_id = seeded.values["*"]["rota_id"]
    pdf = client.get(f"/print/rota/{rota_id}.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF")
    assert "Content-Security-Policy" not in pdf.headers
    pdf.close()


# ----- the secret key -----------------------------------------------------------------------------


def test_the_secret_key_is_made_once_in_the_instance_folder_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = Flask("probe", instance_path=str(tmp_path / "instance"))
    security.configure_secret_key(app)
    key_file = tmp_path / "instance" / "secret_key"
    key = app.config["SECRET_KEY"]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = Flask("probe", instance_path=str(tmp_path / "instance"))
    security.configure_secret_key(again)
    assert again.config["SECRET_KEY"] == key  # the next start reads the same key
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["secret_key"]  # no leftovers


def test_two_processes_starting_at_once_share_one_key(tmp_path, monkeypatch):
    key_file = tmp_path / "secret_key"
    real_link = security.os.link

    def other_process_wins(source, target):
        Path(target).write_text("the-other-process-key\n")
        real_link(source, target)

    monkeypatch.setattr(security.os, "link", other_process_wins)
    assert security.load_or_create_secret_key(key_file) == "the-other-process-key"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_an_empty_key_file_is_an_error_that_says_what_to_do(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("")
    with pytest.raises(RuntimeError, match="delete it and a new secret key will be made"):
        security.load_or_create_secret_key(key_file)


def test_config_then_environment_then_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = Flask("probe", instance_path=str(tmp_path))
    security.configure_secret_key(app)
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
    app = Flask("probe", instance_path=str(tmp_path))
    app.config["SECRET_KEY"] = "from-config"
    security.configure_secret_key(app)
    assert app.config["SECRET_KEY"] == "from-config"


def test_the_app_has_no_secret_key_written_in_its_code(tmp_path, monkeypatch):
    constant = re.compile(r"SECRET_KEY\s*[=:]\s*[\"']|SECRET_KEY\"\s*:\s*[\"']")
    for path in (ROOT / "scheduler").rglob("*.py"):
        assert not constant.search(path.read_text(encoding="utf-8")), path
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SECRET_KEY"] == "from-the-environment"


# ----- technicians' privacy -----------------------------------------------------------------------


@pytest.fixture
def two_technicians(tiny_site, make_user, make_rota):
    """Ann and Ben, technicians with accounts; Ben has leave, wishes, a goal, CE and a feed."""
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    ben = db.session.scalar(db.select(Staff).where(Staff.name == "Ben"))
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    fill = db.session.scalar(db.select(Station).where(Station.name == "Central fill"))
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    make_user("technician", email="ann@example.org", staff=ann, name="Ann")
    make_user("technician", email="ben@example.org", staff=ben, name="Ben")
    ahead = site_today(tiny_site) + timedelta(days=20)
    secret = "Ben-private-note"
    rows = {
        "leave": Leave(
            staff=ben, start_date=ahead, end_date=ahead, kind=LeaveKind.ANNUAL, note=secret
        ),
        "requests": ShiftRequest(staff=ben, on_date=ahead, want=False),
        "offers": VolunteerOffer(
            staff=ben,
            week_start=ahead - timedelta(days=ahead.weekday()),
            kind=OfferKind.EXTRA_SHIFTS,
            note=secret,
        ),
    }
    goal = DevelopmentGoal(
        staff=ben, competency=cf, target_level=SkillLevel.TRAINER, shifts_needed=3
    )
    ce = CEEntry(
        staff=ben,
        on_date=ahead - timedelta(days=40),
        hours=2.0,
        topic="Ben-private-course",
        category=CECategory.LAW,
    )
    db.session.add_all([*rows.values(), goal, ce])
    monday = monday_of(site_today(tiny_site))  # the calendar shows the weeks around today
    rows_by_day = [(ann, monday + timedelta(days=d), day, fill) for d in range(3)]
    rows_by_day += [(ben, monday + timedelta(days=d), day, fill) for d in range(3, 5)]
    make_rota(tiny_site, week_start=monday, status=RotaStatus.PUBLISHED, rows=rows_by_day)
    db.session.flush()
    ben_token = calendar_service.issue_token(ben)
    db.session.commit()
    return {"ann": ann, "ben": ben, "rows": rows, "token": ben_token, "secret": secret}


def test_a_technician_cannot_withdraw_another_technicians_wishes_by_id(client, two_technicians):
    assert sign_in(client, "ann@example.org").status_code == 302
    for kind, row in two_technicians["rows"].items():
        page = client.post(f"/me/{kind}/{row.id}/withdraw")
        assert page.status_code == 404, kind
    db.session.expire_all()
    ben = two_technicians["ben"]
    assert (len(ben.leave), len(ben.requests), len(ben.offers)) == (1, 1, 1)


def test_a_technicians_pages_show_only_their_own_data(client, two_technicians):
    assert sign_in(client, "ann@example.org").status_code == 302
    secret = two_technicians["secret"]
    for url in ("/me/", "/me/wishes", "/me/ce", "/calendar/", "/signoff/"):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert secret not in html, url
        assert "Ben-private-course" not in html, url
    ben = two_technicians["ben"]
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    for url in (
        f"/staff/{ben.id}",
        f"/signoff/{ben.id}/{cf.id}",
        f"/signoff/history?staff={ben.id}",
        "/sheets/staff.csv",
        "/staff/leave",
        "/staff/wishes",
        "/audit/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_technicians_forms_always_write_their_own_record(client, two_technicians):
    assert sign_in(client, "ann@example.org").status_code == 302
    ann, ben = two_technicians["ann"], two_technicians["ben"]
    today = site_today(ann.home_site)
    page = client.post(
        "/me/ce",
        data={
            "on_date": today.isoformat(),
            "hours": "1.5",
            "topic": "Sterile compounding",
            "category": "technician",
            "staff_id": ben.id,
            "staff": ben.id,
        },
    )
    assert page.status_code == 302
    ahead = today + timedelta(days=60)
    page = client.post(
        "/me/leave/new",
        data={
            "start_date": ahead.isoformat(),
            "end_date": ahead.isoformat(),
            "kind": "annual",
            "shift_type_id": "",
            "note": "",
            "staff_id": ben.id,
        },
    )
    assert page.status_code == 302
    db.session.expire_all()
    assert [e.topic for e in ann.ce_entries] == ["Sterile compounding"]
    assert [e.topic for e in ben.ce_entries] == ["Ben-private-course"]
    assert [lv.start_date for lv in ann.leave] == [ahead]
    assert len(ben.leave) == 1


def test_a_technicians_calendar_is_their_own_and_cannot_touch_anothers(client, two_technicians):
    assert sign_in(client, "ann@example.org").status_code == 302
    ben_feed = f"/calendar/feed/{two_technicians['token']}.ics"
    download = client.get("/calendar/download.ics")
    assert download.status_code == 200
    assert download.get_data(as_text=True).count("BEGIN:VEVENT") == 3  # Ann's three shifts
    assert client.post("/calendar/reset").status_code == 302
    assert client.post("/calendar/revoke").status_code == 302
    assert client.get(ben_feed).status_code == 200  # Ben's link is untouched
    ben_calendar = client.get(ben_feed).get_data(as_text=True)
    assert ben_calendar.count("BEGIN:VEVENT") == 2
    assert client.get("/calendar/feed/guessed-token.ics").status_code == 404
