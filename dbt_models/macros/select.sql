{#
  The first row of each `keys` group by `order_by` (a list of lines of terms, each term ending
  in `desc`), in two parts that go at the two ends of a select:
      select {{ fullstory_distinct_on(keys) }}columns from ... {{ fullstory_keep_first(keys, order_by) }}
  Every warehouse but PostgreSQL filters with QUALIFY; PostgreSQL has none and keeps the first
  row with DISTINCT ON (the select's head) and ORDER BY (its tail). NULLs sort last in a
  descending order on every warehouse here, as on DuckDB and BigQuery: PostgreSQL, Redshift and
  Snowflake put them first unless told.
#}
{% macro fullstory_distinct_on(keys) -%}
    {{ return(adapter.dispatch('fullstory_distinct_on', 'fullstory_assets')(keys)) }}
{%- endmacro %}

{% macro default__fullstory_distinct_on(keys) -%}{%- endmacro %}

{% macro redshift__fullstory_distinct_on(keys) -%}{%- endmacro %}

{% macro postgres__fullstory_distinct_on(keys) -%}distinct on ({{ keys | join(', ') }}) {% endmacro %}


{% macro fullstory_keep_first(keys, order_by) -%}
    {{ return(adapter.dispatch('fullstory_keep_first', 'fullstory_assets')(keys, order_by)) }}
{%- endmacro %}

{% macro default__fullstory_keep_first(keys, order_by) -%}
    qualify
        row_number() over (
            partition by {{ keys | join(', ') }}
            order by
                {{ order_by | join(',\n                ') }}
        ) = 1
{%- endmacro %}

{% macro redshift__fullstory_keep_first(keys, order_by) -%}
    {{ default__fullstory_keep_first(keys, fullstory_desc_nulls_last(order_by)) }}
{%- endmacro %}

{% macro snowflake__fullstory_keep_first(keys, order_by) -%}
    {{ default__fullstory_keep_first(keys, fullstory_desc_nulls_last(order_by)) }}
{%- endmacro %}

{% macro postgres__fullstory_keep_first(keys, order_by) -%}
    order by {{ keys | join(', ') }}, {{ fullstory_desc_nulls_last(order_by) | join(', ') }}
{%- endmacro %}

{% macro fullstory_desc_nulls_last(order_by) -%}
    {%- set lines = [] -%}
    {%- for line in order_by -%}
        {%- do lines.append((line ~ ',') | replace(' desc,', ' desc nulls last,') | trim(',')) -%}
    {%- endfor -%}
    {{ return(lines) }}
{%- endmacro %}


{#- `relation.*` but the `excluded` columns. Warehouses without `* exclude`/`* except` name the
    `remaining` columns instead. -#}
{% macro fullstory_star_exclude(relation, excluded, remaining) -%}
    {{ return(adapter.dispatch('fullstory_star_exclude', 'fullstory_assets')(
        relation, excluded, remaining)) }}
{%- endmacro %}

{% macro default__fullstory_star_exclude(relation, excluded, remaining) -%}
    {{ relation }}.* except ({{ excluded | join(', ') }})
{%- endmacro %}

{% macro duckdb__fullstory_star_exclude(relation, excluded, remaining) -%}
    {{ relation }}.* exclude ({{ excluded | join(', ') }})
{%- endmacro %}

{% macro snowflake__fullstory_star_exclude(relation, excluded, remaining) -%}
    {{ relation }}.* exclude ({{ excluded | join(', ') }})
{%- endmacro %}

{% macro postgres__fullstory_star_exclude(relation, excluded, remaining) -%}
    {%- for column in remaining %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}
