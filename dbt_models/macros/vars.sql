{#- The event types that get a `total_<type>_events` column. The package's code reads
    `fullstory_events_types`, its README documents `fullstory_event_types`: both are honoured. -#}
{% macro fullstory_event_types() %}
    {% set default_types = [
        'background', 'change', 'click', 'consent', 'console_message', 'copy', 'crash',
        'cumulative_layout_shift', 'custom', 'element_seen', 'exception', 'first_input_delay',
        'form_abandon', 'highlight', 'identify', 'keyboard_close', 'keyboard_open', 'load',
        'low_memory', 'mouse_thrash', 'navigate', 'page_properties', 'paste', 'pinch_gesture',
        'request'] %}
    {{ return(var('fullstory_event_types', var('fullstory_events_types', default_types))) }}
{% endmacro %}


{% macro fullstory_replay_url(device_id, session_id) %}
    {{ dbt.concat([
        "'https://" ~ fullstory_var('fullstory_replay_host') ~ "/ui/" ~ fullstory_var('fullstory_org_id') ~ "/session/'",
        device_id, "':'", session_id, "'?url_source=DD'"]) }}
{% endmacro %}


{% macro fullstory_model_name(model_name) %}
    {{ return(var('fullstory_' ~ model_name ~ '_model_name', model_name)) }}
{% endmacro %}


{#- Vars that follow a deployment setting: an explicit --vars value wins, else the environment
    variable fullstory_assets/settings.py documents, else its default. -#}
{% macro fullstory_var(name) %}
    {% set from_environment = {
        'fullstory_replay_host': env_var('FULLSTORY_REPLAY_HOST', 'app.fullstory.com'),
        'fullstory_org_id': env_var('FULLSTORY_ORG_ID', 'o-DEMO-na1'),
        'fullstory_min_event_time': env_var('FULLSTORY_START_DATE', '2024-01-01') ~ ' 00:00:00',
        'fullstory_session_lookaround_hours': env_var('FULLSTORY_SESSION_LOOKAROUND_HOURS', '12'),
        'fullstory_max_clock_skew_hours': env_var('FULLSTORY_MAX_CLOCK_SKEW_HOURS', '24'),
    } %}
    {{ return(var(name, from_environment[name])) }}
{% endmacro %}
