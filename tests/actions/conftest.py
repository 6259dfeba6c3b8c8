"""A `make_tracker` fixture: rasa_sdk trackers built from texts run through the real pipeline."""

from typing import Any, Callable, Dict, List, Optional, Sequence

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.entities import EXTRACTOR, finding_to_entity


@pytest.fixture()
def make_tracker(findings) -> Callable[..., Tracker]:
    def build(
        turns: Sequence[str],
        intent: str = "report_symptoms",
        slots: Optional[Dict[str, Any]] = None,
        bot_events_this_turn: Sequence[Dict[str, Any]] = (),
    ) -> Tracker:
        events: List[Dict[str, Any]] = []
        parse = {}
        for text in turns:
            entities = [{**finding_to_entity(f), "extractor": EXTRACTOR} for f in findings(text)]
            parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities}
            events.append({"event": "user", "text": text, "parse_data": parse})
        events += list(bot_events_this_turn)
        return Tracker("tester", dict(slots or {}), parse, events, False, None, {}, "action_listen")

    return build


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def responses(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("response") for m in dispatcher.messages]
