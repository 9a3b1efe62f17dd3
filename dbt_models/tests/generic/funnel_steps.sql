{#- Funnels whose steps are not numbered 1..n, or have more steps than the models compute
    (the fullstory_funnel_max_steps var): with unique (funnel_name, step_number), a funnel is
    numbered 1..n exactly when its smallest number is 1 and its largest is its row count. -#}
{% test funnel_steps_numbered(model) %}
    select
        funnel_name,
        min(step_number) as first_step,
        max(step_number) as last_step,
        count(*) as steps
    from {{ model }}
    group by funnel_name
    having
        min(step_number) != 1
        or max(step_number) != count(*)
        or max(step_number) > {{ var('fullstory_funnel_max_steps') | int }}
{% endtest %}


{#- Steps that cannot match as meant: not exactly one of page_path_pattern and event_type, a
    property_name outside the allow-list (macros/funnels.sql), or a name without a value. -#}
{% test funnel_step_matchers_valid(model) %}
    {%- set allowed = fullstory_funnel_property_columns() -%}
    with

    steps as (
        select
            funnel_name,
            step_number,
            nullif(page_path_pattern, '') as page_path_pattern,
            nullif(event_type, '') as event_type,
            nullif(property_name, '') as property_name,
            property_value
        from {{ model }}
    )

    select *
    from steps
    where
        (page_path_pattern is null) = (event_type is null)
        or property_name not in ('{{ allowed | join("', '") }}')
        or (property_name is null) != (property_value is null)
{% endtest %}
