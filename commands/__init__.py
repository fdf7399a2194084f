"""Validates intentions and applies them to aggregates: load → apply → save."""
