{#
  Tests on the events table look at the run's partition window only, so their cost follows the
  partition, not the history (a full refresh or a plain `dbt build` still tests every row).
  Overrides dbt's get_where_subquery, which wraps the relation every generic test reads.
#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- if config.get('where') -%}
        {%- do filters.append(config.get('where')) -%}
    {%- endif -%}
    {%- set window = fullstory_partition_window() -%}
    {%- set tested = (model.attached_node or '').split('.')[-1] -%}
    {%- if window is not none and tested == 'events' -%}
        {%- do filters.append(
            "event_time >= " ~ fullstory_utc_timestamp(window.start)
            ~ " and event_time < " ~ fullstory_utc_timestamp(window.end)) -%}
    {%- endif -%}
    {%- if filters -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ (filters | join(" and ")) ~ ") dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
