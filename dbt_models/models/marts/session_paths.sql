{#- One row per session with page views: its first N page paths in order (N =
    fullstory_session_path_length), as columns and joined with ' > '. A view over page_views,
    so it is as current as that table. Portable: no ordered string_agg, which differs by engine. -#}
{%- set length = var('fullstory_session_path_length') | int -%}
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
        count(*) as page_view_count,
        {%- for k in range(1, length + 1) %}
        max(case when page_view_number = {{ k }} then url_path end) as path_{{ k }}{{ ',' if not loop.last }}
        {%- endfor %}
    from page_views
    group by full_session_id
),

{#- Each known path preceded by ' > ', then the leading separator cut: a view without a URL path
    leaves no empty step (a NULL would void the whole text on most engines). -#}
final as (
    select
        sessions.*,
        nullif(substr({{ dbt.concat(steps) }}, 4), '') as path
    from sessions
)

select * from final
