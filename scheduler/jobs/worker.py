"""``flask --app scheduler worker``: run solves from the Redis queue."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import click
from flask import current_app
from redis.exceptions import RedisError

from ..services.solve_runs import settings
from .redis_queue import serve


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty instead of waiting.")
@click.option("--name", default=None, help="Worker name (default: solver-HOST-PID).")
@click.option(
    "--queue",
    "queue_name",
    default=None,
    help="Queue to take solves from (default: SOLVE_QUEUE, or 'solves').",
)
@click.option(
    "--nice",
    type=click.IntRange(0, 19),
    default=None,
    help="Lower this worker's CPU priority by this much while it solves "
    "(default: SOLVE_NICE, or 10; 0 leaves it as it is).",
)
def worker_command(burst: bool, name: str | None, queue_name: str | None, nice: int | None) -> None:
    """Take solves from the Redis queue (REDIS_URL) and run them, one at a time."""
    conf = settings()
    if not conf.redis_url:
        raise click.ClickException(
            "REDIS_URL is not set, so solves run inside the web process and need no worker. "
            "Set it (for example REDIS_URL=redis://127.0.0.1:6379/0) for the web app and "
            "the workers alike."
        )
    if queue_name:
        conf = replace(conf, queue=queue_name)
    click.echo(f"Solve worker on queue {conf.queue!r} at {_safe(conf.redis_url)}.")
    try:
        serve(current_app._get_current_object(), conf, name=name, burst=burst, nice=nice)
    except RedisError as exc:
        raise click.ClickException(
            f"Redis at {_safe(conf.redis_url)} did not answer ({exc})."
        ) from exc
    except ValueError as exc:  # RQ: a live worker already has this name
        raise click.ClickException(str(exc)) from exc


def _safe(url: str) -> str:
    """A Redis URL without its password, for messages."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"
