{#- Rows where any of `columns` is NULL: one query (one asset check) per model instead of one
    per column, which keeps a partition run's test overhead small. -#}
{% test not_null_columns(model, columns) %}
    select *
    from {{ model }}
    where
        {%- for column in columns %}
        {{ column }} is null{{ " or" if not loop.last }}
        {%- endfor %}
{% endtest %}
