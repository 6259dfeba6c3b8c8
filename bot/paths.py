"""Where the project's own files are, found from this package rather than the working directory."""

from pathlib import Path

# The repository root: the folder that holds `bot/`, `data/`, `config.yml`.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
REAL_LANGUAGE_DIR = PROJECT_ROOT / "data" / "real_language"
