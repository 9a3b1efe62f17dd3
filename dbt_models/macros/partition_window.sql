{#
  The event-day window of a partitioned run, [start, end), handed over by Dagster in the
  environment (FULLSTORY_PARTITION_START / _END). It is read only while executing, never while
  parsing, so the manifest is parsed once and serves every partition (vars would force a
  re-parse on every run).
#}
{% macro fullstory_partition_window() %}
    {% if execute %}
        {% set start = env_var('FULLSTORY_PARTITION_START', '') %}
        {% set end = env_var('FULLSTORY_PARTITION_END', '') %}
        {% if start and end %}
            {{ return({'start': start, 'end': end}) }}
        {% endif %}
    {% endif %}
    {{ return(none) }}
{% endmacro %}


{#
  A predicate keeping rows whose `column` lies in the run's window. It is `true` when the model
  is built from scratch (first run, --full-refresh) or run outside a partitioned run: then it
  covers all history.
#}
{% macro fullstory_window_filter(column) %}
    {% set window = fullstory_partition_window() %}
    {% if window is none or not is_incremental() %}
        true
    {% else %}
        {{ column }} >= {{ fullstory_utc_timestamp(window.start) }}
        and {{ column }} < {{ fullstory_utc_timestamp(window.end) }}
    {% endif %}
{% endmacro %}


{% macro fullstory_timestamp_add(literal, hours) %}
    {{ fullstory_add_hours(fullstory_utc_timestamp(literal), hours) }}
{% endmacro %}


{#
  The UTC time `literal` ('YYYY-MM-DD[ HH:MM:SS]') as a timestamp to compare with event times.
  Where those are TIMESTAMPTZ (Redshift, PostgreSQL), a plain cast would read the literal in the
  session's time zone, so a client whose zone is not UTC would shift every partition's bounds.
#}
{% macro fullstory_utc_timestamp(literal) %}
    {{ return(adapter.dispatch('fullstory_utc_timestamp', 'fullstory_assets')(literal)) }}
{% endmacro %}

{% macro default__fullstory_utc_timestamp(literal) %}
    {{ return("cast('" ~ literal ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}

{% macro postgres__fullstory_utc_timestamp(literal) %}
    {{ return("(cast('" ~ literal ~ "' as " ~ dbt.type_timestamp() ~ ") at time zone 'UTC')") }}
{% endmacro %}


{#
  A predicate keeping rows whose `column` lies within `hours` before the window's start
  (`edge` 'start') or after its end (`edge` 'end'); `false` when the model is built from scratch,
  as the window then covers all history.
#}
{% macro fullstory_lookaround_filter(column, edge, hours) %}
    {% set window = fullstory_partition_window() %}
    {% if window is none or not is_incremental() %}
        false
    {% else %}
        {% set bounds = [-1 * (hours | int), 0] if edge == 'start' else [0, hours | int] %}
        {{ column }} >= {{ fullstory_timestamp_add(window[edge], bounds[0]) }}
        and {{ column }} < {{ fullstory_timestamp_add(window[edge], bounds[1]) }}
    {% endif %}
{% endmacro %}
