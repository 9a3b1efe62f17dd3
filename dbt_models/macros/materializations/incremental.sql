{#
  dbt-duckdb's incremental materialization, computing a `partition_window` run once.

  The adapter's materialization writes the model's rows to a temporary table, then the strategy
  (macros/incremental_partition_window.sql) deletes the window and inserts from that table: the
  window's events, JSON text included, were written twice. Here a model that asks for it
  (`partition_window_rows='view'`) gets a temporary view instead, so the insert is the one pass
  that computes and writes the rows. A view reads the model's inputs when the insert runs, after
  the delete, so only a model that never reads its own table may ask (events reads staging, i.e.
  the raw table); one whose compiled SQL names its own table keeps the table regardless. A model
  with a unique_key keeps it too: the strategy reads the new rows twice (the keys to delete,
  then the rows to insert), and a view would compute the model twice. So does a model with an
  sql_header or an enforced contract, which only the adapter's table creation applies.

  Everything else is the adapter's: other strategies, the first run (no table yet), a full
  refresh, and a model whose relation is a view all build the table in one pass already. The
  rest mirrors the adapter's incremental path: hooks, on_schema_change checked against the new
  rows' columns, the delete and insert in one transaction, grants and docs.
#}
{% materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- if config.get('incremental_strategy') != 'partition_window' or model['language'] != 'sql'
        or existing_relation is none or existing_relation.is_view or should_full_refresh() -%}
        {{ return(dbt.materialization_incremental_duckdb()) }}
    {%- endif -%}

    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set on_schema_change = incremental_validate_on_schema_change(
        config.get('on_schema_change'), default='ignore') -%}
    {%- set temporary_relation = duckdb__dispatch_temporary_relation(target_relation) -%}
    {%- set temp_relation = temporary_relation.relation -%}
    {%- set temporary = temporary_relation.temporary -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set as_view = config.get('partition_window_rows') == 'view' and not unique_key
        and not config.get('sql_header') and not config.get('contract').enforced
        and target_relation.render() not in compiled_code -%}
    {%- if not as_view -%}
        {%- do run_query(create_table_as(temporary, temp_relation, compiled_code)) -%}
    {%- else -%}
        {%- set temp_relation = temp_relation.incorporate(type='view') -%}
        {%- do run_query(fullstory_create_view_as(temporary, temp_relation, compiled_code)) -%}
    {%- endif -%}
    {%- do adapter.expand_target_column_types(
        from_relation=temp_relation, to_relation=target_relation) -%}
    {%- set dest_columns = process_schema_changes(
        on_schema_change, temp_relation, existing_relation) -%}
    {%- if not dest_columns -%}
        {%- set dest_columns = adapter.get_columns_in_relation(existing_relation) -%}
    {%- endif -%}
    {%- set strategy_sql_macro_func = adapter.get_incremental_strategy_macro(
        context, 'partition_window') -%}
    {%- set build_sql = strategy_sql_macro_func({
        'target_relation': target_relation,
        'temp_relation': temp_relation,
        'unique_key': unique_key,
        'dest_columns': dest_columns,
        'incremental_predicates': config.get('predicates') or config.get('incremental_predicates'),
    }) -%}

    {%- call statement('main') -%}
        {{ build_sql }}
    {%- endcall -%}

    {%- do apply_grants(target_relation, config.get('grants'),
        should_revoke=should_revoke(existing_relation, full_refresh_mode=False)) -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}

    {#- A temporary view or table would otherwise live as long as the connection. -#}
    {%- do adapter.drop_relation(temp_relation) -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}


{#- The adapter's create_view_as cannot make a temporary view. -#}
{% macro fullstory_create_view_as(temporary, relation, sql) %}
    create {% if temporary %}temporary {% endif %}view
        {{ relation.include(database=(not temporary), schema=(not temporary)) }}
    as (
        {{ sql }}
    )
{% endmacro %}
