"""What a workspace section is: a title, a template, who sees it, and the loader that fetches
everything the template needs in a fixed number of queries (whatever the number of rows)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.accounts.models import User


@dataclass(frozen=True)
class Section:
    key: str  # the HTML id of the section
    title: str
    template: str  # under templates/workspaces/
    applies: Callable[[User], bool]
    load: Callable[[User], dict[str, Any]]  # the template's context
