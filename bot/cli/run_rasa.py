"""`rasa run` with the HTTP API token taken from the environment, not from the command line.

    python -m bot.cli.run_rasa --model models/baclofen.tar.gz --port 5005 ...   (any `rasa run` options)

Rasa reads its API token only from `--auth-token`, so a token given there is visible to every user
of the machine in `ps` and /proc/<pid>/cmdline. Here RASA_AUTH_TOKEN (or the file named by
RASA_AUTH_TOKEN_FILE) turns the API on with that token inside this process: the command line that
`ps` shows carries no secret. Without either, the HTTP API stays off.
"""

import sys
from pathlib import Path
from typing import List, Optional, Sequence

from bot import settings


def api_token() -> Optional[str]:
    """The token from RASA_AUTH_TOKEN, or the first line of the file RASA_AUTH_TOKEN_FILE names."""
    token = settings.text("RASA_AUTH_TOKEN").strip()
    path = settings.text("RASA_AUTH_TOKEN_FILE").strip()
    if not token and path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        token = lines[0].strip() if lines else ""
    return token or None


def rasa_argv(args: Sequence[str], token: Optional[str]) -> List[str]:
    """The argv `rasa` sees: `run` and the given options, plus the API and its token when there is one."""
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in args):
        raise SystemExit("give the token in RASA_AUTH_TOKEN or RASA_AUTH_TOKEN_FILE, not on the command line")
    api = ["--enable-api", "--auth-token", token] if token else []
    return ["rasa", "run", *args, *api]


def main(argv: Optional[Sequence[str]] = None) -> None:
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_argv(list(sys.argv[1:] if argv is None else argv), api_token())
    rasa_main()


if __name__ == "__main__":
    main()
