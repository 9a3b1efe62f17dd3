{#
  Custom incremental strategy: replace exactly the rows of the run's partition window.
  The model's config names its `partition_column` (event_time for events, start_time for
  sessions). The delete and the insert run in the materialization's single transaction, so a
  failed or killed run leaves the previous contents of the partition in place. Outside a
  partitioned run the model computed all history, so every row is replaced.
#}
{% macro get_incremental_partition_window_sql(arg_dict) %}
    {% set target = arg_dict['target_relation'] %}
    {% set source = arg_dict['temp_relation'] %}
    {% set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) %}
    {% set partition_column = config.require('partition_column') %}
    {% set window = fullstory_partition_window() %}

    delete from {{ target }}
    {% if window is not none %}
        where {{ partition_column }} >= cast('{{ window.start }}' as {{ dbt.type_timestamp() }})
        and {{ partition_column }} < cast('{{ window.end }}' as {{ dbt.type_timestamp() }})
    {% endif %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{% endmacro %}
