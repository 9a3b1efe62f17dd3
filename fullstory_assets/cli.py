"""The ``fullstory-assets`` command: fill the local raw table (simulate, load), run the demo.

Bad input ends with one line on stderr (``fullstory-assets: error: ...``) and exit code 2,
before the warehouse is touched.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter
from typing import NoReturn

import duckdb
import pyarrow as pa

from fullstory_assets.demo import demo_command
from fullstory_assets.exports.gcs_store import default_gcs_client
from fullstory_assets.exports.s3_store import default_s3_client
from fullstory_assets.exports.stores import open_store
from fullstory_assets.loader import LoadError, load_events
from fullstory_assets.settings import SettingsError, load_settings
from fullstory_assets.simulate.definitions import definitions_command
from fullstory_assets.simulate.export import ExportWriteError, export_syncs, export_url
from fullstory_assets.simulate.history import build_deliveries
from fullstory_assets.simulate.live import replay_live
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.sync import apply_syncs, sync_times
from fullstory_assets.warehouses.duckdb import connect
from fullstory_assets.warehouses.raw_events import RAW_TABLE

PROG = "fullstory-assets"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message}\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def _hour(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or (moment.minute, moment.second) != (0, 0):
        raise argparse.ArgumentTypeError(
            f"invalid hour {text!r}: expected 'YYYY-MM-DD HH:00' (UTC)"
        )
    return moment


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


def _db(args: argparse.Namespace) -> Path:
    return args.db or load_settings().duckdb_path


def _table_rows(conn: duckdb.DuckDBPyConnection, schema: str) -> int:
    return conn.sql(f"select count(*) from {schema}.{RAW_TABLE}").fetchall()[0][0]


# ── simulate ────────────────────────────────────────────────────────────────────────────────────
def _simulate_command(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("simulate", help="simulate Fullstory hourly syncs into the raw table")
    cmd.add_argument("--start", type=_date, help="first event day, YYYY-MM-DD (default: settings)")
    cmd.add_argument("--days", type=_count(1), default=7, help="number of days (default 7)")
    cmd.add_argument("--events-per-day", type=_count(1), default=10_000, help="default 10000")
    cmd.add_argument("--seed", type=_count(0), default=0, help="random seed (default 0)")
    cmd.add_argument("--until", type=_hour, help="apply syncs up to this UTC hour (default: now)")
    cmd.add_argument("--db", type=Path, help="DuckDB file (default: settings)")
    cmd.add_argument(
        "--live", action="store_true", help="then apply the syncs still to come, one every few s"
    )
    cmd.add_argument("--interval", type=float, default=5.0, help="seconds per live sync (5)")
    cmd.add_argument(
        "--format",
        choices=("duckdb", "parquet"),
        default="duckdb",
        help="merge syncs into the DuckDB raw table (default), or write Fullstory's Parquet export",
    )
    cmd.add_argument(
        "--to",
        help="--format parquet: s3://bucket/prefix, gs://bucket/prefix or a directory "
        "(fullstory_<org_id>/...)",
    )
    cmd.set_defaults(handler=_simulate, fail=cmd.error)


def _simulate(args: argparse.Namespace) -> int:
    settings = load_settings()
    spec = SimulationSpec(
        args.start or settings.start_date, args.days, args.events_per_day, args.seed
    )
    # Syncs after the current hour have not happened yet: a simulation of "the last days up to
    # now" leaves them for later runs.
    until = args.until or datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    if (args.format == "parquet") != (args.to is not None):
        args.fail("--to goes with --format parquet, and --format parquet needs --to")
    if args.to is not None and (args.db or args.live):
        args.fail("--format parquet writes export folders: --db and --live do not apply")
    started = perf_counter()
    deliveries = build_deliveries(spec)
    if args.to is not None:
        return _export(args.to, settings.org_id, deliveries, until, started)
    with connect(_db(args)) as conn:
        applied = apply_syncs(conn, settings.raw_schema, deliveries, until=until)
        rows = _table_rows(conn, settings.raw_schema)
    seconds = perf_counter() - started
    span = f" ({applied[0]:%Y-%m-%d %H:%M} .. {applied[-1]:%Y-%m-%d %H:%M})" if applied else ""
    print(
        f"simulated {spec.total_events:,} events ({deliveries.num_rows:,} deliveries in "
        f"{len(sync_times(deliveries))} syncs); applied {len(applied)} syncs{span} up to "
        f"{until:%Y-%m-%d %H:%M}; raw table {rows:,} rows; {seconds:.1f} s, "
        f"{spec.total_events / seconds:,.0f} events/s"
    )
    if args.live:
        print(f"live: one simulated hourly sync every {args.interval:g} s (Ctrl-C to stop)")
        replay_live(_db(args), settings.raw_schema, deliveries, args.interval)
    return 0


def _export(to: str, org_id: str, deliveries: pa.Table, until: datetime, started: float) -> int:
    url = export_url(to, org_id)
    written = export_syncs(
        deliveries, open_store(url, default_s3_client, default_gcs_client), until=until
    )
    span = f" ({written[0]:%Y-%m-%d %H:%M} .. {written[-1]:%Y-%m-%d %H:%M})" if written else ""
    print(
        f"wrote {len(written)} sync folders{span} of {len(sync_times(deliveries))} up to "
        f"{until:%Y-%m-%d %H:%M} to {url}; {perf_counter() - started:.1f} s"
    )
    return 0


# ── load ────────────────────────────────────────────────────────────────────────────────────────
def _load_command(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("load", help="load CSV/Parquet Data Destinations rows as one sync")
    cmd.add_argument("path", help="a .csv or .parquet file, a directory of .parquet files, a glob")
    cmd.add_argument("--db", type=Path, help="DuckDB file (default: settings)")
    cmd.set_defaults(handler=_load)


def _load(args: argparse.Namespace) -> int:
    settings = load_settings()
    started = perf_counter()
    with connect(_db(args)) as conn:
        loaded = load_events(conn, settings.raw_schema, args.path)
        rows = _table_rows(conn, settings.raw_schema)
    seconds = perf_counter() - started
    print(f"loaded {loaded:,} rows as one sync; raw table {rows:,} rows; {seconds:.1f} s")
    return 0


COMMANDS = [_simulate_command, _load_command, demo_command, definitions_command]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand in ``COMMANDS``."""
    parser = _Parser(prog=PROG, description="Fill the local raw Fullstory events table.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (LoadError, SettingsError, ExportWriteError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except duckdb.IOException as exc:  # e.g. another process holds the DuckDB file
        print(f"{PROG}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
