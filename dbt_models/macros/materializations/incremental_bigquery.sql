{#
  dbt-bigquery's incremental materialization, taught the `partition_window` strategy.

  dbt-bigquery accepts only merge, insert_overwrite and microbatch, and validates the name before
  anything else, so a partition_window model never reaches its code: this override handles such
  a model from start to end and hands every other one to the adapter, as the duckdb override
  (incremental.sql) does. A first run, a full refresh or a relation that is a view builds the
  table the adapter's way: `create or replace table ... partition by ... cluster by ... as`, the
  table dropped first when its partitioning or clustering changed (BigQuery cannot replace it).

  Otherwise one MERGE replaces the window with the model's new rows
  (macros/incremental_partition_window.sql): a failed run leaves the table as it was. The new rows
  are a view of the model's SQL that expires, so the MERGE computes them as it writes them: the
  window is computed and written once. Unlike delete+insert, a MERGE reads its source once, so a
  keyed model may be a view too. Only a
  model that reads its own table, has an sql_header or an enforced contract gets a table that
  expires (dbt-bigquery's temporary relation). Either one lets on_schema_change compare the new
  rows' columns with the table's, and is named after the dbt invocation.

  A first build writes `create table`, never `create or replace`: a run that found no table
  fails rather than replace the days another run wrote meanwhile.
#}
{% materialization incremental, adapter='bigquery', supported_languages=['sql', 'python'] -%}
    {%- if config.get('incremental_strategy') != 'partition_window' or model['language'] != 'sql' -%}
        {{ return(dbt.materialization_incremental_bigquery()) }}
    {%- endif -%}

    {%- set existing_relation = load_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set partition_by = adapter.parse_partition_by(config.get('partition_by', none)) -%}
    {%- set cluster_by = config.get('cluster_by', none) -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set full_refresh_mode = should_full_refresh() -%}

    {{ run_hooks(pre_hooks) }}

    {%- if existing_relation is none or existing_relation.is_view or full_refresh_mode -%}
        {%- if existing_relation is not none and (existing_relation.is_view
            or not adapter.is_replaceable(existing_relation, partition_by, cluster_by)) -%}
            {%- do adapter.drop_relation(existing_relation) -%}
        {%- endif -%}
        {%- set create_sql = bq_create_table_as(partition_by, False, target_relation, compiled_code, 'sql') -%}
        {%- if not full_refresh_mode -%}
            {%- set create_sql = create_sql | replace('create or replace table', 'create table', 1) -%}
        {%- endif -%}
        {%- call statement('main') -%}
            {{ create_sql }}
        {%- endcall -%}
    {%- else -%}
        {%- set on_schema_change = incremental_validate_on_schema_change(
            config.get('on_schema_change'), default='ignore') -%}
        {%- set as_view = not config.get('sql_header') and not config.get('contract').enforced
            and target_relation.render() not in compiled_code -%}
        {%- set temp_relation = make_temp_relation(this, '__dbt_tmp_' ~ invocation_id | replace('-', '_')) -%}
        {%- if as_view -%}
            {%- set temp_relation = temp_relation.incorporate(type='view') -%}
            {%- call statement('create_tmp_relation') -%}
                {{ fullstory_bigquery_expiring_view(temp_relation, compiled_code) }}
            {%- endcall -%}
        {%- else -%}
            {%- call statement('create_tmp_relation') -%}
                {{ bq_create_table_as(partition_by, True, temp_relation, compiled_code, 'sql') }}
            {%- endcall -%}
        {%- endif -%}
        {%- set dest_columns = process_schema_changes(
            on_schema_change, temp_relation, existing_relation) -%}
        {%- if not dest_columns -%}
            {%- set dest_columns = adapter.get_columns_in_relation(existing_relation) -%}
        {%- endif -%}
        {%- set strategy_sql_macro_func = adapter.get_incremental_strategy_macro(
            context, 'partition_window') -%}
        {%- call statement('main') -%}
            {{ strategy_sql_macro_func({
                'target_relation': target_relation,
                'temp_relation': temp_relation,
                'unique_key': unique_key,
                'dest_columns': dest_columns,
                'incremental_predicates': config.get('predicates')
                    or config.get('incremental_predicates'),
            }) }}
        {%- endcall -%}
        {%- do adapter.drop_relation(temp_relation) -%}
    {%- endif -%}

    {{ run_hooks(post_hooks) }}

    {%- do apply_grants(target_relation, config.get('grants'),
        should_revoke(existing_relation, full_refresh_mode)) -%}
    {%- do persist_docs(target_relation, model) -%}

    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}


{#- A view that BigQuery drops after 12 hours, as dbt-bigquery's temporary tables: BigQuery has
    no temporary views outside a script, and a killed run would otherwise leave it behind. -#}
{% macro fullstory_bigquery_expiring_view(relation, sql) %}
    create or replace view {{ relation }}
    options (expiration_timestamp = timestamp_add(current_timestamp(), interval 12 hour))
    as (
        {{ sql }}
    )
{% endmacro %}
