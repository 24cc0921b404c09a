"""A record as written, with its address: the type the reader makes and the rules check.

The address (``file`` and ``where``: "feature 3", "line 12") is what a problem report
names. It lives here rather than in the reader so that the rules can take records
without knowing how files are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lawreach.contract.problems import Problem


@dataclass
class RawRecord:
    """A record as written in a file, before validation."""

    file: str
    where: str  # "feature 3" / "line 12"
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def record_id(self) -> str | None:
        value = self.data.get("id")
        return str(value) if value not in (None, "") else None

    def problem(self, field_name: str | None, value: Any, rule: str, expected: str) -> None:
        self.problems.append(
            Problem(self.file, self.where, self.record_id, field_name, value, rule, expected)
        )
