"""An empty install leads to "Create your pharmacy", step by step, never to a command that wipes."""

from __future__ import annotations

from html import unescape

from scheduler.extensions import db


def test_an_empty_install_leads_to_creating_the_pharmacy(client, login):
    login("supervisor")
    html = unescape(client.get("/").get_data(as_text=True))
    assert "Create your pharmacy" in html
    assert "seed-demo" not in html  # a command that wipes the database is never suggested
    assert 'href="/setup/sites/new"' in html
    assert "No site yet." in html


def test_each_step_says_what_is_there_and_links_to_the_next(
    client, login, make_site, make_shift, make_competency, make_station
):
    site = make_site("Corner Pharmacy")
    make_shift(site, "D", (8, 0), (16, 0), name="Day")
    db.session.commit()
    login("supervisor")
    html = unescape(client.get("/").get_data(as_text=True))
    assert "Finish setting up your pharmacy" in html
    assert "1 shift type" in html
    assert "0 competencies" in html
    assert 'href="/skills/new"' in html
    fill = make_competency("CF", name="Central fill")
    make_station(site, "Central fill", [fill])
    db.session.commit()
    html = unescape(client.get("/").get_data(as_text=True))
    assert "1 station, 1 without cover yet" in html


def test_a_station_form_without_competencies_links_to_making_one(client, login, make_site):
    site = make_site("Corner Pharmacy")
    db.session.commit()
    login("supervisor")
    html = unescape(client.get(f"/setup/sites/{site.id}/stations/new").get_data(as_text=True))
    assert "Nothing to choose yet." in html
    assert 'href="/skills/new">Add a competency</a>' in html


def test_pharmacists_in_charge_do_not_get_the_set_up_steps(client, login):
    login("pic")
    assert "Create your pharmacy" not in client.get("/").get_data(as_text=True)
