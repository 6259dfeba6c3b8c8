"""Wait until the bot is really able to answer, or say which part is not.

    python -m bot.cli.health http://127.0.0.1:5005 --wait 180

Polls GET /webhooks/health/ (bot/channels/health.py). Exit 0 when model, spaCy pipeline and
action server are all up; exit 1 with the failing parts when the time runs out.
"""

import argparse
import sys
import time
from typing import Any, Dict

import requests


def status(url: str) -> Dict[str, Any]:
    try:
        return requests.get(url.rstrip("/") + "/webhooks/health/", timeout=5).json()
    except (requests.RequestException, ValueError) as error:
        return {"status": "failing", "server": f"not answering ({error.__class__.__name__})"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--wait", type=float, default=0, help="seconds to keep trying")
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    while True:
        result = status(args.url)
        if result.get("status") == "ok" or time.monotonic() >= deadline:
            break
        time.sleep(2)
    parts = ", ".join(f"{k}: {v}" for k, v in result.items() if k != "status")
    print(f"bot {'ready' if result.get('status') == 'ok' else 'NOT READY'} ({parts})", flush=True)
    return 0 if result.get("status") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
