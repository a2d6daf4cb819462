"""Coverage: which served divisions have no free team right now.

A division is covered when a team is available in it, or failing that in
another division of its service area (the teams of an area back each other
up). The board and the map both say which divisions are uncovered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .config import Deployment
from .enums import TeamStatus
from .marks import tr
from .model import Team


@dataclass(frozen=True)
class Coverage:
    free_in_division: dict[str, int]
    uncovered: tuple[str, ...]  # no free team in the division or its service area
    thin: tuple[str, ...]  # no free team in the division, but one in its area

    @property
    def text(self) -> str:
        if not self.uncovered and not self.thin:
            return tr("Every division has a free team.")
        parts = []
        if self.uncovered:
            parts.append(
                tr("NO free team for {divisions}").format(divisions=", ".join(self.uncovered))
            )
        if self.thin:
            parts.append(
                tr("covered from a neighbour only: {divisions}").format(
                    divisions=", ".join(self.thin)
                )
            )
        return "; ".join(parts)


def coverage(teams: Iterable[Team], deployment: Deployment) -> Coverage:
    free = {division: 0 for division in deployment.divisions}
    for team in teams:
        if team.status == TeamStatus.AVAILABLE and team.division in free:
            free[team.division] += 1
    uncovered: list[str] = []
    thin: list[str] = []
    for area in deployment.service_areas:
        area_free = sum(free[d] for d in area.divisions)
        for division in area.divisions:
            if free[division]:
                continue
            (thin if area_free else uncovered).append(division)
    return Coverage(free, tuple(uncovered), tuple(thin))
