"""The rich console every terminal output shares (reports, ``explain``, ``rules``)."""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console


def make_console(stream: TextIO) -> Console:
    # rich keeps bold/dim under NO_COLOR; the convention asks for plain text.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=stream, highlight=False, soft_wrap=True, emoji=False, color_system=None if plain else "auto"
    )
