"""How dbt nodes appear in Dagster: keys, groups and kinds."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

RAW_EVENTS_KEY = AssetKey(["fullstory_raw", "events"])


class FullstoryTranslator(DagsterDbtTranslator):
    """Models keep their dbt names as asset keys; the raw table is ``fullstory_raw/events``."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        """The raw source maps to the one raw-table asset; every model to its own name."""
        if dbt_resource_props["resource_type"] == "source":
            return RAW_EVENTS_KEY
        return AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Group by layer: staging, intermediate, marts, seeds."""
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"
