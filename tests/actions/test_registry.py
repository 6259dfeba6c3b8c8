"""The action server registers exactly the domain's custom actions; what the responses say.

That every response the code sends exists: tests/bot/test_names.py (the code names them through bot.names).
"""

import re
from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


def domain():
    return yaml.safe_load(DOMAIN.read_text())


def test_registered_actions_equal_the_domain_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain()["actions"])


# Advice to change a dose: an imperative at the start of a sentence, or "you should ..." and the like.
DOSE_ADVICE = re.compile(
    r"(^|\b(you should|you can|try to|just|please)\s+)"
    r"(stop|reduce|lower|increase|restart|double|skip|cut down|take more)\b"
)


def test_no_response_tells_anyone_to_change_a_dose():
    for name, variants in domain()["responses"].items():
        for variant in variants:
            for sentence in re.split(r"[.:!?]", variant["text"].lower()):
                assert not DOSE_ADVICE.search(sentence.strip()), f"{name}: {sentence}"


def test_the_disclaimer_says_not_a_diagnosis_and_never_change_a_dose_alone():
    (disclaimer,) = domain()["responses"]["utter_disclaimer"]
    assert "not a diagnosis" in disclaimer["text"]
    assert "Never stop, restart or change a baclofen dose on your own" in disclaimer["text"]
