"""Fullstory's documented event types: the package's 25 plus three seen in newer material."""

KNOWN_EVENT_TYPES = (
    "background", "change", "click", "consent", "console_message", "copy", "crash",
    "cumulative_layout_shift", "custom", "element_seen", "exception", "first_input_delay",
    "form_abandon", "highlight", "identify", "keyboard_close", "keyboard_open", "load",
    "low_memory", "mouse_thrash", "navigate", "page_properties", "paste", "pinch_gesture",
    "request", "page_view", "interaction_to_next_paint", "force_restart",
)
