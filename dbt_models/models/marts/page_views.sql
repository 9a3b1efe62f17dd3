{{ config(
    materialized='incremental',
    incremental_strategy='partition_window',
    partition_column='start_time',
    unique_key='page_view_id',
    partition_by=fullstory_partition_by('start_time'),
    cluster_by=fullstory_cluster_by(['full_session_id']),
) }}

{#- One row per page view, partitioned by the UTC day of its first event. Neighbours and entry/exit
    need the whole session: a partition run reads all events of the sessions with events in its
    window, widened by fullstory_session_lookaround_hours on both sides, and keeps the views that
    start in the window (a view crossing midnight lands on its start day only). -#}
{%- set lookaround_hours = fullstory_var('fullstory_session_lookaround_hours') -%}
{%- set gap_cap = var('fullstory_page_view_engagement_gap_seconds') | int -%}
{%- set gap_seconds = fullstory_seconds_between('previous_event_time', 'event_time') | trim -%}
{%- set columns = ['event_id', 'full_session_id', 'device_id', 'session_id', 'view_id',
    'event_time', 'event_type', 'url_full_url', 'url_host', 'url_path', 'page_title',
    'initial_referrer_full_url'] | join(', ') -%}
{#- Each is taken from the view's first event (by event_time, event_id) that carries it; host
    and path from the first that carries a URL. -#}
{%- set first = ['-view_event_number'] -%}
{%- set first_with_url = ['has_url', '-view_event_number'] -%}
{%- set in_view = 'partition by full_session_id, view_id order by ' -%}
{%- set in_session = 'partition by full_session_id order by start_time, view_number' -%}
{%- set reuse_events = fullstory_partition_window() is not none and is_incremental()
    and ('model.' ~ project_name ~ '.events') in selected_resources %}
-- depends_on: {{ ref('events') }}
with

window_events as (
    select {{ columns }}
    from {{ ref('events') if reuse_events else ref('stg_fullstory__events') }}
    where
        view_id is not null and full_session_id is not null
        and {{ fullstory_window_filter('event_time') }}
),

{# The rest of the window's sessions, in the hours around it (none on a full rebuild). #}
around_events as (
    select {{ columns }}
    from {{ ref('stg_fullstory__events') }}
    where
        full_session_id in (select window_events.full_session_id from window_events)
        and view_id is not null
        and {{ fullstory_window_filter('event_time', lookaround_hours) }}
        and not ({{ fullstory_window_filter('event_time') }})
),

session_events as (
    select * from window_events
    union all
    select * from around_events
),

ranked as (
    select
        *,
        {{ dbt.concat(['full_session_id', "':'", 'view_id']) }} as page_view_id,
        case when url_full_url is not null then 1 else 0 end as has_url,
        {#- One ordering of the view's events serves both: first values and gaps. #}
        row_number() over ({{ in_view }}event_time, event_id) as view_event_number,
        {#- The first event's own time, no gap: least() skips NULLs on some engines. #}
        coalesce(lag(event_time) over ({{ in_view }}event_time, event_id), event_time)
            as previous_event_time
    from session_events
),

views as (
    select
        page_view_id,
        min(full_session_id) as full_session_id,
        min(device_id) as device_id,
        min(session_id) as session_id,
        min(view_id) as view_id,
        cast(min(view_id) as {{ dbt.type_bigint() }}) as view_number,
        {{ fullstory_last_value('url_full_url', first) }} as url,
        {{ fullstory_last_value('url_host', first_with_url) }} as url_host,
        {{ fullstory_last_value('url_path', first_with_url) }} as url_path,
        {{ fullstory_last_value('page_title', first) }} as title,
        {{ fullstory_last_value('initial_referrer_full_url', first) }} as initial_referrer,
        min(event_time) as start_time,
        max(event_time) as end_time,
        {#- Each gap to the previous event in whole seconds, rounded down, counts up to the cap. #}
        sum(least({{ gap_seconds }}, {{ gap_cap }})) as engaged_time_seconds,
        count(*) as total_events,
        count(case when event_type = 'click' then 1 end) as total_clicks
    from ranked
    group by page_view_id
),

sequenced as (
    select
        page_view_id, full_session_id, device_id, session_id, view_id,
        row_number() over ({{ in_session }}) as page_view_number,
        url, url_host, url_path,
        {#- The previous page's URL; on the session's entry page, the initial referrer's. #}
        case
            when lag(page_view_id) over ({{ in_session }}) is null then initial_referrer
            else lag(url) over ({{ in_session }})
        end as referrer,
        title, start_time, end_time,
        {{ fullstory_seconds_between('start_time', 'end_time') }} as time_on_page_seconds,
        engaged_time_seconds, total_events, total_clicks,
        lag(page_view_id) over ({{ in_session }}) is null as is_entry,
        lead(page_view_id) over ({{ in_session }}) is null as is_exit,
        lag(url_path) over ({{ in_session }}) as previous_page_path,
        lead(url_path) over ({{ in_session }}) as next_page_path
    from views
),

{# Only now: the neighbours above were computed over whole sessions. #}
final as (
    select * from sequenced
    where {{ fullstory_window_filter('start_time') }}
)

select * from final
