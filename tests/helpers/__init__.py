"""Test data builders and the given/when/then helpers for aggregate tests."""
