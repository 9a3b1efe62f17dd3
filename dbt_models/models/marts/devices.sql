{{ config(alias=fullstory_model_name('devices')) }}

{#- One row per session that has device-side (non-server) events: its last such event, with the
    session's latest known device and location values. event_seq_num_desc ranks a device's rows,
    newest first; as a view it never goes stale. -#}

with

sessions as (
    select * from {{ ref('int_fullstory__sessions') }}
    where device_event_id is not null
),

final as (
    select
        device_event_id as event_id,
        device_id as id,
        device_event_time as event_time,
        device_event_updated_time as updated_time,
        device_event_processed_time as processed_time,
        last_user_agent as user_agent,
        -- the package's column name, a keyword
        last_device_type as type,  -- noqa: RF04
        last_operating_system as operating_system,
        last_browser as browser,
        last_browser_version as browser_version,
        last_ip_address as geo_ip_address,
        last_country as geo_country,
        last_region as geo_region,
        last_city as geo_city,
        last_lat_long as geo_lat_long,
        device_event_source_type as source_type,
        row_number() over (
            partition by device_id
            order by
                device_event_time desc, device_event_updated_time desc,
                device_event_processed_time desc, device_event_id desc
        ) as event_seq_num_desc
    from sessions
)

select * from final
