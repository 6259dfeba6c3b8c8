"""Baclofen withdrawal self-assessment bot: our own Python package (knowledge, NLP, triage, CLI)."""
