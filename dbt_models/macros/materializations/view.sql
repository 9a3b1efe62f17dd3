{#
  PostgreSQL's and Redshift's view materialization, skipped when the view already holds the
  model's SQL.

  The adapters replace a view by renaming the old one away, creating the new one and dropping the
  old with CASCADE, which drops every view built on it. Runs may overlap there
  (macros/concurrent_runs.sql): one run's replacement of a view would drop the views another run
  had just built on it, and its rename would take the other run's new view. Every run would also
  replace every view, though a view's SQL changes only with the project's code. So a view carries
  a fingerprint of its SQL as its comment, and a run finds the same fingerprint and leaves the
  view alone. Only a release that changes a view's SQL replaces it, once, in the adapter's way,
  and a full refresh always does.
#}
{% materialization view, adapter='postgres' -%}
    {{ return(fullstory_view_unless_current(dbt.materialization_view_default)) }}
{%- endmaterialization %}

{% materialization view, adapter='redshift' -%}
    {{ return(fullstory_view_unless_current(dbt.materialization_view_redshift)) }}
{%- endmaterialization %}


{#- The adapter's `materialization`, unless the view already holds this SQL. -#}
{% macro fullstory_view_unless_current(materialization) %}
    {%- if fullstory_view_is_current() -%}
        {{ return(fullstory_view_unchanged()) }}
    {%- endif -%}
    {%- set result = materialization() -%}
    {%- do fullstory_mark_view() -%}
    {{ return(result) }}
{% endmacro %}

{#- dbt expects a `main` statement of every materialization: one that sends nothing. -#}
{% macro fullstory_view_unchanged() %}
    {%- call noop_statement('main', 'UNCHANGED', 'UNCHANGED') -%}
        -- {{ this }} already holds this SQL ({{ fullstory_view_fingerprint() }})
    {%- endcall -%}
    {{ return({'relations': [this.incorporate(type='view')]}) }}
{% endmacro %}

{% macro fullstory_view_fingerprint() %}
    {{ return('fullstory sql md5 ' ~ local_md5(sql)) }}
{% endmacro %}

{#- Whether the model's view exists with this SQL's fingerprint (the catalog query both
    PostgreSQL and Redshift answer). -#}
{% macro fullstory_view_is_current() %}
    {%- if should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set comment = run_query(
        "select d.description from pg_class as c"
        ~ " join pg_namespace as n on n.oid = c.relnamespace"
        ~ " join pg_description as d on d.objoid = c.oid and d.objsubid = 0"
        ~ " where c.relkind = 'v' and n.nspname = '" ~ this.schema
        ~ "' and c.relname = '" ~ this.identifier ~ "'"
    ) -%}
    {{ return(comment.rows | length == 1 and comment.columns[0].values()[0] == fullstory_view_fingerprint()) }}
{% endmacro %}

{#- After the adapter's materialization committed: in a transaction of its own. -#}
{% macro fullstory_mark_view() %}
    {%- call statement('fullstory_mark_view') -%}
        comment on view {{ this }} is '{{ fullstory_view_fingerprint() }}'
    {%- endcall -%}
    {%- do adapter.commit() -%}
{% endmacro %}
