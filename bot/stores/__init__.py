"""Tracker stores of our own (selected in endpoints.yml by dotted path)."""
