"""Signing in and out, role checks, and the create-user and reset-password commands."""

from __future__ import annotations

import re

from scheduler.extensions import db
from scheduler.models import AccountRole, User


def test_anonymous_visitor_is_sent_to_sign_in(client):
    page = client.get("/")
    assert page.status_code == 302
    assert "/auth/login" in page.headers["Location"]


def test_sign_in_with_a_wrong_password_is_refused_beside_the_field(client, make_user):
    user = make_user("supervisor", email="sue@example.org")
    db.session.commit()
    page = client.post("/auth/login", data={"email": user.email, "password": "nope-nope"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "do not match an active account" in html
    assert 'aria-invalid="true"' in html
    assert 'value="sue@example.org"' in html  # what was typed is kept
    assert client.get("/").status_code == 302


def test_sign_in_goes_on_to_a_local_next_page_only(client, make_user):
    user = make_user("supervisor", email="sue@example.org")
    db.session.commit()
    creds = {"email": "SUE@example.org ", "password": "password-1"}
    page = client.post("/auth/login?next=https://evil.example/", data=creds)
    assert page.headers["Location"] == "/"
    client.post("/auth/logout")
    page = client.post("/auth/login?next=/auth/login", data={**creds, "email": user.email})
    assert page.headers["Location"] == "/auth/login"


def test_an_inactive_account_cannot_sign_in(client, make_user):
    make_user("supervisor", email="gone@example.org", active=False)
    db.session.commit()
    page = client.post("/auth/login", data={"email": "gone@example.org", "password": "password-1"})
    assert page.status_code == 200
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, login):
    login("supervisor")
    assert client.get("/").status_code == 200
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_create_user_command_hashes_the_password_and_links_staff(runner, tiny_site):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Ann@Example.org",
            "--name",
            "Ann",
            "--role",
            "technician",
            "--staff",
            "Ann",
            "--password",
            "correct-horse",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert user.email == "ann@example.org"
    assert user.role is AccountRole.TECHNICIAN
    assert user.staff.name == "Ann"
    assert user.password_hash != "correct-horse"
    assert user.check_password("correct-horse")


def test_create_user_command_rejects_bad_input_cleanly(runner, tiny_site):
    cases = [
        (["--role", "technician", "--password", "long-enough"], "needs --staff"),
        (["--role", "supervisor", "--password", "short-pw"], "Use at least 10 characters."),
        (["--role", "supervisor", "--password", "1234567890"], "list of common passwords"),
        (["--role", "supervisor", "--password", "x@example.org"], "your email address or your"),
        (
            ["--role", "supervisor", "--staff", "Nobody", "--password", "long-enough"],
            "no staff member named 'Nobody'",
        ),
        (["--role", "boss", "--password", "long-enough"], "Invalid value for '--role'"),
    ]
    for extra, message in cases:
        result = runner.invoke(
            args=["create-user", "--email", "x@example.org", "--name", "X", *extra]
        )
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_reset_password_command_prints_a_one_time_link_that_sets_a_password(
    client, runner, make_user
):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    result = runner.invoke(
        args=["reset-password", "ANN@example.org", "--base-url", "https://rota.example.org/"]
    )
    assert result.exit_code == 0, result.output
    assert "One-time password-reset link for Ann (ann@example.org), valid until" in result.output
    assert "shown only this once" in result.output
    (link,) = re.findall(
        r"^https://rota\.example\.org(/accounts/welcome/\S+)$", result.output, re.M
    )
    assert user_can_sign_in(client, "ann@example.org", "password-1")  # until the link is used

    new = "a quiet shelf of amber bottles"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    client.post("/auth/logout")
    assert user_can_sign_in(client, "ann@example.org", new)
    assert not user_can_sign_in(client, "ann@example.org", "password-1")
    db.session.expire_all()
    assert ann.check_password(new)


def test_reset_password_command_without_an_address_prints_the_path(runner, make_user):
    make_user("supervisor", email="sue@example.org", name="Sue")
    db.session.commit()
    result = runner.invoke(args=["reset-password", "sue@example.org"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^/accounts/welcome/\S+$", result.output, re.M)
    assert "Put the app's address in front of it (or give --base-url)." in result.output


def test_reset_password_command_refuses_clearly(runner, make_user):
    make_user("technician", email="gone@example.org", name="Gone", active=False)
    db.session.commit()
    cases = [
        (["nobody@example.org"], 1, "There is no account for nobody@example.org."),
        (["gone@example.org"], 1, "Gone's account is deactivated: reactivate it first."),
        (["gone@example.org", "--base-url", "rota.example.org"], 2, "with http:// or https://"),
    ]
    for args, code, message in cases:
        result = runner.invoke(args=["reset-password", *args])
        assert result.exit_code == code, result.output
        assert message in result.output
        assert "Traceback" not in result.output
        assert "/accounts/welcome/" not in result.output


def user_can_sign_in(client, email: str, password: str) -> bool:
    """Whether the sign-in form accepts the email and password (signed out after)."""
    page = client.post("/auth/login", data={"email": email, "password": password})
    client.post("/auth/logout")
    return page.status_code == 302


def test_demo_accounts_sign_in(client, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.remove()
    for email, password, role in [
        ("super@demo.pharmacy", "demo-super", "supervisor"),
        ("pic@demo.pharmacy", "demo-pic", "pic"),
        ("tech@demo.pharmacy", "demo-tech", "technician"),
    ]:
        page = client.post("/auth/login", data={"email": email, "password": password})
        assert page.status_code == 302, (email, page.get_data(as_text=True)[:500])
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert user.role.value == role
        client.post("/auth/logout")
    tech = db.session.scalar(db.select(User).where(User.email == "tech@demo.pharmacy"))
    assert tech.staff is not None
    assert tech.staff.role.value == "technician"
