"""One line per model beyond the official package, for `fullstory-assets demo` to print.

Each line is one query an analyst might run on the model, over every day the demo built.
"""

import duckdb

# (model, query returning one row, how to print that row)
LINES = [
    (
        "device_identities",
        """select count(distinct device_id), count(distinct device_id) filter (where span_number > 1),
            (select count(*) from fullstory.sessions
             where user_id like 'anon\\_%' escape '\\' and stitched_user_id is not null)
        from fullstory.device_identities""",
        "{0:,} devices identified, {1:,} of them shared by several users; "
        "{2:,} anonymous sessions stitched to the person who logged in later",
    ),
    (
        "events (defined names)",
        """select avg(case when defined_event_name is not null then 1.0 else 0 end)
                filter (where event_type = 'custom'),
            avg(case when defined_page_name is not null then 1.0 else 0 end)
                filter (where event_type = 'navigate'),
            avg(case when defined_element_name is not null then 1.0 else 0 end)
                filter (where event_type = 'click')
        from fullstory.events""",
        "{0:.0%} of custom events match a Defined Event, {1:.0%} of page loads a Defined Page, "
        "{2:.0%} of clicks a Defined Element",
    ),
]


def model_lines(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The printed line of each model, in LINES order."""
    return [
        f"{model}: {template.format(*conn.execute(sql).fetchone())}"
        for model, sql, template in LINES
    ]
