"""The home page."""

from __future__ import annotations

from datetime import date

from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import RotaStatus


def test_home_page_without_sites_says_how_to_start(client, login):
    login("supervisor")
    page = client.get("/")
    assert page.status_code == 200
    assert b"Create your pharmacy" in page.data
    assert b"seed-demo" not in page.data  # never a command that wipes the database


def test_home_page_lists_sites_and_rota_status(client, login, make_site, make_rota):
    login("supervisor")
    hospital = make_site("Riverside Hospital")
    make_site("Main Street Pharmacy", kind="retail", open_24_7=False)
    make_rota(hospital, week_start=monday_of(date.today()), status=RotaStatus.DRAFT)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Riverside Hospital" in html
    assert "Main Street Pharmacy" in html
    assert "Draft" in html
    assert "No rota" in html
    assert "(this week)" in html
    assert '<main id="content"' in html
