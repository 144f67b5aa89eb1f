"""The procedure as data: tracks, their steps and transitions, and the legal periods.

`resources/workflow/procedure.json` lists, for each track ("standard" for poor / near-poor,
"average" for farm households of average living standard), which action moves a household from
which steps to which step, the permission it needs and the named guards that must hold. The code
only interprets it: a step order changes in the data, not in if-chains.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.errors import WorkflowError
from app.resources import resource_path
from app.standards import Fact

TRACKS = ("standard", "average")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: Mapping[str, str]  # outcome → step; a single target has the outcome "done"
    permission: str
    guards: tuple[str, ...]

    def target(self, outcome: str = "done") -> str:
        return self.targets[outcome]


@dataclass(frozen=True)
class Track:
    id: str
    start: str
    days: Mapping[str, Fact]
    transitions: Mapping[str, Transition]

    def period(self, name: str) -> int:
        """Working days of the "posting", "recheck" or "reposting" period."""
        return int(self.days[name].value)

    def transition(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise WorkflowError("workflow.action_not_in_track", action=action) from None

    def steps(self) -> list[str]:
        """Every step of the track, in the order the transitions first reach them."""
        seen = [self.start]
        for t in self.transitions.values():
            for step in (*sorted(t.sources), *t.targets.values()):
                if step not in seen:
                    seen.append(step)
        return seen


@dataclass(frozen=True)
class Procedure:
    tracks: Mapping[str, Track]
    periods: Mapping[str, Fact]
    meeting_agreement_min: Fact

    def track(self, track_id: str) -> Track:
        try:
            return self.tracks[track_id]
        except KeyError:
            raise WorkflowError("workflow.track_unknown", track=track_id) from None


def _fact(data: Mapping[str, Any]) -> Fact:
    return Fact.from_json(data)


def _transition(data: Mapping[str, Any]) -> Transition:
    to = data["to"]
    targets = {"done": to} if isinstance(to, str) else dict(to)
    return Transition(
        data["action"],
        frozenset(data["from"]),
        targets,
        data["permission"],
        tuple(data.get("guards", ())),
    )


def _track(track_id: str, data: Mapping[str, Any]) -> Track:
    transitions = {t.action: t for t in map(_transition, data["transitions"])}
    days = {name: _fact(value) for name, value in data["days"].items()}
    return Track(track_id, data["start"], days, transitions)


@cache
def procedure() -> Procedure:
    with resource_path("workflow", "procedure.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return Procedure(
        {tid: _track(tid, t) for tid, t in data["tracks"].items()},
        {name: _fact(value) for name, value in data["periods"].items()},
        _fact(data["meeting_agreement_min"]),
    )
