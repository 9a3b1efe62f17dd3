"""Measuring processes: wall time, peak memory of a whole process tree, its child processes.

A step of the benchmark or a `dagster asset materialize` runs as a child process watched from
/proc every ``POLL_SECONDS``: the peak is the largest sum of memory over the tree (Dagster and its
dbt process are alive at the same time), and every descendant's lifetime is kept, so the dbt
process's own wall time can be split out of the Dagster run's.

Memory is each process's proportional set size (PSS): pages shared between processes count once
over the tree. Runs fork dbt from the Dagster process (fullstory_assets/dbt/forked.py), and the
child's resident set includes every page it still shares with its parent; summing resident sets
would count those pages twice.
"""

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_SECONDS = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared: times are noisy)."""
    return [round(value, 2) for value in os.getloadavg()]


def median(values: Sequence[float]) -> float:
    """The median, rounded for the report."""
    return round(statistics.median(values), 4)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Wall seconds of ``action()`` and its result."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def repeat(action: Callable[[], object], times: int) -> list[float]:
    """Wall seconds of ``times`` calls of ``action``."""
    return [round(timed(action)[0], 4) for _ in range(times)]


def _boot_time() -> float:
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("btime "):
                return float(line.split()[1])
    return 0.0


_BOOT = _boot_time()


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _memory_bytes(pid: int) -> int:
    """The process's PSS (Linux 4.14 and later), else its resident set."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _start_epoch(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return _BOOT + int(fields[19]) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


@dataclass
class ChildProcess:
    """A descendant seen while polling: its name, command line and lifetime (epoch seconds)."""

    pid: int
    name: str
    cmdline: str
    started: float
    last_seen: float
    peak_memory_bytes: int = 0

    @property
    def wall(self) -> float:
        """Seconds it lived (to within ``POLL_SECONDS`` at the end)."""
        return self.last_seen - self.started


@dataclass
class TreeUsage:
    """What one process tree used."""

    wall: float
    returncode: int
    peak_tree_bytes: int
    children: dict[int, ChildProcess] = field(default_factory=dict)

    @property
    def peak_tree_mb(self) -> float:
        """Peak of the summed memory (PSS) of the tree, MiB."""
        return round(self.peak_tree_bytes / 2**20, 1)

    def descendants_named(self, name: str) -> list[ChildProcess]:
        """Descendants of that process name (``comm``), oldest first."""
        found = [c for c in self.children.values() if c.name == name]
        return sorted(found, key=lambda child: child.started)


class _TreeWatcher(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.children: dict[int, ChildProcess] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(POLL_SECONDS)

    def sample(self) -> None:
        now = time.time()
        pending, total = [self.root], 0
        while pending:
            pid = pending.pop()
            memory = _memory_bytes(pid)
            total += memory
            if pid != self.root:
                child = self.children.get(pid)
                if child is None:
                    started = _start_epoch(pid) or now
                    child = self.children[pid] = ChildProcess(
                        pid, _name(pid), _cmdline(pid), started, now
                    )
                elif now - child.started < 5:
                    # Seen between fork and exec (or the rename of a forked dbt), a child still
                    # shows its parent's name and command line.
                    child.name = _name(pid) or child.name
                    child.cmdline = _cmdline(pid) or child.cmdline
                child.last_seen = now
                child.peak_memory_bytes = max(child.peak_memory_bytes, memory)
            pending.extend(_children(pid))
        self.peak = max(self.peak, total)


def run_watched(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> TreeUsage:
    """Run ``command`` to completion, watching its process tree; output goes to ``log_path``."""
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            list(command),
            env=dict(env) if env is not None else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )
        watcher = _TreeWatcher(process.pid)
        watcher.start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = process.wait()
        wall = time.perf_counter() - started
        watcher.stopped.set()
        watcher.join()
    finally:
        if log_path:
            log.close()
    return TreeUsage(wall, returncode, watcher.peak, watcher.children)


def self_peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
