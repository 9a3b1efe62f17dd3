{#
  Custom incremental strategy: replace exactly the rows of the run's partition window.
  The model's config names its `partition_column` (event_time for events, start_time for
  sessions). The delete and the insert run in the materialization's single transaction, so a
  failed or killed run leaves the previous contents of the partition in place. Outside a
  partitioned run the model computed all history, so every row is replaced.
  With a `unique_key`, rows of the inserted keys are deleted wherever they are: a session whose
  start moved to another day leaves its old day in the same transaction, so the table never
  holds it twice, whatever order the two days' runs take.
  The new rows (`temp_relation`) are a temporary table, or without a unique_key a view of the
  model's SQL that the insert computes, after the delete (macros/materializations/incremental.sql).
  The materialization calls it by name (dbt-snowflake accepts custom strategy names); it
  dispatches, as only some adapters run the statements in a transaction of their own, and
  BigQuery runs the same replacement as one MERGE (bigquery__, below).
#}
{% macro get_incremental_partition_window_sql(arg_dict) %}
    {{ return(adapter.dispatch('get_incremental_partition_window_sql', 'fullstory_assets')(arg_dict)) }}
{% endmacro %}

{#- DuckDB's materialization (macros/materializations/incremental.sql) runs it in its transaction. -#}
{% macro default__get_incremental_partition_window_sql(arg_dict) %}
    {% set target = arg_dict['target_relation'] %}
    {% set source = arg_dict['temp_relation'] %}
    {% set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) %}
    {% set partition_column = config.require('partition_column') %}
    {% set unique_key = config.get('unique_key') %}
    {% set window = fullstory_partition_window() %}

    delete from {{ target }}
    {% if window is not none %}
        where (
            {{ partition_column }} >= {{ fullstory_utc_timestamp(window.start) }}
            and {{ partition_column }} < {{ fullstory_utc_timestamp(window.end) }}
        )
        {% if unique_key %}
            or {{ unique_key }} in (select {{ unique_key }} from {{ source }})
        {% endif %}
    {% endif %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{% endmacro %}

{#- dbt-snowflake's incremental materialization runs in autocommit: the delete and the insert
    get an explicit transaction, as its own strategies do. -#}
{% macro snowflake__get_incremental_partition_window_sql(arg_dict) %}
    {{ return(snowflake_dml_explicit_transaction(default__get_incremental_partition_window_sql(arg_dict))) }}
{% endmacro %}

{#
  BigQuery: the same replacement as one MERGE, the statement dbt-bigquery runs for a static
  insert_overwrite of the window's day partitions. `on false` matches nothing, so every row of
  the window (a constant predicate on the partitioning column: BigQuery prunes the target to
  those days) is deleted and every new row inserted. With a unique_key, rows of the inserted keys
  are matched on it instead and replaced wherever they are, whatever their day: the keyed form
  BigQuery documents, as it would need a subquery in a WHEN condition to delete them by key.
  The new rows must then have one row per key (BigQuery raises otherwise; the unique test too).
#}
{% macro bigquery__get_incremental_partition_window_sql(arg_dict) %}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='name') | list -%}
    {%- set quoted = get_quoted_csv(columns) -%}
    {%- set partition_column = config.require('partition_column') -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set window = fullstory_partition_window() -%}

    merge into {{ arg_dict['target_relation'] }} as dbt_internal_dest
    using (select {{ quoted }} from {{ arg_dict['temp_relation'] }}) as dbt_internal_source
    {% if unique_key -%}
    on dbt_internal_dest.{{ unique_key }} = dbt_internal_source.{{ unique_key }}
    when matched then update set
        {% for column in columns -%}
        {{ adapter.quote(column) }} = dbt_internal_source.{{ adapter.quote(column) }}
        {{- ',' if not loop.last }}
        {% endfor %}
    {%- else -%}
    on false
    {%- endif %}
    when not matched by source
        {%- if window is not none %}
        and dbt_internal_dest.{{ partition_column }}
            >= {{ fullstory_utc_timestamp(window.start) }}
        and dbt_internal_dest.{{ partition_column }}
            < {{ fullstory_utc_timestamp(window.end) }}
        {%- endif %}
        then delete
    when not matched then insert ({{ quoted }}) values ({{ quoted }})
{% endmacro %}
