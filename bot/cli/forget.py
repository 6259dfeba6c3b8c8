"""Delete one person's conversation from the tracker store, on their request.

    python -m bot.cli.forget SENDER_ID [--endpoints endpoints.yml]

SENDER_ID is the conversation id: the REST `sender`, the widget's session id (shown in the
browser's localStorage as `baclofen-bot-session`), or the Telegram chat id. Works with the SQL
tracker stores (SQLite by default, PostgreSQL with DB_URL); prints how many events were deleted.
"""

import argparse
import sys

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.utils.endpoints import read_endpoint_config


def forget(sender_id: str, endpoints: str) -> int:
    """Delete every stored event of `sender_id`; return how many there were."""
    config = read_endpoint_config(endpoints, "tracker_store")
    store = TrackerStore.create(config)
    # A store Rasa wraps (fail-safe or awaitable wrapper) is reachable only through the wrapper's
    # private `_tracker_store` (checked in tests/bot/test_rasa_private_apis.py).
    inner = getattr(store, "_tracker_store", store)
    if not isinstance(inner, SQLTrackerStore):
        raise SystemExit(f"forget works with SQL tracker stores, not {type(inner).__name__}")
    with inner.session_scope() as session:
        deleted = session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == sender_id).delete()
        session.commit()
    return int(deleted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sender_id")
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args()
    deleted = forget(args.sender_id, args.endpoints)
    print(f"deleted {deleted} events of conversation {args.sender_id!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
