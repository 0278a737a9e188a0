"""Workspace sections for agency users."""
from __future__ import annotations

from app.workspaces.section import Section

SECTIONS: list[Section] = []
