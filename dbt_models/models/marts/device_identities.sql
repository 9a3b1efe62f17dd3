{{ config(alias=fullstory_model_name('device_identities')) }}

{#- One row per identity span of a device: a run of identifies of the same user on it, in
    (event_time, event_id) order. A span is valid from its first identify until the first identify
    of the next span; the first span also covers the device's anonymous events before it. -#}
{%- set in_order = 'partition by device_id order by event_time, event_id' -%}

with

identifies as (
    select * from {{ ref('int_fullstory__identifies') }}
),

span_starts as (
    select
        *,
        case
            when lag(user_id) over ({{ in_order }}) = user_id then 0 else 1
        end as starts_span
    from identifies
),

numbered as (
    select
        *,
        sum(starts_span) over ({{ in_order }} rows between unbounded preceding and current row)
            as span_number
    from span_starts
),

spans as (
    select
        device_id,
        cast(span_number as bigint) as span_number,
        min(user_id) as user_id,
        min(event_time) as first_identify_time,
        max(event_time) as last_identify_time,
        count(*) as total_identifies
    from numbered
    group by device_id, span_number
),

final as (
    select
        {{ dbt.concat(['device_id', "':'", 'cast(span_number as ' ~ dbt.type_string() ~ ')']) }}
            as device_identity_id,
        device_id,
        span_number,
        user_id,
        case when span_number > 1 then first_identify_time end as valid_from,
        lead(first_identify_time) over (partition by device_id order by span_number) as valid_to,
        first_identify_time,
        last_identify_time,
        total_identifies
    from spans
)

select * from final
