"""Read models: deterministic functions of the events into views."""
