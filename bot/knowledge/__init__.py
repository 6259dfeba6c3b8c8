"""Clinical knowledge as data: the symptom catalogue, sources, answers, reasons and regional numbers.

The YAML files in this folder are the single source of truth; the loaders here are strict so a
typo in a clinical file fails loudly at start-up and in the tests, not silently in a conversation.
"""

from bot.knowledge.catalogue import Catalogue, Event, Route, Source, Symptom, load_catalogue

__all__ = ["Catalogue", "Event", "Route", "Source", "Symptom", "load_catalogue"]
