"""The spaCy side: a blank English pipeline with a catalogue-driven matcher and medspaCy ConText.

Importing this package registers the spaCy factories (`baclofen_finding_matcher`,
`baclofen_context`), which `spacy.load` needs before it can load the saved pipeline.
"""

from bot.nlp.context import BaclofenContext
from bot.nlp.findings import Finding, extract_findings, findings_of_text
from bot.nlp.matcher import FindingMatcher

__all__ = ["BaclofenContext", "Finding", "FindingMatcher", "extract_findings", "findings_of_text"]
