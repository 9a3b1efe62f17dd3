{#
  Partition runs of any days may overlap on PostgreSQL and Redshift (DuckDB, Snowflake and
  BigQuery run them one at a time: fullstory_assets/dbt/assets.py). What keeps them right:

  - Two runs that write the same rows of a table take turns, from before they read the raw table
    to their commit, so the one that commits last read the raw table last and a run that read it
    earlier can never overwrite newer rows (fullstory_lock_partition_window, a pre-hook of every
    model: dbt_project.yml).
  - A view is replaced only when its SQL changed (macros/materializations/view.sql), so hourly
    runs never rename or drop a view another run reads or builds on.
  - dbt's work relations are named after the moment they are made (make_*_relation below), so
    two runs never create or drop each other's.
  - A seed reload replaces the rows in one transaction (redshift__reset_csv_table below).
  They rely on dbt sending BEGIN before a model's statements, as dbt-redshift does unless its
  behaviour flag redshift_skip_autocommit_transaction_statements is on: keep it off.
#}

{% macro fullstory_lock_partition_window() %}
    {%- if config.get('materialized') == 'incremental'
        and config.get('incremental_strategy') == 'partition_window' -%}
        {{ return(adapter.dispatch('fullstory_lock_partition_window', 'fullstory_assets')()) }}
    {%- endif -%}
{% endmacro %}

{% macro default__fullstory_lock_partition_window() %}{% endmacro %}

{#
  Transaction-scoped advisory locks, taken in the model's transaction before it reads anything:
  a run that replaces only its window's rows locks each of its days (in day order, so two ranges
  never deadlock) and shares the table's lock; a run that may change rows outside its window
  (a keyed model deletes its keys on any day; a first build, a full refresh or a run without a
  window writes every row) takes the table's lock alone. The locks need no table, so two first
  builds of a table wait for each other too.
#}
{% macro postgres__fullstory_lock_partition_window() %}
    {%- set table_key = "hashtext('" ~ this.render() ~ "')" -%}
    {%- set window = fullstory_partition_window() -%}
    {%- if window is none or config.get('unique_key') or not is_incremental() -%}
        select pg_advisory_xact_lock({{ table_key }})
    {%- else -%}
        select pg_advisory_xact_lock_shared({{ table_key }});
        select count(pg_advisory_xact_lock({{ table_key }}, day_number))
        from generate_series(
            date '{{ window.start[:10] }}' - date '1970-01-01',
            date '{{ window.end[:10] }}' - date '1970-01-01' - 1
        ) as days (day_number)
    {%- endif -%}
{% endmacro %}

{#- Redshift has no advisory locks: the table's own lock, which LOCK holds to the commit. A table
    not created yet has nothing to lock; two first builds then collide, and one fails. -#}
{% macro redshift__fullstory_lock_partition_window() %}
    {%- if adapter.get_relation(this.database, this.schema, this.identifier) is not none -%}
        lock {{ this.include(database=False) }}
    {%- endif -%}
{% endmacro %}


{#- Named after the moment they are made, like dbt-postgres' temporary relations, instead of
    `<name>__dbt_tmp` and `<name>__dbt_backup`, which two runs replacing one view would share.
    Redshift finds these too (its dispatch falls back on postgres__). -#}
{% macro postgres__make_intermediate_relation(base_relation, suffix) %}
    {{ return(postgres__make_relation_with_suffix(base_relation, suffix, dstring=True)) }}
{% endmacro %}

{% macro postgres__make_backup_relation(base_relation, backup_relation_type, suffix) %}
    {%- set backup_relation = postgres__make_relation_with_suffix(base_relation, suffix, dstring=True) -%}
    {{ return(backup_relation.incorporate(type=backup_relation_type)) }}
{% endmacro %}


{#- dbt truncates a seed before reloading it, and Redshift's TRUNCATE commits at once: two runs
    could each truncate, then each insert, and double the seed. A locked DELETE stays in the seed's
    transaction with its inserts. -#}
{% macro redshift__reset_csv_table(model, full_refresh, old_relation, agate_table) %}
    {%- if full_refresh -%}
        {{ return(default__reset_csv_table(model, full_refresh, old_relation, agate_table)) }}
    {%- endif -%}
    {%- call statement('lock_seed') -%}lock {{ old_relation.include(database=False) }}{%- endcall -%}
    {%- set sql = 'delete from ' ~ old_relation.render() -%}
    {%- call statement('reset_seed') -%}{{ sql }}{%- endcall -%}
    {{ return(sql) }}
{% endmacro %}
