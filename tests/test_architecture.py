"""ARCHITECTURE.md's file list matches the tree.

What ARCHITECTURE.md "names" is what it writes in backticks (`like/this.py`) outside fenced code
blocks (the diagram is a picture, not a list). The rules:

1. Every file under `bot/` and `actions/` (Python modules and data files alike; tracked by git or
   new and not ignored) is named, in one of these ways:
   - by its path from the repository root: `bot/cli/run_rasa.py`; or as a module: `bot.cli.run_rasa`
     (also inside a command such as `python -m bot.cli.run_rasa`);
   - on a line (a table row is one line) that also names its folder: the folder's row lists its
     modules by file name or by name without `.py` (`bot/nlp/` ... `matcher.py`; `bot/cli/` ...
     `build_spacy`). A sub-folder may be named on its parent's line, relative to it, and its files
     after it (`bot/channels/` ... `telegram/` ... `api.py`), or a file by its path from the named
     folder (`bot/flows/` ... `templates/report.html.j2`);
   - `__init__.py` and `__main__.py` are named by their package folder being named (either way above).
2. Every top-level folder is named itself, as `folder/`.
3. Every backticked path exists. A backticked text is a path when it has no spaces, is not a URL,
   does not start with `/` (those are HTTP routes such as `/webhooks/health/`) and either contains
   `/` or ends in a file extension (`.py`, `.yml`, ...). It is looked up from the repository root
   and from every folder named on the same line (so `matcher.py` on the `bot/nlp/` row is
   `bot/nlp/matcher.py`); `*` globs must match a file; a trailing `...` is dropped. Files git ignores
   (made by a build, such as `data/nlu/generated_symptoms.yml`) may be missing. Module names
   (`bot.x.y`, `python -m bench.scale`) must be modules or packages of the repository; one attribute
   may follow a module below the top-level package (`bot.channels.telegram.TelegramInput`).

So a new module needs one mention on its folder's row (or a row of its own), a moved one an edit of
the row that named it. Everything else (tests/, bench/, docs/ ...) is named by its folder only.
"""

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "ARCHITECTURE.md"
LISTED_IN_FULL = ("bot", "actions")  # every file under these is named
COVERED_BY_PACKAGE = {"__init__.py", "__main__.py"}
PATH_SUFFIX = re.compile(r"\.(py|ya?ml|json|md|txt|toml|cfg|ini|js|ts|html|j2|css|sh|csv)$")
MODULE = re.compile(r"(?<![\w./-])((?:bot|actions|bench|tests)(?:\.[A-Za-z_]\w*)*)(?![\w/-])")
SPAN = re.compile(r"`([^`\n]+)`")


