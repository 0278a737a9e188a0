"""The dashboard: every section that applies to the signed-in user, in a fixed order."""
from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.workspaces import agency, participant, vendor
from app.workspaces.section import Section

SECTIONS: tuple[Section, ...] = (*agency.SECTIONS, *vendor.SECTIONS, *participant.SECTIONS)


def sections_for(user: User) -> list[tuple[Section, dict[str, Any]]]:
    return [(section, section.load(user)) for section in SECTIONS if section.applies(user)]
