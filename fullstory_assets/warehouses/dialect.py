"""The few SQL spellings the Python side needs per warehouse (dbt's macros cover the models).

The sensor's change query, the row counts and the bad-input checks are written once in SQL all
five engines accept; only a type name, hour arithmetic and how a bound parameter is written differ.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """How one warehouse spells what differs.

    Attributes:
        name: The warehouse kind (``FULLSTORY_WAREHOUSE``).
        string_type: The text type ids are cast to (the models keep ids as text).
        param_style: How a named parameter ``p`` is written: ``$p``, ``%(p)s`` or ``@p``.
    """

    name: str
    string_type: str
    param_style: str

    def param(self, name: str) -> str:
        """The placeholder of the bound parameter ``name``."""
        return self.param_style.format(name=name)

    def add_hours(self, expression: str, hours: int) -> str:
        """``expression`` (a timestamp) plus ``hours`` hours."""
        if self.name == "bigquery":
            return f"timestamp_add({expression}, interval {hours} hour)"
        if self.name in ("snowflake", "redshift"):
            return f"dateadd(hour, {hours}, {expression})"
        return f"({expression} + interval '{hours} hours')"


DIALECTS = {
    "duckdb": Dialect("duckdb", "varchar", "${name}"),
    "postgres": Dialect("postgres", "varchar", "%({name})s"),
    "redshift": Dialect("redshift", "varchar", "%({name})s"),
    "snowflake": Dialect("snowflake", "varchar", "%({name})s"),
    "bigquery": Dialect("bigquery", "string", "@{name}"),
}
