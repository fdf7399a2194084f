"""What Logis checks of the PostgreSQL server it starts on, and says in its log.

A record's reads are point lookups whose plans PostgreSQL draws from the
tables' statistics, which autovacuum's ANALYZE keeps (the library's DDL sets
the events table's thresholds low). A server running without it leaves them
empty: measured on 07/12/2026, at 3.5×10⁵ events never analysed, reading a
record's newest events ran as a parallel scan (8 ms instead of 0.1) and the
generator fell from 520 to 125 commands a second, until one ANALYZE. The
store's connections no longer plan parallel scans or JIT compilation
(infra/planner_options.py); other plans drawn from empty statistics may still
be poor.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("logis.store")


def warn_without_autovacuum(datastore: Any) -> bool:
    """Log a warning, and answer False, when the server's autovacuum is off."""
    with datastore.transaction(commit=False) as curs:
        curs.execute("SELECT current_setting('autovacuum') AS autovacuum")
        row = curs.fetchone()
    if row["autovacuum"] == "on":
        return True
    log.warning(
        "postgres_autovacuum_off: no table statistics are kept; run ANALYZE "
        "regularly or turn autovacuum on (a record's reads may be planned as scans)"
    )
    return False
