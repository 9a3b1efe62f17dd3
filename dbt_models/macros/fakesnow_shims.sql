{#
  Shims for fakesnow, the Snowflake emulator the test suite runs on (DuckDB + sqlglot behind
  Snowflake's REST API; tests/engines/snowflake). Each is valid Snowflake SQL and is active only
  when FULLSTORY_SNOWFLAKE_EMULATOR=fakesnow: production Snowflake never takes these branches.
  Each names the emulator gap it works around (../shared/ENGINES.md §3 lists the first two).
#}
{% macro fullstory_fakesnow() %}
    {{ return(env_var('FULLSTORY_SNOWFLAKE_EMULATOR', '') == 'fakesnow') }}
{% endmacro %}


{#
  Gap 1: a temporary table with a database and schema in its name fails ("TEMPORARY table names
  can only use the temp catalog"), and gap 2: `describe table` of a temporary table returns no
  columns, which on_schema_change reads as every column removed. Both hit the incremental
  materialization's new rows: the emulator gets a transient table instead, which the
  materialization drops the same way. dbt-snowflake calls this macro by name, so the project's
  definition replaces its own.
#}
{% macro snowflake__create_table_temporary_sql(relation, compiled_code) -%}
    {%- if fullstory_fakesnow() -%}
        {{ return(snowflake__create_table_transient_sql(relation, compiled_code)) }}
    {%- endif -%}
    {{ return(dbt.snowflake__create_table_temporary_sql(relation, compiled_code)) }}
{%- endmacro %}


{#
  Gap 3: fakesnow's array_agg keeps NULLs (Snowflake's skips them), and a JSON null taken out
  of the array casts to 1970-01-01 as a timestamp and stays a VARIANT null. NULLs are ordered
  last, and a group with no value gets NULL outright (macros/aggregates.sql).
#}
{% macro fullstory_fakesnow_last_value(column, order_by, cast) -%}
    iff(
        count({{ column }}) = 0,
        null,
        array_agg({{ column }}) within group (
            order by iff({{ column }} is null, 1, 0), {{ order_by }})[0]{{ cast }}
    )
{%- endmacro %}
