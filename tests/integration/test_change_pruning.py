"""The pruned change scans request a superset of what the unpruned query requests (DuckDB).

Over random histories (tests/change_histories.py) with a small lookback, so that many changed
rows are older than it: the partitions the fast scans and the next full scan request include,
for every table, those the unpruned query requests at the same ticks, and the session table the
requested runs leave equals a full rebuild. More histories with `-m slow`.
"""

import pytest

from fullstory_assets.warehouses import changes
from fullstory_assets.warehouses.change_sessions import inferred_session_spans
from tests.change_histories import KINDS, replay_scans

LOOKBACKS = (1, 2, 3, 6)


def _check(seeds) -> dict[str, int]:
    totals = {"left_out": 0, "full_scan_needed": 0}
    for seed in seeds:
        outcome = replay_scans(seed, LOOKBACKS[seed % len(LOOKBACKS)])
        for kind in KINDS:
            missing = outcome.unpruned[kind] - outcome.pruned[kind]
            assert not missing, f"seed {seed}: {kind} {sorted(map(str, missing))} not requested"
        assert outcome.sessions_match, f"seed {seed}: stored sessions differ from a rebuild"
        totals["left_out"] += outcome.left_out
        totals["full_scan_needed"] += any(
            outcome.unpruned[kind] - outcome.fast_only[kind] for kind in KINDS
        )
    return totals


def test_fast_scans_plus_the_next_full_scan_request_what_the_unpruned_query_requests():
    totals = _check(range(60))
    # Not vacuous: the fast scans left rows out, and only the full scans made up for them.
    assert totals["left_out"] > 0 and totals["full_scan_needed"] > 0, totals


@pytest.mark.slow
def test_fast_and_full_scans_over_300_histories():
    _check(range(60, 360))


def test_a_full_scan_that_inferred_session_spans_from_its_rows_would_be_caught(monkeypatch):
    # The check can fail: with the fast scans' session logic, a full scan misses a session
    # whose old rows a fast scan left out while its runs read them.
    monkeypatch.setattr(changes, "whole_session_spans", inferred_session_spans)
    with pytest.raises(AssertionError, match="seed"):
        _check(range(60))
