"""Redshift: every model and test renders Redshift's SQL, without a Redshift to talk to.

There is no Redshift engine here, and dbt-redshift's connector cannot reach a local PostgreSQL
without being patched (ENGINES.md §4). `dbt compile` needs no connection as long as nothing asks
the warehouse what exists: only `is_incremental()` does, in a partitioned run. That single
question (which relations a schema holds) is answered here from the project itself, so the
partitioned SQL is rendered too. The SQL is then parsed as Redshift's and checked for the
constructs Redshift has (the PostgreSQL ones it lacks are named).

What Redshift would compute is checked where PostgreSQL can run the same SQL: the last value,
Redshift's max over a text key, picks what PostgreSQL's array_agg picks.
"""

import re

import pytest
import sqlglot
from dbt.adapters.base.relation import BaseRelation
from dbt.adapters.contracts.relation import RelationType
from dbt.adapters.redshift.impl import RedshiftAdapter

from tests.engines.postgres.runner import dbt_on_postgres, invoke_dbt, window_env
from tests.engines.postgres.server import _free_port

pytestmark = pytest.mark.postgres

# The partitioned models' tables, as a deployment that has run before holds them.
EXISTING_TABLES = ("events", "int_fullstory__sessions", "int_fullstory__session_funnels")


def _existing_tables(self, schema_relation: BaseRelation) -> list[BaseRelation]:
    """RedshiftAdapter.list_relations_without_caching, answered without a warehouse."""
    if schema_relation.schema != "fullstory":
        return []
    return [
        self.Relation.create(
            database=schema_relation.database,
            schema=schema_relation.schema,
            identifier=name,
            type=RelationType.Table,
        )
        for name in EXISTING_TABLES
    ]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Compiled SQL by node name, outside a partitioned run and inside one."""
    env = {
        "FULLSTORY_WAREHOUSE": "redshift",
        # A port nothing listens on: any attempt to connect fails the compile.
        "REDSHIFT_HOST": "127.0.0.1",
        "REDSHIFT_PORT": str(_free_port()),
    }
    target = tmp_path_factory.mktemp("dbt-target-redshift")
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RedshiftAdapter, "list_relations_without_caching", _existing_tables)
        for run, extra in (("full", {}), ("window", window_env("2024-03-02", "2024-03-03"))):
            result = invoke_dbt(["compile", "--no-populate-cache"], env | extra, target)
            results[run] = {
                r.node.name: r.node.compiled_code
                for r in result.result.results
                if r.node.resource_type in ("model", "test")  # seeds compile to nothing
            }
    return results


def test_every_node_parses_as_redshift(compiled):
    for run, nodes in compiled.items():
        assert len(nodes) >= 30, run  # 9 models, 21 data tests
        for name, sql in nodes.items():
            try:
                sqlglot.parse_one(sql, read="redshift")
            except sqlglot.errors.ParseError as error:
                raise AssertionError(f"{run} {name}: {error}") from None


def test_no_construct_redshift_lacks(compiled):
    # sqlglot's Redshift dialect extends PostgreSQL's and parses these too: they are named.
    lacking = {
        "#>": "PostgreSQL's JSON path operators",
        "jsonb": "PostgreSQL's jsonb",
        "fullstory_try_jsonb": "the PostgreSQL-only parse function",
        "array_agg": "array_agg",
        "distinct on": "DISTINCT ON",
        " exclude (": "select * exclude",
        "safe.": "BigQuery's safe. prefix",
        "try(": "DuckDB's try()",
        "interval '1": "PostgreSQL's interval arithmetic (Redshift: dateadd)",
    }
    for run, nodes in compiled.items():
        for name, sql in nodes.items():
            for construct, meaning in lacking.items():
                assert construct not in sql.lower(), f"{run} {name} uses {meaning}"


def test_redshift_constructs_are_rendered(compiled):
    staging = compiled["full"]["stg_fullstory__events"]
    assert "qualify" in staging and "desc nulls last" in staging
    assert "is_valid_json(source_properties)" in staging
    assert "json_extract_path_text(parsed_source, 'url', 'full_url', true)" in staging
    sessions = compiled["full"]["int_fullstory__sessions"]
    assert "split_part(max(case when" in sessions
    assert "datediff(microsecond, start_time, end_time)" in compiled["full"]["sessions"]
    # Time values computed as text are cast back to timestamps.
    assert re.search(r"cast\(split_part\(max\(case when event_time .* as timestamp\)",
                     compiled["full"]["anonymous_users"], re.S)  # fmt: skip


def test_partitioned_run_reads_the_window_with_dateadd(compiled):
    full = compiled["full"]["int_fullstory__sessions"]
    window = " ".join(compiled["window"]["int_fullstory__sessions"].split())
    assert "dateadd(" not in full  # from scratch: every event
    lookaround = "dateadd( hour, -12, (cast('2024-03-02' as timestamp) at time zone 'UTC') )"
    assert lookaround in window  # read in UTC, whatever the session's time zone
    assert '"fullstory"."events"' in window  # reuses the events this run rebuilt


def test_redshift_last_value_picks_what_postgres_picks(postgres, full_build, dbt_target):
    # The same latest-non-null choice over real rows, with ties left to later order columns
    # and a "-x" order column, computed both ways on PostgreSQL (whose SQL Redshift's uses).
    latest = ["event_time", "updated_time", "processed_time", "event_id"]
    cases = [
        ("events", "full_session_id", column, latest, None)
        for column in ("user_id", "user_email", "device_browser", "geo_city", "event_id")
    ] + [
        ("devices", "id", column, ["-event_seq_num_desc"], data_type)
        for column, data_type in (("user_agent", None), ("event_time", "timestamp"))
    ]
    comparisons = []
    for relation, key, column, order, data_type in cases:
        args = f"'{column}', {order}, {data_type and repr(data_type)}"
        comparisons.append(f"""
            select
                '{relation}.{column}' as compared,
                count(*) as groups,
                count(postgres_value) as non_null,
                count(case when postgres_value is distinct from redshift_value then 1 end)
                    as differing
            from (
                select
                    {{{{ postgres__fullstory_last_value({args}) }}}} as postgres_value,
                    {{{{ redshift__fullstory_last_value({args}) }}}} as redshift_value
                from fullstory.{relation}
                where {key} is not null
                group by {key}
            ) as last_values""")
    sql = "\n            union all".join(comparisons)
    result = dbt_on_postgres(
        postgres, ["show", "--inline", sql, "--limit", "-1"], dbt_target, database="full_build"
    )
    rows = result.result.results[0].agate_table.rows
    assert len(rows) == len(cases)
    for compared, groups, non_null, differing in rows:
        assert non_null > 0 and groups > 1, compared
        assert differing == 0, f"{compared}: {differing} of {groups} groups differ"
