"""Dagster's GCS resource for the export's sensor and load run, with no client made up front."""

from typing import Any

from dagster_gcp import GCSResource


class ExportGCSResource(GCSResource):
    """``dagster_gcp.GCSResource`` whose ``storage.Client`` is made only by ``get_client``.

    ``GCSResource`` puts a client on the context of every run and tick that declares it, made as
    they start, and Google's client looks for credentials when it is made: an S3 or local export
    would then fail without Google credentials it never uses. Here the context gets the resource
    itself, and the store calls ``get_client`` only for a ``gs://`` URL.
    """

    def get_object_to_set_on_execution_context(self) -> Any:
        """The resource itself: no client, so no credentials, until one is asked for."""
        return self
