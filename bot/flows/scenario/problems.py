"""A mistake in a scenario file, and the error that carries every mistake found.

Its own module because reading the YAML, checking it against the schema and the catalogue, and
loading a folder all report mistakes the same way: in words, with the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario file, with where it is."""

    path: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file (or several) cannot be used; `problems` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
