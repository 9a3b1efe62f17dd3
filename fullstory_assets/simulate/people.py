"""The people behind user indices: ids, names, emails and user properties, derived per index."""

import numpy as np
import pyarrow as pa

from fullstory_assets.simulate.render import choose, join, num, take
from fullstory_assets.simulate.vocabulary import (
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    USER_PROPERTIES,
)

# A share of identify calls only pass the uid (FS.identify(uid) without user vars).
UID_ONLY_SHARE = 0.3


def _ascii(name: str) -> str:
    return name.lower().replace("é", "e").replace("ü", "ue")


def user_ids(user: np.ndarray) -> pa.Array:
    """The shop's own user id of each user index (what ``FS.identify`` receives)."""
    return join("usr_", num(100_000 + user))


def identify_payloads(rng: np.random.Generator, user: np.ndarray, server: np.ndarray) -> pa.Array:
    """``event_properties`` of identify calls by ``user``; server calls only update properties."""
    first, last = user % len(FIRST_NAMES), (user // len(FIRST_NAMES)) % len(LAST_NAMES)
    uid = user_ids(user)
    email = join(
        take([_ascii(n) for n in FIRST_NAMES], first),
        ".",
        take([_ascii(n) for n in LAST_NAMES], last),
        num(user),
        "@",
        take(EMAIL_DOMAINS, user % len(EMAIL_DOMAINS)),
    )
    name = join(take(FIRST_NAMES, first), " ", take(LAST_NAMES, last))
    props = take(USER_PROPERTIES, user % len(USER_PROPERTIES))
    full = join(
        '{"user_id":"',
        uid,
        '","user_email":"',
        email,
        '","user_display_name":"',
        name,
        '","user_properties":',
        props,
        "}",
    )
    uid_only = join('{"user_id":"', uid, '"}')
    server_call = join('{"user_id":"', uid, '","user_properties":', props, "}")
    short = rng.random(len(user)) < UID_ONLY_SHARE
    return choose(np.where(server, 2, np.where(short, 1, 0)), [full, uid_only, server_call])
