{{ config(alias=fullstory_model_name('funnels')) }}

{#- One row per session start day × funnel × step, for every day on which a session entered the
    funnel. A view over the partitioned int_fullstory__session_funnels. The median is exact and
    portable (BigQuery has no median aggregate): the middle row, or the mean of the two middle
    rows, of the converting sessions ranked by time to the next step. -#}

with

session_steps as (
    select
        {{ fullstory_utc_date('session_start_time') }} as day,
        full_session_id,
        funnel_name,
        step_number,
        seconds_from_previous_step
    from {{ ref('int_fullstory__session_funnels') }}
),

steps as (
    select
        funnel_name,
        step_number,
        step_name,
        max(step_number) over (partition by funnel_name) as last_step_number
    from {{ ref('fullstory_funnel_steps') }}
),

transitions as (
    select
        this_step.day,
        this_step.funnel_name,
        this_step.step_number,
        next_step.full_session_id as converted_session_id,
        next_step.seconds_from_previous_step as seconds_to_next
    from session_steps as this_step
    left join session_steps as next_step
        on
            this_step.full_session_id = next_step.full_session_id
            and this_step.funnel_name = next_step.funnel_name
            and next_step.step_number = this_step.step_number + 1
),

ranked as (
    select
        day,
        funnel_name,
        step_number,
        seconds_to_next,
        row_number() over (
            partition by day, funnel_name, step_number order by seconds_to_next
        ) as position,
        count(*) over (partition by day, funnel_name, step_number) as converting
    from transitions
    where converted_session_id is not null
),

medians as (
    select
        day,
        funnel_name,
        step_number,
        avg(cast(seconds_to_next as {{ fullstory_type_double() }})) as median_seconds_to_next
    from ranked
    where 2 * position between converting and converting + 2
    group by day, funnel_name, step_number
),

counts as (
    select
        day,
        funnel_name,
        step_number,
        count(*) as sessions_entered,
        count(converted_session_id) as sessions_converted
    from transitions
    group by day, funnel_name, step_number
),

final as (
    select
        entered.day,
        steps.funnel_name,
        steps.step_number,
        steps.step_name,
        coalesce(counts.sessions_entered, 0) as sessions_entered,
        case
            when steps.step_number < steps.last_step_number
                then coalesce(counts.sessions_converted, 0)
        end as sessions_converted,
        case when steps.step_number < steps.last_step_number then
            cast(counts.sessions_converted as {{ fullstory_type_double() }})
            / counts.sessions_entered
        end as conversion_rate,
        medians.median_seconds_to_next
    from counts as entered
    inner join steps on entered.funnel_name = steps.funnel_name
    left join counts
        on
            entered.day = counts.day
            and steps.funnel_name = counts.funnel_name
            and steps.step_number = counts.step_number
    left join medians
        on
            entered.day = medians.day
            and steps.funnel_name = medians.funnel_name
            and steps.step_number = medians.step_number
    where entered.step_number = 1
)

select * from final
