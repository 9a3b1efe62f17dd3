"""The whole delivery history of a simulation, as rows of the raw table plus their sync time."""

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate.activity import CODE, EVENT_TYPES, assign_views, build_activity
from fullstory_assets.simulate.facts import Facts
from fullstory_assets.simulate.identity import place_identifies
from fullstory_assets.simulate.ids import unique_ids
from fullstory_assets.simulate.payloads import event_properties
from fullstory_assets.simulate.population import SERVER, SOURCE_TYPES, build_population
from fullstory_assets.simulate.render import num, take
from fullstory_assets.simulate.server import build_server_events
from fullstory_assets.simulate.sources import draw_views, source_properties
from fullstory_assets.simulate.spec import SimulationSpec
from fullstory_assets.simulate.timing import plan_deliveries
from fullstory_assets.warehouses.raw_events import RAW_COLUMNS

SYNC_COLUMN = "sync_time"
_ARROW_TYPES = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "BIGINT": pa.int64()}
DELIVERY_SCHEMA = pa.schema(
    [(name, _ARROW_TYPES[kind]) for name, kind in RAW_COLUMNS.items()]
    + [(SYNC_COLUMN, pa.timestamp("us"))]
)


def _ids(values: np.ndarray, index: np.ndarray) -> pa.Array:
    """``values[index]`` as int64, NULL where ``index`` is -1 (server events have no session)."""
    return pa.array(values[index], type=pa.int64(), mask=index < 0)


def _times(micros: np.ndarray) -> pa.Array:
    return pa.array(micros.view("datetime64[us]"), type=pa.timestamp("us"))


def build_deliveries(spec: SimulationSpec) -> pa.Table:
    """Simulate every row Fullstory would deliver for ``spec``, in sync order.

    The result is a pure function of ``spec``: the same spec gives the same table, row for row.

    Args:
        spec: What to simulate.

    Returns:
        A table with the raw columns (``RAW_COLUMNS``, ``updated_time`` already set to the sync
        that delivers the row) plus ``sync_time``, sorted by ``sync_time``. A row delivered twice
        in one sync appears twice; a reprocessed event appears once per sync that carries it.
    """
    rng = spec.streams()
    pop = build_population(rng["population"], spec)
    activity = build_activity(rng["activity"], spec, pop)
    identity = place_identifies(rng["identity"], pop, activity)
    client_codes = activity.type_code.copy()
    client_codes[identity.event_index] = CODE["identify"]
    client_user = np.full(len(client_codes), -1, dtype=np.int64)
    client_user[identity.event_index] = identity.user
    view, view_last = assign_views(activity, client_codes)
    n_views = int(view[-1]) + 1 if len(view) else 0
    event_kind = pop.session_kind[activity.session]
    view_kind = np.empty(n_views, dtype=np.int8)
    view_kind[view] = event_kind
    first_view = np.zeros(n_views, dtype=bool)
    first_view[view[activity.position == 0]] = True
    page, url = draw_views(rng["sources"], view_kind, first_view, rng["journeys"])
    server = build_server_events(rng["server"], spec, pop, identity.identifying)
    n_server = len(server.time_us)

    none = np.full(n_server, -1, dtype=np.int64)
    codes = np.concatenate([client_codes, server.type_code])
    session = np.concatenate([activity.session, none])
    kind = np.concatenate([event_kind, np.full(n_server, SERVER, np.int8)])
    facts = Facts(
        kind, np.concatenate([client_user, server.user]), np.concatenate([page[view], none])
    )
    plan = plan_deliveries(
        rng["timing"],
        np.concatenate([activity.time_us, server.time_us]),
        session,
        activity.offsets,
        np.concatenate([view_last, np.zeros(n_server, bool)]),
    )
    view_ids = unique_ids(rng["ids"], n_views)
    event_ids = num(unique_ids(rng["ids"], len(codes) + plan.n_replacements))
    view = np.concatenate([view, none])
    view_url = np.where(view >= 0, url[view], -1)
    src = plan.source
    device = np.concatenate([pop.session_device[activity.session], server.device])
    sync = _times(plan.sync_us)
    columns = [
        event_ids.take(pa.array(plan.id_slot)),
        _times(np.concatenate([activity.time_us, server.time_us])[src]),
        _times(plan.processed_us),
        sync,
        pa.array(pop.device_id[device[src]], type=pa.int64()),
        _ids(pop.session_id, session[src]),
        _ids(view_ids, view[src]),
        pa.array(EVENT_TYPES).take(pa.array(codes[src].astype(np.int64), mask=plan.nulled)),
        event_properties(rng["payloads"], codes, facts).take(src),
        take(SOURCE_TYPES, kind[src]),
        source_properties(rng["sources"], pop, facts, session, view_url, codes).take(src),
        sync,
    ]
    return pa.Table.from_arrays(columns, schema=DELIVERY_SCHEMA)
