{#- Small differences of SQL dialect that the models share. -#}

{#- `expression` (a timestamp) plus `hours` hours, still a timestamp. -#}
{% macro fullstory_add_hours(expression, hours) %}
    {{ return(adapter.dispatch('fullstory_add_hours', 'fullstory_assets')(expression, hours)) }}
{% endmacro %}

{% macro default__fullstory_add_hours(expression, hours) %}
    {{ return(dbt.dateadd('hour', hours, expression)) }}
{% endmacro %}

{% macro bigquery__fullstory_add_hours(expression, hours) -%}
    {#- dbt.dateadd casts to DATETIME on BigQuery, which a TIMESTAMP cannot be compared with. -#}
    timestamp_add({{ expression }}, interval {{ hours }} hour)
{%- endmacro %}


{#- The layout of a partitioned table: by the UTC day of timestamp `column`, clustered by
    `columns`. Only BigQuery's tables take one (dbt-duckdb would warn: DuckLake only). -#}
{% macro fullstory_partition_by(column) %}
    {{ return(adapter.dispatch('fullstory_partition_by', 'fullstory_assets')(column)) }}
{% endmacro %}

{% macro default__fullstory_partition_by(column) %}
    {{ return(none) }}
{% endmacro %}

{% macro bigquery__fullstory_partition_by(column) %}
    {{ return({'field': column, 'data_type': 'timestamp', 'granularity': 'day'}) }}
{% endmacro %}


{% macro fullstory_cluster_by(columns) %}
    {{ return(adapter.dispatch('fullstory_cluster_by', 'fullstory_assets')(columns)) }}
{% endmacro %}

{% macro default__fullstory_cluster_by(columns) %}
    {{ return(none) }}
{% endmacro %}

{% macro bigquery__fullstory_cluster_by(columns) %}
    {{ return(columns) }}
{% endmacro %}
