{#- Columns read from source_properties: output name -> [JSON path parts, kind]. -#}
{% macro fullstory_source_property_fields() %}
    {% set fields = {} %}
    {% for name, key in [('user_agent', 'raw_user_agent'), ('type', 'device'),
            ('operating_system', 'operating_system'), ('browser', 'browser'),
            ('browser_version', 'browser_version')] %}
        {% do fields.update({'device_' ~ name: [['user_agent', key], 'string']}) %}
    {% endfor %}
    {% for key in ['ip_address', 'country', 'region', 'city', 'lat_long'] %}
        {% do fields.update({'geo_' ~ key: [['location', key], 'string']}) %}
    {% endfor %}
    {% for prefix in ['url', 'initial_referrer'] %}
        {% for key in ['full_url', 'host', 'path', 'query', 'hash_path', 'hash_query'] %}
            {% do fields.update({prefix ~ '_' ~ key: [[prefix, key], 'string']}) %}
        {% endfor %}
    {% endfor %}
    {% do fields.update({'page_definition_id': [['page_definition_id'], 'string']}) %}
    {#- The page's title (PEER_MODELS.md §9.6: Ready-to-Analyze's SOURCE_PROPERTIES.title,
        read at the raw key of the same name). -#}
    {% do fields.update({'page_title': [['title'], 'string']}) %}
    {{ return(fields) }}
{% endmacro %}


{#- Columns read from event_properties: output name -> [JSON path parts, kind]. -#}
{% macro fullstory_event_property_fields() %}
    {{ return({
        'target_text': [['target', 'text'], 'string'],
        'target_masked': [['target', 'masked'], 'boolean'],
        'target_raw_selector': [['target', 'raw_selector'], 'string'],
        'target_element_properties': [['target', 'element_properties'], 'object'],
        'element_definition_id': [['target', 'element_definition_id'], 'string'],
        'additional_element_definition_ids': [['target', 'additional_element_definition_ids'], 'array'],
        'user_id': [['user_id'], 'string'],
        'user_email': [['user_email'], 'string'],
        'user_display_name': [['user_display_name'], 'string'],
        'user_properties': [['user_properties'], 'object'],
        'event_definition_id': [['event_definition_id'], 'string'],
        'custom_event_name': [['event_name'], 'string'],
        'click_rage_count': [['fs_rage_count'], 'integer'],
        'click_dead_count': [['fs_dead_count'], 'integer'],
        'navigate_reason': [['navigate_reason'], 'string'],
    }) }}
{% endmacro %}


{#- Device and location columns of devices, and their last_* names in the user models. -#}
{% macro fullstory_device_columns() %}
    {{ return([
        ('user_agent', 'last_device_user_agent'), ('type', 'last_device_type'),
        ('operating_system', 'last_device_operating_system'),
        ('browser', 'last_device_browser'), ('browser_version', 'last_device_browser_version'),
        ('geo_ip_address', 'last_geo_ip_address'), ('geo_country', 'last_geo_country'),
        ('geo_region', 'last_geo_region'), ('geo_city', 'last_geo_city'),
        ('geo_lat_long', 'last_geo_lat_long')]) }}
{% endmacro %}
