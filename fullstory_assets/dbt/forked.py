"""Start the `fullstory-dbt` launcher by forking the run's own process instead of a new program.

dagster-dbt starts dbt with ``subprocess.Popen``: a new interpreter that imports dbt from nothing
(about 3 s here before dbt logs its first line). The run's process has imported most of dbt
already, because dagster-dbt does on import (``dagster_dbt/compat.py``), so a fork of it starts
dbt from there. Measured on partition runs at 100k events/day (medians of 6 alternated runs), the
run's time outside SQL went from 11.8 to 9.6 s.

The child is still a process of its own, as the launcher's is: it has its own environment,
working directory and exit code, writes dbt's JSON log lines to a pipe that dagster-dbt reads as
it reads the subprocess's, takes SIGINT from dagster-dbt when the run is interrupted, and a kill
leaves the warehouse as a killed dbt leaves it.

What the child inherits and must not use is set aside first: the parent's exit handlers (Dagster's
and every library's; only those registered in the child run at its end), its signal handlers and
its standard streams. A fork keeps only the thread that called it, so a lock another thread held
stays locked in the child: a process with threads the child might need does not fork
(``fork_refusal``).
"""

import atexit
import contextlib
import gc
import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import IO

import dagster_dbt.core.dbt_cli_invocation as dbt_cli_invocation
from dagster import get_dagster_logger

from fullstory_assets.dbt.launcher import leave, run_dbt

LAUNCHER_NAME = "fullstory-dbt"
# The child's exit code if it fails outside dbt's own handling (EX_SOFTWARE).
_CHILD_FAILED = 70
_WAIT_POLL_SECONDS = 0.05
# Threads of a run's process that the child can do without: they wait on their own objects,
# which nothing in the child touches. Dagster's run worker watches for the run's termination
# (dagster._utils.start_termination_thread), and the queue that carries its events to the code
# server has a feeder thread (multiprocessing.Queue; reset in the child by its after-fork hook).
_UNSHARED_THREADS = frozenset({"termination-handler", "QueueFeederThread"})


class ForkedDbt:
    """The part of ``subprocess.Popen`` dagster-dbt uses, for the launcher run in a forked child."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], cwd: str | Path) -> None:
        # What the child needs of dbt is imported here, once, so that no fork imports it again.
        import dbt.cli.main  # noqa: F401

        self.args = list(args)
        self.returncode: int | None = None
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(read_end)
                _run_child(self.args, env, cwd, write_end)
            finally:  # the child never returns into the parent's code, whatever happened
                os._exit(_CHILD_FAILED)
        os.close(write_end)
        self.stdout: IO[bytes] = os.fdopen(read_end, "rb")

    def poll(self) -> int | None:
        """The exit code, or None while the child runs."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child to end, at most ``timeout`` seconds; its exit code."""
        if timeout is None and self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(_WAIT_POLL_SECONDS)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the child unless it has ended (dagster-dbt sends SIGINT to interrupt dbt)."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        """SIGTERM, as ``Popen.terminate``."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL, as ``Popen.kill``."""
        self.send_signal(signal.SIGKILL)


def _run_child(args: list[str], env: Mapping[str, str], cwd: str | Path, output: int) -> None:
    """In the forked child: become the launcher with ``args`` and never return."""
    code = _CHILD_FAILED
    try:
        # dbt's log lines, and anything else printed, go to the pipe (stderr too, as dagster-dbt
        # asks of its subprocess); new stream objects, since the parent's may hold a lock.
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        _forget_parent_exit_work()
        gc.freeze()  # the parent's objects: never collected here, so never copied for it
        with contextlib.suppress(OSError):  # its name in ps and top, as the launcher's (Linux)
            Path("/proc/self/comm").write_text(LAUNCHER_NAME)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [*args]  # dbt logs its invocation from sys.argv
        code = run_dbt(args[1:])
    except BaseException as error:  # noqa: BLE001 - the child must end here whatever happened
        print(f"dbt ended in the forked process with {error!r}", file=sys.stderr)
    leave(code)


def _forget_parent_exit_work() -> None:
    """Drop what the parent registered to run at its exit; keep what a new process would have."""
    atexit._clear()
    # dbt takes multiprocessing locks (semaphores); a fresh interpreter releases them at exit
    # through multiprocessing's exit function, registered when the module is imported (in the
    # parent, so cleared above). Set up as multiprocessing's own fork start does for its children.
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        mp_util._finalizer_registry.clear()
        mp_util._run_after_forkers()
        atexit.register(mp_util._exit_function)


def fork_refusal() -> str | None:
    """Why this process must not fork dbt now, or None when it may.

    A fork copies every thread's memory but runs only the forking one, so a lock another thread
    holds, or a database it serves, is broken in the child. DuckDB runs its queries on threads of
    its own, outside Python, while a database is open; an open dbt-duckdb environment would be
    reused by dbt in the child, on a file whose lock stays with the parent. A run's process has
    neither while its dbt step starts, and its only other threads are known ones that wait on
    objects the child never uses (``_UNSHARED_THREADS``). A process that has run dbt or DuckDB
    itself (a test, a notebook) may have both, and starts dbt as a program instead.
    """
    if not hasattr(os, "fork"):
        return "this platform cannot fork"
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "its threads cannot be counted (no /proc)"
    python_threads = threading.enumerate()
    if threads != len(python_threads):
        return f"this process runs {threads - len(python_threads)} threads outside Python"
    others = sorted(
        thread.name
        for thread in python_threads
        if thread is not threading.current_thread() and thread.name not in _UNSHARED_THREADS
    )
    if others:
        return f"this process runs other threads: {', '.join(others)}"
    dbt_duckdb = sys.modules.get("dbt.adapters.duckdb.connections")
    if dbt_duckdb is not None and dbt_duckdb.DuckDBConnectionManager._ENV is not None:
        return "dbt-duckdb has a database open in this process"
    return None


def _popen(args: Sequence[str], **options) -> "ForkedDbt | subprocess.Popen":
    """``subprocess.Popen`` for dagster-dbt: the launcher is forked when it is safe (see above)."""
    if Path(args[0]).name == LAUNCHER_NAME:
        refusal = fork_refusal()
        if refusal is None:
            return ForkedDbt(args, env=options["env"], cwd=options["cwd"])
        get_dagster_logger().info(f"dbt starts as a new process: {refusal}")
    return subprocess.Popen(args, **options)


@contextmanager
def launcher_forked() -> Iterator[None]:
    """For the block, dagster-dbt starts the launcher by forking (see the module doc).

    dagster-dbt calls ``subprocess.Popen`` in one place (``DbtCliInvocation.run``), through its
    module's ``subprocess`` name; that name sees ``_popen`` for the block.
    """
    original = dbt_cli_invocation.subprocess
    dbt_cli_invocation.subprocess = SimpleNamespace(
        Popen=_popen, PIPE=subprocess.PIPE, STDOUT=subprocess.STDOUT
    )
    try:
        yield
    finally:
        dbt_cli_invocation.subprocess = original
