{#
  The latest non-null value of `column` by `order_columns` (a list; later entries break ties,
  the last must be unique, e.g. event_id). "Latest" is always deterministic. `data_type` is
  needed only where a warehouse computes the value as text (Redshift) and it is not a string.
#}
{% macro fullstory_last_value(column, order_columns, data_type=none) -%}
    {{ return(adapter.dispatch('fullstory_last_value', 'fullstory_assets')(
        column, order_columns, data_type)) }}
{%- endmacro %}

{% macro default__fullstory_last_value(column, order_columns, data_type=none) -%}
    array_agg({{ column }} ignore nulls order by {{ order_columns | join(' desc, ') }} desc
        limit 1)[safe_offset(0)]
{%- endmacro %}

{% macro duckdb__fullstory_last_value(column, order_columns, data_type=none) -%}
    {#- arg_max(column, struct_pack(...)) would be the plain form (NULL values skipped, the struct
        compared field by field), but DuckDB compares a struct by building its sort key (descending,
        NULLs last) and keeping the smallest, in every aggregate that reads it. The same key built
        once in the query is shared by a model's last values (sessions has 15), and arg_min over it
        picks the same row. -#}
    {%- set keys = [] -%}
    {%- for c in order_columns -%}{%- do keys.append('k' ~ loop.index ~ ' := ' ~ c) -%}{%- endfor -%}
    arg_min({{ column }}, create_sort_key(struct_pack({{ keys | join(', ') }}), 'desc nulls last'))
{%- endmacro %}

{% macro postgres__fullstory_last_value(column, order_columns, data_type=none) -%}
    {#- PostgreSQL sorts NULLs first in a descending order; "latest" puts them last everywhere. -#}
    (array_agg({{ column }} order by {{ order_columns | join(' desc nulls last, ') }} desc nulls last)
        filter (where {{ column }} is not null))[1]
{%- endmacro %}

{% macro redshift__fullstory_last_value(column, order_columns, data_type=none) -%}
    {#- Redshift has no array_agg or max_by, and its listagg is capped at 64 KB and refuses
        to share a query with count(distinct ...). So the row is picked by max() over a text
        key that sorts as the order columns do: each column as text, chr(1) after each (lower
        than any character, so a value that is a prefix of another sorts first; NULL is '',
        i.e. last), and the value itself at the end, cast back to `data_type` (default text).
        Timestamps as text sort by time; an order column "-x" must be a non-negative integer
        (ranked ascending: its complement to 2^63-1, zero-padded). -#}
    {%- set key = [] -%}
    {%- for order_column in order_columns -%}
        {%- if order_column.startswith('-') -%}
            {%- do key.append("lpad(cast(9223372036854775807 - " ~ order_column[1:]
                ~ " as varchar), 19, '0')") -%}
        {%- else -%}
            {%- do key.append("coalesce(cast(" ~ order_column ~ " as varchar), '')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set latest -%}
        split_part(max(case when {{ column }} is not null then
            {{ key | join(' || chr(1) || ') }} || chr(1) || cast({{ column }} as varchar) end),
            chr(1), {{ order_columns | length + 1 }})
    {%- endset -%}
    {%- if data_type -%}cast({{ latest }} as {{ data_type }}){%- else -%}{{ latest }}{%- endif -%}
{%- endmacro %}

{% macro snowflake__fullstory_last_value(column, order_columns, data_type=none) -%}
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

{% macro postgres__fullstory_seconds_between(start, end) %}
    {#- extract(epoch from an interval) is exact (numeric) from PostgreSQL 14 on. #}
    cast(floor(extract(epoch from ({{ end }} - {{ start }}))) as bigint)
{% endmacro %}

{% macro redshift__fullstory_seconds_between(start, end) %}
    {#- datediff counts boundaries: of microseconds, the exact elapsed time. #}
    cast(floor(datediff(microsecond, {{ start }}, {{ end }}) / 1000000.0) as bigint)
{% endmacro %}

{% macro snowflake__fullstory_seconds_between(start, end) %}
    {#- datediff counts unit boundaries crossed: in microseconds, the precision of Fullstory's
        times (and of every other warehouse's timestamps), that is the exact elapsed time. -#}
    cast(floor(datediff(microsecond, {{ start }}, {{ end }}) / 1000000) as bigint)
{% endmacro %}
