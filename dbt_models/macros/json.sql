{#
  JSON is parsed once per row: `fullstory_parse_json` turns a column into one parsed value,
  `fullstory_json_field` reads a path from it. Malformed JSON parses to NULL (a check counts it).
  `fields` maps output names to [path parts, kind]; kind is string, integer, boolean, object or array.
#}
{% macro fullstory_parse_json(column, fields) %}
    {{ return(adapter.dispatch('fullstory_parse_json', 'fullstory_assets')(column, fields)) }}
{% endmacro %}

{% macro default__fullstory_parse_json(column, fields) %}
    {% if var('fullstory_skip_json_parse') %}{{ column }}{% else %}safe.parse_json({{ column }}{{ fullstory_json_number_mode() }}){% endif %}
{% endmacro %}

{% macro duckdb__fullstory_parse_json(column, fields) %}
    {#- json_transform parses the text once into a typed struct of just the paths we read. -#}
    {%- set tree = {} -%}
    {%- for name, spec in fields.items() -%}
        {%- set node = namespace(level=tree) -%}
        {%- for part in spec[0][:-1] -%}
            {%- if part not in node.level -%}{%- do node.level.update({part: {}}) -%}{%- endif -%}
            {%- set node.level = node.level[part] -%}
        {%- endfor -%}
        {%- set kinds = {'string': 'VARCHAR', 'integer': 'BIGINT', 'boolean': 'BOOLEAN',
            'object': 'JSON', 'array': 'JSON'} -%}
        {%- do node.level.update({spec[0][-1]: kinds[spec[1]]}) -%}
    {%- endfor -%}
    try(json_transform({{ column }}, '{{ tojson(tree) }}'))
{% endmacro %}

{% macro postgres__fullstory_parse_json(column, fields) %}
    {%- if var('fullstory_skip_json_parse') -%}
        cast({{ column }} as jsonb)
    {%- else -%}
        {{ fullstory_try_jsonb() }}({{ column }})
    {%- endif -%}
{% endmacro %}

{% macro redshift__fullstory_parse_json(column, fields) %}
    {#- The text itself, NULL when it is not valid JSON: json_extract_path_text reads the paths.
        A SUPER column (Fullstory's Redshift sync, fullstory_skip_json_parse) is serialized. -#}
    {%- if var('fullstory_skip_json_parse') -%}
        json_serialize({{ column }})
    {%- else -%}
        case when is_valid_json({{ column }}) then {{ column }} end
    {%- endif -%}
{% endmacro %}

{% macro snowflake__fullstory_parse_json(column, fields) -%}
    {%- if fullstory_snowflake_is_variant(column) -%}{{ column }}
    {%- else -%}try_parse_json({{ column }})
    {%- endif -%}
{%- endmacro %}


{% macro fullstory_json_field(parsed, path, kind) -%}
    {{ return(adapter.dispatch('fullstory_json_field', 'fullstory_assets')(parsed, path, kind)) }}
{% endmacro %}

{% macro default__fullstory_json_field(parsed, path, kind) %}
    {%- set json_path = '$.' ~ (path | join('.')) -%}
    {%- if kind == 'object' -%}json_query({{ parsed }}, '{{ json_path }}')
    {%- elif kind == 'array' -%}json_query({{ parsed }}, '{{ json_path }}')
    {%- elif kind == 'boolean' -%}safe_cast(json_value({{ parsed }}, '{{ json_path }}') as boolean)
    {%- elif kind == 'integer' -%}safe_cast(json_value({{ parsed }}, '{{ json_path }}') as int64)
    {%- else -%}json_value({{ parsed }}, '{{ json_path }}')
    {%- endif -%}
{% endmacro %}

{% macro duckdb__fullstory_json_field(parsed, path, kind) -%}
    {{ parsed }}{% for part in path %}."{{ part }}"{% endfor %}
{%- endmacro %}

{% macro postgres__fullstory_json_field(parsed, path, kind) %}
    {#- As DuckDB's json_transform reads them: a JSON null is NULL; integers also from numeric
        strings and booleans; booleans also from numbers and 'true'/'false' text. -#}
    {%- set value = parsed ~ " #> '{" ~ (path | join(',')) ~ "}'" -%}
    {%- set text = parsed ~ " #>> '{" ~ (path | join(',')) ~ "}'" -%}
    {%- if kind in ('object', 'array') -%}
        case when jsonb_typeof({{ value }}) != 'null' then {{ value }} end
    {%- elif kind == 'boolean' -%}
        case jsonb_typeof({{ value }})
            when 'boolean' then cast({{ text }} as boolean)
            when 'number' then cast({{ text }} as numeric) != 0
            when 'string' then case
                when lower({{ text }}) in ('true', 'false', 't', 'f', '1', '0')
                    then cast({{ text }} as boolean)
            end
        end
    {%- elif kind == 'integer' -%}
        {{ fullstory_text_to_bigint(text, "jsonb_typeof(" ~ value ~ ")") }}
    {%- else -%}
        {{ text }}
    {%- endif -%}
{% endmacro %}

{% macro redshift__fullstory_json_field(parsed, path, kind) %}
    {%- set text -%}
        json_extract_path_text({{ parsed }}, '{{ path | join("', '") }}', true)
    {%- endset -%}
    {%- if kind == 'boolean' -%}
        case when lower({{ text }}) in ('true', 't', '1') then true
            when lower({{ text }}) in ('false', 'f', '0') then false end
    {%- elif kind == 'integer' -%}
        {{ fullstory_text_to_bigint(text) }}
    {%- else -%}
        {{ text }}
    {%- endif -%}
{% endmacro %}

{% macro snowflake__fullstory_json_field(parsed, path, kind) -%}
    {#- A VARIANT path. Scalars go through their text, as try_cast takes no VARIANT: a value of
        the wrong type is NULL, never an error. A JSON null is SQL NULL, as on DuckDB. -#}
    {%- set value = parsed ~ ':' ~ (path | map('tojson') | join('.')) -%}
    {%- if kind in ('object', 'array') -%}strip_null_value({{ value }})
    {%- elif kind == 'boolean' -%}try_cast({{ value }}::varchar as boolean)
    {%- elif kind == 'integer' -%}try_cast({{ value }}::varchar as bigint)
    {%- else -%}{{ value }}::varchar
    {%- endif -%}
{%- endmacro %}

{#- `text` as a bigint when it spells a number that fits one (rounded), else NULL, never an
    error; 'true'/'false' are 1/0. `json_type` (optional) is the JSON value's type. -#}
{% macro fullstory_text_to_bigint(text, json_type=none) -%}
    case
        when {% if json_type %}{{ json_type }} in ('number', 'string') and {% endif -%}
            {{ text }} ~ '^[[:space:]]*[-+]?[0-9]{1,18}([.][0-9]*)?[[:space:]]*$'
            then cast(round(cast({{ text }} as decimal(38, 6))) as bigint)
        when {{ text }} in ('true', 'false') then case when {{ text }} = 'true' then 1 else 0 end
    end
{%- endmacro %}


{#- The whole document, minified; NULL when malformed. -#}
{% macro fullstory_json_document(column) %}
    {{ return(adapter.dispatch('fullstory_json_document', 'fullstory_assets')(column)) }}
{% endmacro %}

{% macro default__fullstory_json_document(column) %}safe.parse_json({{ column }}{{ fullstory_json_number_mode() }}){% endmacro %}

{% macro duckdb__fullstory_json_document(column) %}try(json({{ column }})){% endmacro %}

{% macro postgres__fullstory_json_document(column) -%}
    {%- if var('fullstory_skip_json_parse') -%}
        cast({{ column }} as jsonb)
    {%- else -%}
        {{ fullstory_try_jsonb() }}({{ column }})
    {%- endif -%}
{%- endmacro %}

{% macro redshift__fullstory_json_document(column) -%}
    {{ redshift__fullstory_parse_json(column, {}) }}
{%- endmacro %}

{% macro snowflake__fullstory_json_document(column) %}
    {{- fullstory_parse_json(column, {}) -}}
{% endmacro %}


{#
  Whether raw column `column` of the events source holds VARIANT, as Snowflake Data Destinations
  deliver it, rather than JSON text (a copy loaded as VARCHAR). A VARIANT is read as it is: no
  parse, and nothing can be malformed. Text is parsed with try_parse_json (malformed: NULL).
  `fullstory_skip_json_parse: true` says VARIANT without looking; otherwise the raw table's
  column type decides, read when the model runs (VARIANT when the table is not there yet).
#}
{% macro fullstory_snowflake_is_variant(column) %}
    {%- if var('fullstory_skip_json_parse') or not execute -%}{{ return(true) }}{%- endif -%}
    {%- set raw_table = load_relation(source('fullstory', 'events')) -%}
    {%- if raw_table is none -%}{{ return(true) }}{%- endif -%}
    {%- for raw_column in adapter.get_columns_in_relation(raw_table) -%}
        {%- if raw_column.name | lower == column | lower -%}
            {{ return(not raw_column.is_string()) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}


{#- BigQuery's parse_json raises on a number it cannot store exactly (over 17 significant digits,
    beyond 64 bits), which SAFE. turns into a NULL document: one such user property would lose the
    whole event's fields. Rounding keeps the document, as DuckDB's parse does.
    crucible (the emulator the tests use) rejects named arguments ("syntax error at or near =>")
    and rounds already, so its test runs leave the option out. -#}
{% macro fullstory_json_number_mode() -%}
    {%- if env_var('FULLSTORY_BIGQUERY_EMULATOR', '') != 'crucible' -%}
        , wide_number_mode => 'round'
    {%- endif -%}
{%- endmacro %}


{#-
  PostgreSQL before 16 has no way to test text for valid JSON (pg_input_is_valid) but to cast it
  and catch the error, which only a function can. The staging model creates it beside itself
  (its pre-hook, inside the view's transaction), so it exists wherever staging is queried; no
  other warehouse needs one. It is not parallel safe: a caught error is a subtransaction.
-#}
{% macro fullstory_try_jsonb() -%}
    {{ adapter.quote(this.schema) }}.fullstory_try_jsonb
{%- endmacro %}

{% macro fullstory_create_json_functions() %}
    {{ return(adapter.dispatch('fullstory_create_json_functions', 'fullstory_assets')()) }}
{% endmacro %}

{% macro default__fullstory_create_json_functions() %}{% endmacro %}

{% macro redshift__fullstory_create_json_functions() %}{% endmacro %}

{#- Behind a lock: two runs replacing the function at once would fail ("tuple concurrently
    updated"), and so would two creating the schema. -#}
{% macro postgres__fullstory_create_json_functions() %}
    select pg_advisory_xact_lock(hashtext('fullstory_create_json_functions'));
    create schema if not exists {{ adapter.quote(this.schema) }};
    create or replace function {{ fullstory_try_jsonb() }}(document text) returns jsonb
    language plpgsql immutable strict as $$
    begin
        return document::jsonb;
    exception when data_exception or program_limit_exceeded then
        return null;  -- malformed (22P02), \u0000 (22P05), nested too deep (54001)
    end;
    $$;
{% endmacro %}


{#- Column `name` of `fields`, read from the parsed document; booleans are never NULL (a missing
    flag is false, as in the package). -#}
{% macro fullstory_property(parsed, fields, name) -%}
    {%- set path, kind = fields[name] -%}
    {%- if kind == 'boolean' -%}
        coalesce({{ fullstory_json_field(parsed, path, kind) }}, false)
    {%- else -%}
        {{ fullstory_json_field(parsed, path, kind) }}
    {%- endif -%}
{%- endmacro %}
