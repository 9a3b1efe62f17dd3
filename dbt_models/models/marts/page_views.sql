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
{%- set gap_cap = var('fullstory_page_view_engagement_gap_seconds') | int -%}
{%- set gap_seconds = fullstory_seconds_between('previous_event_time', 'event_time') | trim -%}
{%- set columns = ['event_id', 'full_session_id', 'device_id', 'session_id', 'view_id',
    'event_time', 'event_type', 'url_full_url', 'url_host', 'url_path', 'page_title',
    'initial_referrer_full_url'] -%}
{#- Each is taken from the view's first event (by event_time, event_id) that carries it; host
    and path from the first that carries a URL. -#}
{%- set first = ['-view_event_number'] -%}
{%- set first_with_url = ['has_url', '-view_event_number'] -%}
{%- set in_view = 'partition by full_session_id, view_id order by ' -%}
{%- set in_session = 'partition by full_session_id order by start_time, view_number' -%}
-- depends_on: {{ ref('events') }}
with

{{ fullstory_session_events_ctes(columns, sides=['before', 'after']) }}

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
    where view_id is not null
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
