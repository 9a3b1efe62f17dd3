{#- Rows where any of `columns` is NULL: one query (one asset check) per model instead of one
    per column, which keeps a partition run's test overhead small. Only those columns are read,
    so a view computes nothing else (a whole-history view's other aggregates are skipped). -#}
{% test not_null_columns(model, columns) %}
    select {{ columns | join(', ') }}
    from {{ model }}
    where
        {%- for column in columns %}
        {{ column }} is null{{ " or" if not loop.last }}
        {%- endfor %}
{% endtest %}
