"""Phiếu A (quick identification) as the editor shows it: the pack's criteria and the rule.

The criteria's official wording is not known yet (shared/domain §2: nine slots, unverified, left
empty in the pack rather than invented). A slot without wording is shown by its column number on
the paper form (01–09), which is how the officer ticks it; a pack that carries the wording
shows it. The rule itself — the threshold at which the review stops — comes from the pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import tr
from app.standards import StandardPack


@dataclass(frozen=True)
class Criterion:
    no: int  # the column on the paper form, 1–9
    text: str | None  # the official wording, None while the pack does not carry it
    verified: bool

    def label(self, lang: str = "vi") -> str:
        """ "01. <wording>", or "Tiêu chí 01" (its column on the paper form) without wording."""
        if self.text:
            return f"{self.no:02d}. {self.text}"
        return tr("phieu_a.slot", lang, no=f"{self.no:02d}")


@dataclass(frozen=True)
class PhieuAForm:
    threshold: int
    criteria: tuple[Criterion, ...]

    @property
    def wording_known(self) -> bool:
        return all(c.text for c in self.criteria)

    def stops_review(self, count: int) -> bool:
        """At the threshold or more (4 in 2022–2025) the review of the applicant ends."""
        return count >= self.threshold

    def verdict(self, ticked: Iterable[int], lang: str = "vi") -> str:
        """What the live count means, in words: "3 tiêu chí — dưới 4: tiếp tục rà soát…"."""
        count = len(set(ticked))
        key = "phieu_a.verdict_stop" if self.stops_review(count) else "phieu_a.verdict_go"
        return tr(key, lang, count=count, threshold=self.threshold)


def phieu_a_form(pack: StandardPack, lang: str = "vi") -> PhieuAForm:
    criteria = []
    for entry in pack.phieu_a_criteria:
        texts = entry.get("text") or {}
        text = texts.get(lang) or texts.get("vi")
        verified = entry.get("status") == "verified"
        criteria.append(Criterion(int(entry["no"]), text or None, verified))
    return PhieuAForm(int(pack.phieu_a_threshold.value), tuple(criteria))
