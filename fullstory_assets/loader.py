"""Load Fullstory Data Destinations rows from CSV or Parquet files into the raw table, as one sync.

Files are read and checked in a scratch in-memory DuckDB first, so a bad file never touches the
warehouse; only a fully parsed batch reaches ``merge_into_raw`` (one transaction).
"""

import glob
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from fullstory_assets.warehouses.duckdb import merge_into_raw
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
ID_COLUMNS = [name for name, kind in RAW_COLUMNS.items() if kind == "BIGINT"]
TIME_COLUMNS = [name for name, kind in RAW_COLUMNS.items() if kind == "TIMESTAMP"]
_INCOMING = "__loaded_events"


class LoadError(ValueError):
    """The input cannot be loaded; the message says why, in one line."""


def resolve_files(path: str | Path) -> tuple[str, list[Path]]:
    """The kind (csv or parquet) and files of ``path``: a file, a Parquet directory or a glob."""
    target = Path(path)
    if target.is_dir():
        files = sorted(target.rglob("*.parquet"))
        if not files:
            raise LoadError(f"no .parquet files under directory {path}")
    elif target.is_file():
        files = [target]
    elif glob.has_magic(str(path)):
        files = sorted(Path(f) for f in glob.glob(str(path), recursive=True) if Path(f).is_file())
        if not files:
            raise LoadError(f"no files match {path}")
    else:
        raise LoadError(f"no such file or directory: {path}")
    kinds = {SUFFIXES.get(f.suffix.lower()) for f in files}
    if None in kinds:
        raise LoadError(f"{path}: expected .csv or .parquet files")  # e.g. a stray .json
    if len(kinds) > 1:
        raise LoadError(f"{path}: mixes CSV and Parquet files; load them separately")
    return kinds.pop(), files


def _scan(conn: duckdb.DuckDBPyConnection, kind: str, files: list[Path]) -> duckdb.DuckDBPyRelation:
    names = [str(f) for f in files]
    if kind == "csv":
        # all_varchar: ids stay exact text until DuckDB casts them; nothing goes through a float.
        return conn.read_csv(
            names,
            header=True,
            all_varchar=True,
            delimiter=",",
            quotechar='"',
            escapechar='"',
            union_by_name=True,
        )
    return conn.read_parquet(names, union_by_name=True, hive_partitioning=False)


def _columns(relation: duckdb.DuckDBPyRelation) -> dict[str, str]:
    """Raw column name -> the file's column name; names match case-insensitively (Snowflake)."""
    found = {name.lower(): name for name in relation.columns}
    missing = [name for name in RAW_COLUMNS if name not in found]
    unexpected = [name for key, name in found.items() if key not in RAW_COLUMNS]
    if missing or unexpected:
        parts = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(unexpected)}" if unexpected else "",
        ]
        raise LoadError("wrong columns: " + "; ".join(p for p in parts if p))
    kinds = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
    inexact = [n for n in ID_COLUMNS if kinds[found[n]].startswith(("FLOAT", "DOUBLE", "DECIMAL"))]
    if inexact:
        raise LoadError(f"{', '.join(inexact)}: ids must be 64-bit integers, not floats/decimals")
    return {name: found[name] for name in RAW_COLUMNS}


def _parse(name: str, raw: str) -> str:
    """SQL parsing the text of raw column ``raw`` into column ``name``'s type (NULL if invalid)."""
    text = f"nullif(trim(cast({raw} as varchar)), '')"
    if name in ID_COLUMNS:  # digits only: try_cast alone would accept '1.5' or '1e18'
        integer = f"regexp_full_match({text}, '-?[0-9]{{1,19}}')"
        return f"case when {integer} then try_cast({text} as bigint) end"
    if name in TIME_COLUMNS:
        # Digits are epoch milliseconds (object-storage updated_time); text without a zone is UTC.
        epoch = f"regexp_full_match({text}, '-?[0-9]{{1,14}}(\\.[0-9]*)?')"
        millis = f"make_timestamp(cast(cast({text} as decimal(38,3)) * 1000 as bigint))"
        iso = f"try_cast(try_cast({text} as timestamptz) as timestamp)"
        return f"case when {epoch} then {millis} else {iso} end"
    return f"cast({raw} as varchar)"


def read_events(path: str | Path) -> pa.Table:
    """Read and check Data Destinations rows from ``path``, typed like the raw table.

    Args:
        path: A CSV or Parquet file, a directory (its ``*.parquet`` files, recursively) or a glob.

    Returns:
        The rows with exactly the ``RAW_COLUMNS`` (``updated_time`` may be NULL).

    Raises:
        LoadError: Missing files, a wrong column set, unreadable files, or values that do not
            parse (ids must be 64-bit integers, times ISO timestamps or epoch milliseconds).
    """
    kind, files = resolve_files(path)
    with duckdb.connect() as conn:
        conn.execute("set timezone = 'UTC'")
        try:
            relation = _scan(conn, kind, files)
            source = _columns(relation)
            relation.to_table("source")  # reads every file now, so unreadable input fails here
        except duckdb.Error as exc:
            raise LoadError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
        checked = ID_COLUMNS + TIME_COLUMNS
        quoted = {name: '"' + source[name].replace('"', '""') + '"' for name in RAW_COLUMNS}
        select = ", ".join(f"{_parse(name, quoted[name])} as {name}" for name in RAW_COLUMNS)
        raws = ", ".join(f"cast({quoted[name]} as varchar) as raw_{name}" for name in checked)
        conn.execute(f"create temp table parsed as select {select}, {raws} from source")
        for name in checked:
            bad, example = conn.sql(
                f"select count(*), any_value(raw_{name}) from parsed "
                f"where {name} is null and nullif(trim(raw_{name}), '') is not null"
            ).fetchall()[0]
            if bad:
                expected = "a 64-bit integer" if name in ID_COLUMNS else "a timestamp"
                raise LoadError(f"{name}: {bad} value(s) are not {expected}, e.g. {example!r}")
        if conn.sql("select count(*) from parsed where event_id is null").fetchall()[0][0]:
            raise LoadError("event_id: empty on some rows")
        return conn.sql(f"select {', '.join(RAW_COLUMNS)} from parsed").to_arrow_table()


def load_events(
    conn: duckdb.DuckDBPyConnection,
    schema: str,
    path: str | Path,
    load_time: datetime | None = None,
) -> int:
    """Merge the rows of ``path`` into the raw table as one sync; returns how many were read.

    Args:
        conn: Open DuckDB connection to the warehouse.
        schema: Schema of the raw ``events`` table (created if missing).
        path: See ``read_events``.
        load_time: Stamped on rows whose ``updated_time`` is NULL (default: now, UTC), as the
            warehouse stamps a sync's merge time.

    Raises:
        LoadError: See ``read_events``; the raw table is then left untouched.
    """
    table = read_events(path)
    stamp = load_time or datetime.now(UTC).replace(tzinfo=None)
    index = table.schema.get_field_index("updated_time")
    filled = pc.fill_null(table["updated_time"], pa.scalar(stamp, pa.timestamp("us")))
    conn.register(_INCOMING, table.set_column(index, "updated_time", filled))
    try:
        merge_into_raw(conn, schema, _INCOMING)
    finally:
        conn.unregister(_INCOMING)
    return table.num_rows
