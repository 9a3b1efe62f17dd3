{#
  The latest non-null value of `column` by `order_columns` (a list; later entries break ties,
  the last must be unique, e.g. event_id). "Latest" is always deterministic.
#}
{% macro fullstory_last_value(column, order_columns) -%}
    {{ return(adapter.dispatch('fullstory_last_value', 'fullstory_assets')(column, order_columns)) }}
{%- endmacro %}

{% macro default__fullstory_last_value(column, order_columns) -%}
    array_agg({{ column }} ignore nulls order by {{ order_columns | join(' desc, ') }} desc
        limit 1)[safe_offset(0)]
{%- endmacro %}

{% macro duckdb__fullstory_last_value(column, order_columns) -%}
    {#- arg_max(column, struct_pack(...)) would be the plain form (NULL values skipped, the struct
        compared field by field), but DuckDB compares a struct by building its sort key (descending,
        NULLs last) and keeping the smallest, in every aggregate that reads it. The same key built
        once in the query is shared by a model's last values (sessions has 15), and arg_min over it
        picks the same row. -#}
    {%- set keys = [] -%}
    {%- for c in order_columns -%}{%- do keys.append('k' ~ loop.index ~ ' := ' ~ c) -%}{%- endfor -%}
    arg_min({{ column }}, create_sort_key(struct_pack({{ keys | join(', ') }}), 'desc nulls last'))
{%- endmacro %}

{% macro snowflake__fullstory_last_value(column, order_columns) -%}
    {#- array_agg skips NULLs, so the first element in the order is the latest non-null value.
        Elements are VARIANT: cast back by the project's column naming (times end in _time,
        JSON documents in _properties, the rest are text). NULLs in the order go last, as on
        DuckDB (Snowflake puts them first when descending). -#}
    {%- set name = column.split('.')[-1] -%}
    {%- set cast = '::timestamp_ntz' if name.endswith('_time')
        else '' if name.endswith('_properties') else '::varchar' -%}
    {%- set order_by = order_columns | join(' desc nulls last, ') ~ ' desc nulls last' -%}
    {%- if fullstory_fakesnow() -%}
        {{ return(fullstory_fakesnow_last_value(column, order_by, cast)) }}
    {%- endif -%}
    array_agg({{ column }}) within group (order by {{ order_by }})[0]{{ cast }}
{%- endmacro %}


{#- Whole seconds elapsed from `start` to `end`, rounded down, the same on every warehouse. -#}
{% macro fullstory_seconds_between(start, end) %}
    {{ return(adapter.dispatch('fullstory_seconds_between', 'fullstory_assets')(start, end)) }}
{% endmacro %}

{#- BigQuery. Its first argument stays a function call: the emulators' sqlglot turns
    div(a - b, n) into a - b // n (ENGINES.md §6), and timestamp_diff(...) // n is still right. -#}
{% macro default__fullstory_seconds_between(start, end) %}
    div(timestamp_diff({{ end }}, {{ start }}, microsecond), 1000000)
{% endmacro %}

{% macro duckdb__fullstory_seconds_between(start, end) %}
    cast(floor(epoch({{ end }}) - epoch({{ start }})) as bigint)
{% endmacro %}

{% macro snowflake__fullstory_seconds_between(start, end) %}
    {#- datediff counts unit boundaries crossed: in microseconds, the precision of Fullstory's
        times (and of every other warehouse's timestamps), that is the exact elapsed time. -#}
    cast(floor(datediff(microsecond, {{ start }}, {{ end }}) / 1000000) as bigint)
{% endmacro %}
