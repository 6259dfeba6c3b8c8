"""Export conversations from the tracker store as readable Markdown, for clinical review.

    python -m bot.cli.transcripts --out build/transcripts [--sender ID] [--redact] [--endpoints endpoints.yml]

One file per conversation: each turn with its time, what the person wrote (or, with --redact, only
its length), what the bot understood (symptoms with their context), the bot's replies, and every
triage level given with its reasons and sources.
"""

import argparse
import asyncio
import datetime
import sys
from pathlib import Path
from typing import Any, Iterable, List, Optional

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.nlu.entities import findings_from_entities


def _time(timestamp: Optional[float]) -> str:
    if not timestamp:
        return ""
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def render(tracker: DialogueStateTracker, redact: bool = False) -> str:
    """The Markdown transcript of one conversation."""
    lines: List[str] = [f"# Conversation {tracker.sender_id}", ""]
    for event in tracker.events:
        if isinstance(event, UserUttered):
            text = f"[{len(event.text or '')} characters, redacted]" if redact else (event.text or "")
            lines.append(f"**Person** ({_time(event.timestamp)}): {text}")
            intent = event.intent or {}
            if intent.get("name"):
                lines.append(f"- intent: {intent['name']} ({float(intent.get('confidence') or 0):.2f})")
            understood = [
                f"{f['id']} ({f['assertion']}{', someone else' if f['experiencer'] == 'other' else ''})"
                for f in findings_from_entities(event.entities)
            ]
            if understood:
                lines.append(f"- understood: {', '.join(understood)}")
            lines.append("")
        elif isinstance(event, BotUttered):
            # Rasa stores `"custom": None` on every plain bot message.
            custom = (event.data or {}).get("custom") if isinstance(event.data, dict) else None
            triage = custom.get("triage") if isinstance(custom, dict) else None
            if event.text:
                lines.append(f"> **Bot**: {event.text}")
            if isinstance(triage, dict):
                lines.append(f"> **Triage: {triage.get('level')}**")
                for reason in triage.get("reasons", []):
                    lines.append(f"> - {reason.get('text')} [{', '.join(reason.get('sources', []))}]")
            lines.append("")
    return "\n".join(lines)


async def _trackers(store: TrackerStore, senders: Optional[Iterable[str]]) -> List[DialogueStateTracker]:
    keys = list(senders) if senders else list(await store.keys())
    found = [await store.retrieve_full_tracker(k) for k in keys]
    return [t for t in found if t is not None]


def export(endpoints: str, out: Path, sender: Optional[str] = None, redact: bool = False) -> List[Path]:
    config = read_endpoint_config(endpoints, "tracker_store")
    store = TrackerStore.create(config)
    # A store Rasa wraps (fail-safe or awaitable wrapper) is reachable only through the wrapper's
    # private `_tracker_store` (checked in tests/bot/test_rasa_private_apis.py).
    inner: Any = getattr(store, "_tracker_store", store)
    if not isinstance(inner, SQLTrackerStore):
        raise SystemExit(f"transcripts work with SQL tracker stores, not {type(inner).__name__}")
    out.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []
    for tracker in asyncio.run(_trackers(store, [sender] if sender else None)):
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in tracker.sender_id)[:80]
        path = out / f"{safe}.md"
        path.write_text(render(tracker, redact), encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("build/transcripts"))
    parser.add_argument("--sender", help="only this conversation")
    parser.add_argument("--redact", action="store_true", help="leave out what people wrote")
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args()
    written = export(args.endpoints, args.out, args.sender, args.redact)
    print(f"{len(written)} conversations written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
