"""Messaging channels of our own, registered in credentials.yml by dotted path (see README.md)."""
