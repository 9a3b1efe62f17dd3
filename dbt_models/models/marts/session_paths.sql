{#- One row per session with page views: its first N page paths in order (N =
    fullstory_session_path_length), as columns and joined with ' > '. A view over page_views,
    so it is as current as that table. Portable: no ordered string_agg, which differs by engine. -#}
{%- set length = var('fullstory_session_path_length') | int -%}
{#- Each known path preceded by ' > ' (the leading one cut below): a view without a URL path
    leaves no empty step, and a NULL cannot void the whole text. -#}
{%- set steps = [] -%}
{%- for k in range(1, length + 1) -%}
    {%- do steps.append('case when path_' ~ k ~ ' is not null then '
        ~ dbt.concat(["' > '", 'path_' ~ k]) ~ " else '' end") -%}
{%- endfor %}
with

page_views as (
    select * from {{ ref('page_views') }}
),

sessions as (
    select
        full_session_id,
        min(start_time) as start_time,
        {%- for k in range(1, length + 1) %}
        max(case when page_view_number = {{ k }} then url_path end) as path_{{ k }},
        {%- endfor %}
        count(*) as page_view_count
    from page_views
    group by full_session_id
),

final as (
    select
        full_session_id,
        start_time,
        page_view_count,
        {%- for k in range(1, length + 1) %}
        path_{{ k }},
        {%- endfor %}
        nullif(substr({{ dbt.concat(steps) }}, 4), '') as path  -- noqa: RF04
    from sessions
)

select * from final