def _git(*args: str, stdin: str = "") -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the tree is read from git (what is tracked or not ignored)")
    done = subprocess.run(["git", *args], cwd=ROOT, input=stdin, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # check-ignore answers 1 when nothing is ignored
        pytest.skip(f"not a git checkout: {done.stderr.strip()}")
    return done.stdout


@lru_cache(maxsize=1)
def tree_files() -> Tuple[str, ...]:
    """Files of the working tree, tracked or new, without what git ignores (symlinked folders excluded)."""
    listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    return tuple(sorted(p for p in listed if p and (ROOT / p).is_file() and not (ROOT / p).is_symlink()))


def ignored(paths: Iterable[str]) -> Set[str]:
    paths = list(paths)
    if not paths:
        return set()
    return set(_git("check-ignore", "--no-index", "--stdin", stdin="\n".join(paths)).split("\n")) - {""}


def doc_lines() -> List[List[str]]:
    """The backticked texts of each line of ARCHITECTURE.md, fenced code blocks left out."""
    lines, fenced = [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append([span.strip() for span in SPAN.findall(line)])
    return lines


def as_path(span: str) -> str:
    """The backticked text as a path, or "" when it does not look like one (rule 3)."""
    text = re.sub(r"(\.\.\.|…)$", "", span)
    if not text or re.search(r"\s", text) or "://" in text or text.startswith(("/", "-", "~")) or ":" in text:
        return ""
    return text if ("/" in text or PATH_SUFFIX.search(text)) else ""


def line_folders(spans: List[str]) -> List[str]:
    """Folders a line names, each from the root ("" is the root), with sub-folders named relative to them."""
    relative = []
    for span in spans:
        path = as_path(span)
        if not path:
            continue
        folder = path.rstrip("/") if not any(c in path for c in "*?[") else str(PurePosixPath(path).parent)
        if folder and folder != ".":
            relative.append(folder)
    folders, grown = [""], True
    while grown:
        grown = False
        for base in list(folders):
            for folder in relative:
                candidate = f"{base}/{folder}" if base else folder
                if candidate not in folders and (ROOT / candidate).is_dir():
                    folders.append(candidate)
                    grown = True
    return folders


def module_names(lines: Sequence[List[str]]) -> Set[str]:
    names = set()
    for spans in lines:
        for span in spans:
            names.update(MODULE.findall(span))
    return names


def named_paths(lines: Sequence[List[str]]) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(files, folders) the lines name, as paths from the root (rule 1)."""
    files: Set[str] = set()
    folders: Set[str] = set()
    for spans in lines:
        bases = line_folders(spans)
        folders.update(b for b in bases if b)
        for span in spans:
            text = span.rstrip("/")
            for base in bases:
                files.add(f"{base}/{text}" if base else text)
    return frozenset(files), frozenset(folders)


def is_named(path: str, files: FrozenSet[str], folders: FrozenSet[str], modules: Set[str]) -> bool:
    pure = PurePosixPath(path)
    if pure.name in COVERED_BY_PACKAGE:
        return str(pure.parent) in folders
    without_py = str(pure.with_suffix("")) if pure.suffix == ".py" else path
    return path in files or without_py in files or without_py.replace("/", ".") in modules


def test_every_file_under_bot_and_actions_is_named():
    lines = doc_lines()
    files, folders = named_paths(lines)
    modules = module_names(lines)
    unnamed = [
        path
        for path in tree_files()
        if path.split("/")[0] in LISTED_IN_FULL and not is_named(path, files, folders, modules)
    ]
    assert not unnamed, (
        "ARCHITECTURE.md does not name these files: add each to its folder's row (its file name in "
        "backticks) or give it a row of its own (its path in backticks); the rules are in this test's docstring:\n  "
        + "\n  ".join(unnamed)
    )


def test_every_top_level_folder_is_named():
    spans = {span for line in doc_lines() for span in line}
    top = sorted({path.split("/")[0] for path in tree_files() if "/" in path})
    unnamed = [folder for folder in top if f"{folder}/" not in spans and folder not in spans]
    assert not unnamed, "ARCHITECTURE.md has no row for these top-level folders: " + ", ".join(
        f"`{folder}/`" for folder in unnamed
    )


def test_every_path_named_in_architecture_md_exists():
    missing: Dict[str, List[str]] = {}
    for spans in doc_lines():
        bases = line_folders(spans)
        for span in spans:
            path = as_path(span)
            if not path:
                continue
            tried = [f"{base}/{path}" if base else path for base in bases]
            if any((ROOT / p).exists() or (any(c in p for c in "*?[") and any(ROOT.glob(p))) for p in tried):
                continue
            missing[span] = [p.rstrip("/") for p in tried]
    generated = ignored(p for tried in missing.values() for p in tried)
    gone = [span for span, tried in missing.items() if not generated.intersection(tried)]
    assert not gone, (
        "ARCHITECTURE.md names paths that do not exist (looked up from the root and from the folders named "
        "on the same line): " + ", ".join(f"`{span}`" for span in gone)
    )


def test_every_module_named_in_architecture_md_exists():
    def resolves(parts: List[str]) -> bool:
        path = ROOT.joinpath(*parts)
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()

    wrong = []
    for name in sorted(module_names(doc_lines())):
        parts = name.split(".")
        longest = max((n for n in range(1, len(parts) + 1) if resolves(parts[:n])), default=0)
        if longest == 0 or len(parts) - longest > 1 or (len(parts) > 1 and longest < 2):
            wrong.append(name)
    assert not wrong, "ARCHITECTURE.md names modules that do not exist: " + ", ".join(f"`{n}`" for n in wrong)


def test_the_rules_read_rows_as_the_docstring_says():
    """The docstring's examples, on made-up rows (checked against this repository's folders)."""
    lines = [
        ["bot/channels/", "guard.py", "telegram/", "api.py"],
        ["bot/cli/", "build_spacy", "python -m bot.cli.run_rasa"],
        ["bot/flows/", "templates/report.html.j2"],
        ["bot/knowledge/catalogue.yml", "engine.py"],
    ]
    files, folders = named_paths(lines)
    modules = module_names(lines)
    for path in [
        "bot/channels/guard.py",
        "bot/channels/telegram/api.py",
        "bot/channels/telegram/__init__.py",
        "bot/cli/build_spacy.py",
        "bot/cli/run_rasa.py",
        "bot/flows/templates/report.html.j2",
        "bot/knowledge/catalogue.yml",
    ]:
        assert is_named(path, files, folders, modules), path
    for path in ["bot/triage/engine.py", "bot/knowledge/__init__.py", "bot/channels/rest.py", "bot/api.py"]:
        assert not is_named(path, files, folders, modules), path
    assert as_path("python -m bench") == "" and as_path("/webhooks/health/") == "" and as_path("rest:") == ""
    assert as_path("tests/bot/...") == "tests/bot/" and as_path("nlu/*.yml") == "nlu/*.yml"
    assert MODULE.findall("bot/cli/run_rasa.py") == []
