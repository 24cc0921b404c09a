"""README.md's Layout section names every module of the package, and nothing else."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_readme_layout_matches_the_tree():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("```")[1]
    listed: set[str] = set()
    for line in section.splitlines():
        match = re.match(r"lawreach/(\w+)/\s+.*?:\s*([\w, ]+)$", line)
        if match:
            listed |= {f"{match.group(1)}/{name.strip()}.py" for name in match.group(2).split(",")}
    package = REPO / "lawreach"
    folders = sorted(p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    on_disk = {f"{p.parent.name}/{p.name}" for folder in folders for p in (package / folder).glob("*.py")
               if p.name != "__init__.py"}
    assert set(folders) == {line.split("/")[1] for line in section.splitlines()
                            if line.startswith("lawreach/") and line.split("/")[1] and "/" in line[9:]}
    missing = on_disk - listed
    assert not missing, f"modules not in README.md's Layout: {sorted(missing)}"
    stale = {m for m in listed if m.split("/")[0] in folders} - on_disk
    assert not stale, f"README.md's Layout names modules that do not exist: {sorted(stale)}"
