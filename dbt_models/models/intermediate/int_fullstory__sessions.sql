{{ config(
    partition_column='start_time',
    unique_key='full_session_id',
    partition_by=fullstory_partition_by('start_time'),
    cluster_by=fullstory_cluster_by(['full_session_id']),
) }}

{#- One row per session (device_id:session_id), partitioned by the UTC day of its first event.
    Events are read `fullstory_session_lookaround_hours` beyond the window so a session that
    crosses midnight is computed from all of its events and lands on its start day only. -#}
{%- set latest = ['event_time', 'updated_time', 'processed_time', 'event_id'] -%}
{%- set attributes = {
    'last_source_type': 'source_type', 'last_email': 'user_email',
    'last_display_name': 'user_display_name', 'last_user_agent': 'device_user_agent',
    'last_device_type': 'device_type', 'last_operating_system': 'device_operating_system',
    'last_browser': 'device_browser', 'last_browser_version': 'device_browser_version',
    'last_ip_address': 'geo_ip_address', 'last_country': 'geo_country',
    'last_region': 'geo_region', 'last_city': 'geo_city', 'last_lat_long': 'geo_lat_long'} -%}
{#- The columns read, named: events has columns staging lacks, and the two are unioned. -#}
{%- set columns = (['full_session_id', 'event_id', 'device_id', 'session_id', 'event_type',
    'user_id', 'url_full_url'] + latest + (attributes.values() | list)) | unique | list -%}

-- depends_on: {{ ref('events') }}
with

{{ fullstory_session_events_ctes(columns) }}

{{ fullstory_earlier_sessions_cte() }}

events as (
    select
        *,
        case when source_type != 'server' then event_id end as device_event_id
    from session_events
),

sessions as (
    select
        full_session_id,
        {{ fullstory_last_value('user_id', latest) }} as identified_user_id,
        min(device_id) as device_id,
        min(session_id) as session_id,
        min(event_time) as start_time,
        max(event_time) as end_time,
        max(updated_time) as updated_time,
        {#- Staging leaves one row per event, so counting rows counts distinct events. #}
        count(*) as total_events,
        count(case when source_type = 'web' then 1 end) as total_web_events,
        count(case when source_type = 'mobile_app' then 1 end) as total_mobile_app_events,
        count(case when event_type = 'navigate' then 1 end) as total_page_views,
        count(distinct case when event_type = 'navigate' then url_full_url end)
            as total_unique_urls,
        {%- for event_type in fullstory_event_types() %}
        count(case when event_type = '{{ event_type }}' then 1 end)
            as total_{{ event_type }}_events,
        {%- endfor %}
        {%- for name, column in attributes.items() %}
        {{ fullstory_last_value(column, latest) }} as {{ name }},
        {%- endfor %}
        {#- The session's last device-side event: the row the devices model shows. #}
        {{ fullstory_last_value('device_event_id', latest) }} as device_event_id
    from events
    group by full_session_id
),

device_events as (
    select
        full_session_id,
        event_id as device_event_id,
        event_time as device_event_time,
        updated_time as device_event_updated_time,
        processed_time as device_event_processed_time,
        source_type as device_event_source_type
    from events
    where device_event_id is not null
),

final as (
    select
        sessions.*,
        {{ fullstory_star_exclude('device_events', ['full_session_id', 'device_event_id'], [
            'device_event_time', 'device_event_updated_time', 'device_event_processed_time',
            'device_event_source_type']) }}
    from sessions
    left join device_events using (full_session_id, device_event_id)
    where
        {{ fullstory_window_filter('sessions.start_time') }}
        and sessions.full_session_id not in (
            select earlier_sessions.full_session_id from earlier_sessions
        )
)

select * from final
