"""Pure domain model of Logis: aggregates, their events and rules (no I/O)."""
