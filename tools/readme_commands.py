"""Print a Quickstart command from README.md, so CI runs exactly what the README tells users.

The command is the first line of the fenced block that follows `<!-- NAME -->` in README.md.
Usage: python3 tools/readme_commands.py test-command
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def command(marker: str, text: str | None = None) -> str:
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    if f"<!-- {marker} -->" not in lines:
        raise ValueError(f"README.md has no <!-- {marker} --> marker")
    start = lines.index(f"<!-- {marker} -->")
    fence = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    cmd = lines[fence + 1].strip()
    if not cmd or cmd.startswith("```"):
        raise ValueError(f"README.md: no command after <!-- {marker} -->")
    return cmd


if __name__ == "__main__":
    print(command(sys.argv[1]))
