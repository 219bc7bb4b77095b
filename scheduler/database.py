"""Which database the app talks to: DATABASE_URL read as SQLAlchemy wants it, and engine options.

SQLite in the instance folder is the default. ``DATABASE_URL`` selects another
database; a PostgreSQL address written the usual way (``postgres://...`` or
``postgresql://...``, as hosting platforms and ``psql`` print it) is read with
the psycopg 3 driver, the one the app installs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url
from werkzeug.routing import IntegerConverter

POSTGRESQL_DRIVER = "postgresql+psycopg"
_BARE_POSTGRESQL = ("postgres", "postgresql")
# Ids and counts are INTEGER columns: PostgreSQL refuses a larger number outright (SQLite
# merely finds nothing), so a number from a request is checked against this range first.
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1


def database_url(url: str) -> str:
    """A database URL with PostgreSQL addresses given the psycopg 3 driver; others unchanged."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in _BARE_POSTGRESQL:
        return f"{POSTGRESQL_DRIVER}://{rest}"
    return url


def engine_options(url: str) -> dict[str, Any]:
    """Connection-pool settings for a database URL: a server's connections are checked first.

    A PostgreSQL connection can die while it sits in the pool (a server restart,
    an idle timeout on the way); ``pool_pre_ping`` replaces it before it is used
    and ``pool_recycle`` retires it after half an hour. SQLite needs neither.
    """
    if make_url(url).get_backend_name() == "postgresql":
        return {"pool_pre_ping": True, "pool_recycle": 1800}
    return {}


def database_int(text: str) -> int:
    """A whole number from a request that an INTEGER column can hold (ValueError otherwise).

    Use it as ``request.args.get("site", type=database_int)``: an id too large for
    the database then reads as no id at all, and the page answers 404 rather than 500.
    """
    number = int(text)
    if not INTEGER_MIN <= number <= INTEGER_MAX:
        raise ValueError(f"{number} is beyond the database's whole numbers")
    return number


def page_number(text: str) -> int:
    """A list's page number from a request: a whole number from 1 (ValueError otherwise).

    Use it as ``request.args.get("page", 1, type=page_number)`` and pass the result to
    ``db.paginate(page=...)``: a page past what the database can skip to reads as the
    first page instead of failing in the database.
    """
    number = database_int(text)
    if number < 1:
        raise ValueError(f"page {number} does not exist")
    return number


class DatabaseIntConverter(IntegerConverter):
    """The ``<int:...>`` URL part, limited to what an INTEGER column holds (larger: 404)."""

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INTEGER_MAX)
        super().__init__(url_map, *args, **kwargs)
