"""Adapters (stores, projector, settings, logging) and the composition root."""
