{#- Rows breaking any of `expressions` (SQL predicates on one row): one query (one asset check)
    for a model's row-level rules, as not_null_columns does for its not-null columns. A NULL
    result counts as broken, so the rules need their columns present. -#}
{% test rows_satisfy(model, expressions) %}
    select *
    from {{ model }}
    where
        {%- for expression in expressions %}
        not coalesce({{ expression }}, false){{ " or" if not loop.last }}
        {%- endfor %}
{% endtest %}
