"""Simulated pharmacy staff for the load test: readers of rotas and supervisors generating them.

Run headless by ``scripts/loadtest/run.sh``; it needs ``LOADTEST_PLAN``, the JSON plan
written by ``prepare.py`` (accounts, the rotas to read, the weeks to solve).

* :class:`SupervisorReader` opens week pages with a rota, the print page, a person's
  sheet and the sites-and-weeks list.
* :class:`TechnicianReader` opens My week, their wishes, their CE log and calendar page.
* :class:`Generator` (a fixed number, 5 by default) reads its own week's page, posts
  the solve form with the page's CSRF token, opens the week page it is sent back to
  (which shows the solve live), polls the run's
  JSON progress once a second (as the page's script does) until it has finished,
  then opens the new version.

Each simulated user signs in once, with an account of its own (the sign-in rate
limits are per email and per address). Requests are named by page kind so the
statistics group them. Two extra entries of type ``SOLVE`` record whole solves:
``solve: queued to finished`` (its time is the seconds from the POST to the run's
end; a run that ends ``failed`` is an error) and ``solve refused: already running``
(the app's one-solve-per-week rule answered; an expected outcome, not an error).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from urllib.parse import urlsplit

from browse import ALREADY_RUNNING, Page, csrf_token, rota_page, run_id, week_page
from locust import FastHttpUser, between, events, task

POLL_SECONDS = 1.0
SOLVE_DEADLINE = float(os.environ.get("LOADTEST_SOLVE_DEADLINE", "600"))
SOLVE_SECONDS = float(os.environ.get("LOADTEST_SOLVE_SECONDS", "10"))
OWN_WEEK = "rota page (own week)"
THINK = tuple(float(s) for s in os.environ.get("LOADTEST_THINK", "2,5").split(","))


def _load_plan() -> dict:
    """The plan prepare.py wrote (an empty one when LOADTEST_PLAN is unset, e.g. --help)."""
    path = os.environ.get("LOADTEST_PLAN")
    if not path:
        return {
            "password": "",
            "supervisors": [],
            "technicians": [],
            "rotas": [],
            "solve_weeks": [],
        }
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


PLAN = _load_plan()


class AccountPool:
    """Hands out accounts in order so each simulated user signs in with its own."""

    def __init__(self, emails: list[str]) -> None:
        self.emails = emails
        self.counter = itertools.count()

    def next(self) -> str:
        """The next unused account (accounts are reused only when there are too few)."""
        if not self.emails:
            raise RuntimeError("the plan has no accounts of this kind; rerun prepare.py")
        return self.emails[next(self.counter) % len(self.emails)]


# Generators take supervisor accounts from the end of the list, readers from the start.
READER_ACCOUNTS = AccountPool(PLAN["supervisors"])
GENERATOR_ACCOUNTS = AccountPool(list(reversed(PLAN["supervisors"])))
TECHNICIAN_ACCOUNTS = AccountPool(PLAN["technicians"])
GENERATOR_INDEX = itertools.count()


def record_solve(user: FastHttpUser, name: str, started: float, error: str | None) -> None:
    """Record one whole solve (or a refusal) as a ``SOLVE`` entry in the statistics."""
    user.environment.events.request.fire(
        request_type="SOLVE",
        name=name,
        response_time=(time.monotonic() - started) * 1000,
        response_length=0,
        exception=RuntimeError(error) if error else None,
        context={},
    )


class SignedInUser(FastHttpUser):
    """A user that signs in once with its own account and then opens pages."""

    abstract = True
    wait_time = between(*THINK)

    def account(self) -> str:
        """The email this user signs in with."""
        raise NotImplementedError

    def on_start(self) -> None:
        """Sign in: read the form's CSRF token, post the email and password."""
        self.email = self.account()
        with self.client.get("/auth/login", name="sign-in form", catch_response=True) as page:
            token = csrf_token(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"no sign-in form (HTTP {page.status_code})")
                return
        with self.client.post(
            "/auth/login",
            data={"csrf_token": token, "email": self.email, "password": PLAN["password"]},
            name="sign in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"{self.email} not signed in (HTTP {answer.status_code})")

    def open(self, page: Page) -> str | None:
        """GET a page; anything but a 200 holding its marker is an error. Returns the HTML."""
        with self.client.get(
            page.path, name=page.name, allow_redirects=False, catch_response=True
        ) as answer:
            body = answer.text or ""
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
                return None
            if page.marker not in body:
                answer.failure(f"page without {page.marker!r}")
                return None
            return body


class SupervisorReader(SignedInUser):
    """A supervisor reading rotas: week pages, print pages, people's sheets, the overview."""

    weight = 3

    def account(self) -> str:
        """The next supervisor account from the start of the list."""
        return READER_ACCOUNTS.next()

    def rota(self) -> dict:
        """One of the rotas stored before the test (published weeks of both sites)."""
        return random.choice(PLAN["rotas"])

    @task(6)
    def week_page(self) -> None:
        """Open a week page with its wall chart, table by person and explanation."""
        rota = self.rota()
        self.open(rota_page(rota["site_id"], rota["week"]))

    @task(2)
    def print_page(self) -> None:
        """Open a rota's print layout: wall chart, every person's sheet, compliance."""
        self.open(Page(f"/print/rota/{self.rota()['rota_id']}", "print page"))

    @task(2)
    def person_sheet(self) -> None:
        """Open one person's sheet of a rota."""
        rota = self.rota()
        staff_id = random.choice(rota["staff_ids"])
        self.open(Page(f"/print/rota/{rota['rota_id']}/person/{staff_id}", "person sheet"))

    @task(1)
    def overview(self) -> None:
        """Open the sites-and-weeks list."""
        self.open(Page("/", "sites and weeks"))


class TechnicianReader(SignedInUser):
    """A technician reading their own pages."""

    weight = 2

    def account(self) -> str:
        """The next technician account."""
        return TECHNICIAN_ACCOUNTS.next()

    @task(4)
    def my_week(self) -> None:
        """My week: shifts this week and next, competencies, goals, certifications."""
        self.open(Page("/me/", "me page"))

    @task(2)
    def my_wishes(self) -> None:
        """My leave, requests and offers."""
        self.open(Page("/me/wishes", "me: wishes"))

    @task(1)
    def my_ce(self) -> None:
        """My continuing-education log."""
        self.open(Page("/me/ce", "me: CE log"))

    @task(1)
    def my_calendar(self) -> None:
        """My calendar link page."""
        self.open(Page("/calendar/", "me: calendar"))


class Generator(SignedInUser):
    """A supervisor generating one week's rota again and again, following each solve."""

    fixed_count = int(os.environ.get("LOADTEST_GENERATORS", "5"))

    def account(self) -> str:
        """The next supervisor account from the end of the list, and this user's week."""
        index = next(GENERATOR_INDEX)
        weeks = PLAN["solve_weeks"]
        self.target = weeks[index % len(weeks)] if weeks else None
        return GENERATOR_ACCOUNTS.next()

    @task
    def generate(self) -> None:
        """Read the week page, post the solve form, follow the run to its end, read the result."""
        if self.target is None:
            return
        site_id, week = self.target["site_id"], self.target["week"]
        page = self.open(week_page(site_id, week, OWN_WEEK))
        token = csrf_token(page or "")
        if token is None:
            return
        started = time.monotonic()
        with self.client.post(
            f"/rotas/{site_id}/{week}/solve",
            data={
                "csrf_token": token,
                "time_limit": f"{SOLVE_SECONDS:g}",
                "generate": "Generate a new rota",
            },
            name="solve form (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            location = answer.headers.get("Location") or answer.headers.get("location") or ""
            started_run = run_id(location)
            if answer.status_code != 302 or started_run is None:
                answer.failure(f"solve not started (HTTP {answer.status_code})")
                return
        path = urlsplit(location)
        run_page = self.open(Page(f"{path.path}?{path.query}", "week page following a solve"))
        if run_page is not None and ALREADY_RUNNING in run_page:
            record_solve(self, "solve refused: already running", started, None)
            return
        status = self.follow(started_run)
        if status is None:
            return  # the test ended first
        record_solve(
            self,
            "solve: queued to finished",
            started,
            f"run {started_run} {status}" if status == "failed" else None,
        )
        if status != "failed":
            self.open(rota_page(site_id, week, OWN_WEEK))

    def follow(self, run: int) -> str | None:
        """Poll the run's JSON progress once a second until it ends; its final status."""
        deadline = time.monotonic() + SOLVE_DEADLINE
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            with self.client.get(
                f"/rotas/runs/{run}.json",
                name="progress",
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code != 200:
                    answer.failure(f"HTTP {answer.status_code}")
                    continue
                try:
                    data = answer.json()
                except ValueError:
                    answer.failure("progress is not JSON")
                    continue
            if data.get("finished"):
                return str(data.get("status"))
        return None


@events.test_start.add_listener
def check_plan(environment, **_kwargs) -> None:
    """Refuse to start without a plan that has rotas to read and accounts to use."""
    if not PLAN["rotas"] or not PLAN["supervisors"]:
        raise RuntimeError("LOADTEST_PLAN has no rotas or accounts; run prepare.py first")
