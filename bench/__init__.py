"""Benchmarks for issue #9: `python -m bench` measures our bot against stock Rasa in one run."""
