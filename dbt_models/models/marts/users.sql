{{ config(alias=fullstory_model_name('users')) }}

{#- One row per person: identified users by user id, with the anonymous sessions stitched to
    them (sessions.stitched_user_id), so an anonymous-then-identified history counts once; devices
    never identified as anon_<device_id>. Each aggregates all of its sessions; last_* values are
    the latest non-null ones. -#}
{%- set latest = ['end_time', 'start_time', 'full_session_id'] -%}
{%- set type_totals = [] -%}
{%- for event_type in fullstory_event_types() -%}
    {%- do type_totals.append(
        'cast(sum(total_' ~ event_type ~ '_events) as bigint) as total_' ~ event_type ~ '_events'
    ) -%}
{%- endfor -%}
{%- set last_columns = ['last_email', 'last_display_name', 'last_user_agent', 'last_device_type',
    'last_operating_system', 'last_browser', 'last_browser_version', 'last_ip_address',
    'last_country', 'last_region', 'last_city', 'last_lat_long'] -%}

with

sessions as (
    select * from {{ ref('sessions') }}
),

final as (
    select
        coalesce(stitched_user_id, user_id) as user_id,
        max(updated_time) as updated_time,
        max(end_time) as last_event_time,
        {%- for column in last_columns %}
        {{ fullstory_last_value(column, latest) }} as {{ column }},
        {%- endfor %}
        {#- Sums stay bigint (DuckDB widens sum(bigint) to hugeint). #}
        cast(sum(total_events) as bigint) as total_events,
        count(*) as total_sessions,
        cast(sum(duration) as bigint) as total_session_duration,
        cast(sum(total_web_events) as bigint) as total_web_events,
        count(case when total_web_events > 0 then 1 end) as total_web_sessions,
        cast(sum(total_mobile_app_events) as bigint) as total_mobile_app_events,
        count(case when total_mobile_app_events > 0 then 1 end) as total_mobile_app_sessions,
        {{ type_totals | join(',\n        ') }}
    from sessions
    group by coalesce(stitched_user_id, user_id)
)

select * from final
