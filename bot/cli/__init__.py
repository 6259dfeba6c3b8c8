"""Command-line tools: `python -m bot.cli.<tool>` (see README.md)."""
