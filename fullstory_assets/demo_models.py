"""One line per model beyond the official package, for `fullstory-assets demo` to print.

Each line is one query an analyst might run on the model, over every day the demo built.
"""

import duckdb

# (model, query returning one row, how to print that row)
LINES = [
    (
        "device_identities",
        """select count(distinct device_id),
            count(distinct device_id) filter (where span_number > 1),
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
    (
        "page_views",
        """select count(*), median(time_on_page_seconds), median(engaged_time_seconds),
            (select url_path from fullstory.page_views where is_entry
             group by url_path order by count(*) desc, url_path limit 1)
        from fullstory.page_views""",
        "{0:,} page views, median {1:.0f} s on a page ({2:.0f} s engaged); "
        "most common landing page {3}",
    ),
    (
        "session_paths",
        """select path, count(*) from fullstory.session_paths
        where page_view_count > 1 group by path order by count(*) desc, path limit 1""",
        "most common journey of several pages: {0} ({1:,} sessions)",
    ),
    (
        "funnels",
        """select string_agg(step_name || ' ' || entered, ' -> ' order by step_number)
        from (select step_number, step_name, sum(sessions_entered) as entered
              from fullstory.funnels where funnel_name = 'checkout' group by all)""",
        "checkout funnel, sessions reaching each step in order: {0}",
    ),
]


def model_lines(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The printed line of each model, in LINES order."""
    return [
        f"{model}: {template.format(*conn.execute(sql).fetchone())}"
        for model, sql, template in LINES
    ]
