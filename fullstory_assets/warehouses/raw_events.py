"""The raw Data Destinations ``events`` table: its columns and the warehouse's merge semantics."""

RAW_TABLE = "events"

# Column name -> DuckDB type, in Fullstory's order (ARCHITECTURE.md §2).
RAW_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",
    "event_time": "TIMESTAMP",
    "processed_time": "TIMESTAMP",
    "updated_time": "TIMESTAMP",
    "device_id": "BIGINT",
    "session_id": "BIGINT",
    "view_id": "BIGINT",
    "event_type": "VARCHAR",
    "event_properties": "VARCHAR",
    "source_type": "VARCHAR",
    "source_properties": "VARCHAR",
}


def create_table_sql(schema: str) -> str:
    """DDL of the raw table (idempotent)."""
    columns = ",\n    ".join(f"{name} {kind}" for name, kind in RAW_COLUMNS.items())
    return (
        f"create schema if not exists {schema};\n"
        f"create table if not exists {schema}.{RAW_TABLE} (\n    {columns}\n);"
    )


def merge_sql(schema: str, incoming: str) -> str:
    """SQL that merges the rows of relation ``incoming`` into the raw table, as a sync does.

    Per ``event_id`` the version with the latest ``coalesce(updated_time, processed_time)`` wins,
    whether it is already in the table or arrives now; copies of the winning version delivered in
    the same sync all land (delivery is at-least-once, so the raw table may hold duplicates).
    Run it inside one transaction so a failed sync leaves the table as it was.
    """
    table = f"{schema}.{RAW_TABLE}"
    cols = ", ".join(RAW_COLUMNS)
    version = "coalesce(updated_time, processed_time)"
    return f"""
create or replace temp table __incoming_latest as
select {cols} from (
    select *, {version} as __version,
        max({version}) over (partition by event_id) as __latest
    from {incoming}
) where __version is not distinct from __latest;

delete from {table} as t
where exists (
    select 1 from __incoming_latest as i
    where i.event_id = t.event_id
      and coalesce(i.updated_time, i.processed_time) >= coalesce(t.updated_time, t.processed_time)
);

insert into {table} ({cols})
select {cols} from __incoming_latest as i
where not exists (
    select 1 from {table} as t
    where t.event_id = i.event_id
      and coalesce(t.updated_time, t.processed_time) > coalesce(i.updated_time, i.processed_time)
);

drop table __incoming_latest;
"""
