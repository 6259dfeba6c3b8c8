"""The command line: check scenario files, or run them against a bot and write the reports.

    python -m bot.flows validate tests/flows/
    python -m bot.flows run tests/flows/ --report report.html      # the trained model in this process
    python -m bot.flows run tests/flows/ --url http://127.0.0.1:5005 --junit junit.xml   # a running bot
    python -m bot.flows symptoms        # the ids a scenario may name, with their plain names

Exit codes: 0 everything passed (or the files are valid); 1 a scenario failed (or a file has
mistakes, for `validate`); 2 nothing could be run (mistakes in the files, or no bot at --url).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from bot.flows.scenario import coverage, load_paths

EXIT_FAILED = 1
EXIT_CANNOT_RUN = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.flows", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check scenario files without a bot")
    check.add_argument("paths", nargs="+", type=Path, help="scenario files or folders")
    commands.add_parser("symptoms", help="list the symptom, route and event ids scenarios may name")
    play = commands.add_parser("run", help="play the scenarios (the model in this process, or a running bot)")
    play.add_argument("paths", nargs="+", type=Path, help="scenario files or folders")
    play.add_argument(
        "--url", help="a running Rasa server (REST channel); without it, the trained model runs in this process"
    )
    play.add_argument("--model", type=Path, help="the trained model for the in-process bot (default models/)")
    play.add_argument(
        "--token",
        default=os.environ.get("RASA_AUTH_TOKEN") or None,
        help="the server's API token (default RASA_AUTH_TOKEN), to read what it understood from its tracker",
    )
    play.add_argument("--report", type=Path, help="write the HTML report here")
    play.add_argument("--junit", type=Path, help="write JUnit XML here")
    play.add_argument(
        "--understanding",
        choices=("auto", "stored", "api", "local", "off"),
        default="auto",
        help="how to show what the bot understood: what it stored for each message (stored: always in process; "
        "a server needs --enable-api and its token), the server's /model/parse re-computed (api), the project's "
        "spaCy pipeline in this process (local); auto: the first of these that works; or off",
    )
    play.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each reply")
    play.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def validate(paths: Sequence[Path]) -> int:
    files, problems = load_paths(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} mistake(s) found.")
        return EXIT_FAILED
    scenarios = [s for f in files for s in f.scenarios]
    cover = coverage(scenarios)
    print(f"{len(files)} file(s), {len(scenarios)} scenario(s): OK.")
    if cover.uncovered_red_flags:
        print(f"Red flags no scenario covers: {', '.join(cover.uncovered_red_flags)}")
    if cover.uncovered:
        print(f"Catalogue symptoms no scenario covers ({len(cover.uncovered)}): {', '.join(cover.uncovered)}")
    return 0


def run(args: argparse.Namespace) -> int:
    files, problems = load_paths(args.paths)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Nothing was run: correct the scenario files first.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    # Imported here so `validate` stays quick and needs no bot libraries.
    from bot.flows import runner
    from bot.flows.bots import MODEL, InProcessBot, RemoteBot
    from bot.flows.junit import write_junit
    from bot.flows.report import summary_lines, write_html

    bot: runner.Bot
    if args.url:
        bot = RemoteBot(args.url, timeout=args.timeout, token=args.token)
    else:
        try:
            bot = InProcessBot(args.model or MODEL, timeout=max(args.timeout, 60.0))
        except FileNotFoundError as e:
            print(e, file=sys.stderr)
            return EXIT_CANNOT_RUN
    try:
        unreachable = runner.check_bot(bot)
        if unreachable:
            print(unreachable, file=sys.stderr)
            return EXIT_CANNOT_RUN
        result = runner.run(files, bot, args.understanding, progress=not args.quiet)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return EXIT_CANNOT_RUN
    finally:
        if isinstance(bot, InProcessBot):
            bot.close()
    for line in summary_lines(result):
        print(line)
    if args.report:
        print(f"HTML report: {write_html(result, args.report)}")
    if args.junit:
        print(f"JUnit XML: {write_junit(result, args.junit)}")
    return EXIT_FAILED if result.failed else 0


def symptoms() -> int:
    """Every id `expect: symptoms` and `understood:` may name, grouped, with what it means."""
    from bot.knowledge import load_catalogue

    catalogue = load_catalogue()
    print("Symptoms (expect: symptoms, understood:)")
    for severity in ("red_flag", "pump_red_flag", "withdrawal", "side_effect", "misuse"):
        group = [x for x in catalogue.symptoms.values() if x.severity == severity]
        print(f"  {severity.replace('_', ' ')}:")
        for x in sorted(group, key=lambda x: x.id):
            print(f"    {x.id:24} {x.plain}")
    print("Routes (understood:)")
    for route in catalogue.routes.values():
        print(f"    {route.id:24} {route.label}")
    print("Events (understood:)")
    for event in catalogue.events.values():
        print(f"    {event.id:24} {event.label}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "symptoms":
        return symptoms()
    if args.command == "validate":
        return validate(args.paths)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
