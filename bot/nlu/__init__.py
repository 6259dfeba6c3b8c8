"""Rasa NLU components of the bot (referenced by dotted path in config.yml)."""
