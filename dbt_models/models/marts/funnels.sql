{{ config(alias=fullstory_model_name('funnels')) }}

{#- One row per session start day × funnel × step, on every day a session entered the funnel.
    A view over int_fullstory__session_funnels. The median is exact and the same everywhere
    (BigQuery has no median aggregate): the middle one, or the mean of the two middle ones, of
    the n converting sessions ranked 1..n by seconds to the next step (2 * rank in [n, n + 2]). -#}
{%- set double = fullstory_type_double() %}

with

session_steps as (
    select
        {{ fullstory_utc_date('session_start_time') }} as day,  -- noqa: RF04
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
    {#- Each step a session reached, and its seconds to the next: NULL if it went no further. #}
    select
        this_step.day,
        this_step.funnel_name,
        this_step.step_number,
        next_step.seconds_from_previous_step as seconds_to_next,
        row_number() over (
            partition by this_step.day, this_step.funnel_name, this_step.step_number
            order by next_step.seconds_from_previous_step nulls last
        ) as converting_rank,
        count(next_step.seconds_from_previous_step) over (
            partition by this_step.day, this_step.funnel_name, this_step.step_number
        ) as converting
    from session_steps as this_step
    left join session_steps as next_step
        on
            this_step.full_session_id = next_step.full_session_id
            and this_step.funnel_name = next_step.funnel_name
            and this_step.step_number + 1 = next_step.step_number
),

per_step as (
    select
        day,
        funnel_name,
        step_number,
        count(*) as sessions_entered,
        count(seconds_to_next) as sessions_converted,
        avg(case
            when 2 * converting_rank between converting and converting + 2
                then cast(seconds_to_next as {{ double }})
        end) as median_seconds_to_next
    from transitions
    group by day, funnel_name, step_number
),

final as (
    select
        funnel_days.day,
        steps.funnel_name,
        steps.step_number,
        steps.step_name,
        coalesce(per_step.sessions_entered, 0) as sessions_entered,
        case
            when steps.step_number < steps.last_step_number
                then coalesce(per_step.sessions_converted, 0)
        end as sessions_converted,
        case
            when steps.step_number < steps.last_step_number
                then cast(per_step.sessions_converted as {{ double }}) / per_step.sessions_entered
        end as conversion_rate,
        per_step.median_seconds_to_next
    from per_step as funnel_days
    inner join steps on funnel_days.funnel_name = steps.funnel_name
    left join per_step
        on
            funnel_days.day = per_step.day
            and steps.funnel_name = per_step.funnel_name
            and steps.step_number = per_step.step_number
    where funnel_days.step_number = 1
)

select * from final
