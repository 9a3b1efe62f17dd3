"""An interrupted run stops its dbt wherever in the run the interrupt lands.

dagster-dbt passes an interrupt (Ctrl-C, Dagster's termination) on to dbt only when it lands
while the run waits for dbt's next line (``DbtCliInvocation._stream_stdout``). One that lands
while the run handles a line (prints it, turns it into a Dagster event) skips that code: the run
fails and dbt carries on alone, writing to the warehouse with no run to report it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from signal import SIGINT

from dagster import get_dagster_logger
from dagster_dbt import DbtCliInvocation


@contextmanager
def dbt_stopped_on_interrupt(invocation: DbtCliInvocation) -> Iterator[None]:
    """Within it, any error or interrupt first stops dbt as dagster-dbt does: SIGINT, then wait."""
    try:
        yield
    except BaseException:
        process = invocation.process
        if process.poll() is None:  # dagster-dbt did not stop it: the interrupt landed elsewhere
            logger = get_dagster_logger()
            logger.info(f"Forwarding interrupt signal to dbt command: `{invocation.dbt_command}`.")
            process.send_signal(SIGINT)
            process.wait(timeout=invocation.termination_timeout_seconds)
            logger.info(f"dbt process terminated with exit code `{process.returncode}`.")
        raise
