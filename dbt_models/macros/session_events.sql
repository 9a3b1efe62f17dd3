{#
  The events of a partition run's sessions, for the models computed over whole sessions
  (int_fullstory__sessions, page_views, int_fullstory__session_funnels): two CTEs, each ending
  with a comma.
  - `window_events`: the window's events that belong to a session (and satisfy `where`), `columns`
    only. A run that has just rebuilt the same days of events reads them from there, parsed once.
  - `session_events`: those, plus the same sessions' events in the
    fullstory_session_lookaround_hours after the window (`sides` ['after']) or on both sides
    (['before', 'after']), so a session crossing midnight is computed from all of its events.
    Those hours are read from the current raw table, never from stored events, which may not have
    caught up with it yet; only the sessions' events are kept, before their JSON is parsed.
  `sessions` is the subquery naming those sessions (default: every session with events in the
  window); `where`, a predicate on columns the raw table has too, keeps only the events a model
  can use.
  On a full rebuild the window is all history: there is nothing around it.
  The caller carries `-- depends_on: {{ ref('events') }}`: events is read only while executing.
#}
{% macro fullstory_session_events_ctes(columns, sides=['after'], sessions=none, where=none) %}
    {%- set window = fullstory_partition_window() if is_incremental() else none -%}
    {%- set hours = fullstory_var('fullstory_session_lookaround_hours') -%}
    {%- set window_source = fullstory_window_events_source() -%}
    {#- Read apart from window_events: a CTE read twice is materialized with all its columns, one
        read once streams. -#}
    {%- set sessions_in_window -%}
        select distinct full_session_id from {{ window_source }}
        where full_session_id is not null and {{ fullstory_window_filter('event_time') }}
    {%- endset -%}
window_events as (
    select {{ columns | join(', ') }}
    from {{ window_source }}
    where
        full_session_id is not null and {{ fullstory_window_filter('event_time') }}
        {%- if where is not none %}
        and ({{ where }})
        {%- endif %}
),

session_events as (
    select * from window_events
    {%- if window is not none %}
    {%- for side in sides %}
    union all
    select {{ columns | join(', ') }}
    from (  -- noqa: ST05
        {{ fullstory_current_events(
            sessions=sessions or sessions_in_window,
            where=where) }}
    ) as current_events
    where {{ fullstory_lookaround_filter('event_time', {'before': 'start', 'after': 'end'}[side],
        hours) }}
    {%- endfor %}
    {%- endif %}
),
{% endmacro %}


{#- Where a model reads the run window's events: events when the same run has just rebuilt them
    (parsed once), else staging. -#}
{% macro fullstory_window_events_source() %}
    {%- set reuse_events = fullstory_partition_window() is not none and is_incremental()
        and ('model.' ~ project_name ~ '.events') in selected_resources -%}
    {{ return(ref('events') if reuse_events else ref('stg_fullstory__events')) }}
{% endmacro %}


{#- The CTE `earlier_sessions` (ending with a comma): sessions under way when the window starts,
    i.e. with events in the lookaround hours before it. They began on an earlier day, so the
    models stored by session start day leave them out. None on a full rebuild. -#}
{% macro fullstory_earlier_sessions_cte() %}
earlier_sessions as (
    select distinct full_session_id
    from {{ ref('stg_fullstory__events') }}
    where
        full_session_id is not null
        and {{ fullstory_lookaround_filter('event_time', 'start',
            fullstory_var('fullstory_session_lookaround_hours')) }}
),
{% endmacro %}
