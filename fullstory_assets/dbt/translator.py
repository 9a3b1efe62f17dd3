"""How dbt nodes appear in Dagster: keys, groups and kinds."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from fullstory_assets.automation.freshness import model_freshness_policy
from fullstory_assets.settings import load_settings

RAW_EVENTS_KEY = AssetKey(["fullstory_raw", "events"])


class FullstoryTranslator(DagsterDbtTranslator):
    """Models keep their dbt names as asset keys; the raw table is ``fullstory_raw/events``."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        """Every model carries the hourly-sync freshness policy; seeds and sources do not."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        if not unique_id.startswith("model."):
            return spec
        return spec.replace_attributes(freshness_policy=model_freshness_policy(load_settings()))

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
