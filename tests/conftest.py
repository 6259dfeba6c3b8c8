"""Shared fixtures: the spaCy pipeline (built once per session) and text -> findings helpers."""

from typing import Callable, List, Tuple

import pytest
from spacy.language import Language

from bot.nlp import findings_of_text
from bot.nlp.pipeline import build_pipeline
from bot.types import Finding


@pytest.fixture(scope="session", autouse=True)
def telegram_outbox_in_a_temporary_file(tmp_path_factory):
    """The Telegram outbox of every test (and of the servers they start) in a file of their own."""
    import os

    os.environ["TELEGRAM_OUTBOX_URL"] = f"sqlite:///{tmp_path_factory.mktemp('outbox') / 'outbox.db'}"
    yield
    os.environ.pop("TELEGRAM_OUTBOX_URL", None)


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_pipeline()


@pytest.fixture(scope="session")
def findings(nlp: Language) -> Callable[[str], List[Finding]]:
    """Findings for a text, lower-cased first as Rasa's SpacyNLP does."""
    return lambda text: findings_of_text(text, nlp)


@pytest.fixture(scope="session")
def pairs(findings: Callable[[str], List[Finding]]) -> Callable[[str], List[Tuple[str, str]]]:
    """(id, assertion) for each finding of a text."""
    return lambda text: [(f["id"], f["assertion"]) for f in findings(text)]


@pytest.fixture(scope="session")
def red_flag_model(nlp: Language):
    """The learned red-flag layer fitted as `rasa train` fits it (a few seconds, once per session)."""
    from bot.nlp.red_flag_model import RedFlagModel, training_examples

    return RedFlagModel.fit_examples(training_examples(), nlp)
