{{ config(alias=fullstory_model_name('sessions')) }}

{#- One row per session. A view over the partitioned session table, so desc_row_num (a rank
    across all of a user's sessions) and stitched_user_id (a late identify on the device can
    change it) are always current, never stale stored values. -#}

with

sessions as (
    select * from {{ ref('int_fullstory__sessions') }}
),

spans as (
    select * from {{ ref('device_identities') }}
),

stitched as (
    {#- An identified session belongs to its user; an anonymous one to the device's identity
        span at its start: the user identified later on the device, or the one before. #}
    select
        sessions.*,
        coalesce(sessions.identified_user_id, spans.user_id) as stitched_user_id
    from sessions
    left join spans
        on
            sessions.device_id = spans.device_id
            and (spans.valid_from is null or sessions.start_time >= spans.valid_from)
            and (spans.valid_to is null or sessions.start_time < spans.valid_to)
),

final as (
    select
        full_session_id,
        coalesce(identified_user_id, {{ dbt.concat(["'anon_'", 'device_id']) }}) as user_id,
        device_id,
        session_id,
        start_time,
        end_time,
        updated_time,
        {{ fullstory_seconds_between('start_time', 'end_time') }} as duration,
        {{ fullstory_replay_url('device_id', 'session_id') }} as replay_url,
        total_events,
        total_web_events,
        total_mobile_app_events,
        total_page_views,
        total_unique_urls,
        {%- for event_type in fullstory_event_types() %}
        total_{{ event_type }}_events,
        {%- endfor %}
        row_number() over (
            partition by coalesce(identified_user_id, {{ dbt.concat(["'anon_'", 'device_id']) }})
            order by end_time desc, start_time desc, full_session_id desc
        ) as desc_row_num,
        last_source_type,
        last_email,
        last_display_name,
        last_user_agent,
        last_device_type,
        last_operating_system,
        last_browser,
        last_browser_version,
        last_ip_address,
        last_country,
        last_region,
        last_city,
        last_lat_long,
        stitched_user_id
    from stitched
)

select * from final
