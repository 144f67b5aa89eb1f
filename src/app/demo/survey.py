"""Plausible Phiếu B causes of poverty and support needs for the demo commune's poor and
near-poor households: the same seed gives the same answers.

The chances follow the household's own findings (no insurance makes a health need likely, a
child out of school an education need, a weak house a housing need), so the demo's table 10 and
detailed lists read like a real commune's rather than noise.
"""

from __future__ import annotations

import random

from app.classify import Classification
from app.facts import HouseholdFacts
from app.survey import NO_ANSWERS, REVIEWED, SurveyAnswers

# (code, base chance): the causes most often reported first, as in published review summaries.
CAUSES = (
    ("no_capital", 0.55),
    ("no_land", 0.35),
    ("no_knowhow", 0.3),
    ("no_skills", 0.25),
    ("no_labour", 0.15),
    ("no_tools", 0.15),
    ("illness", 0.12),
    ("other", 0.04),
)


def _needs(rng: random.Random, deprived: tuple[str, ...]) -> tuple[str, ...]:
    chances = (
        ("health", 0.7 if {"health_insurance", "nutrition"} & set(deprived) else 0.15),
        ("education", 0.7 if "child_schooling" in deprived else 0.1),
        ("production", 0.45),
        ("credit", 0.6),
        ("housing", 0.65 if {"housing_quality", "housing_area"} & set(deprived) else 0.1),
        ("other", 0.04),
    )
    return tuple(code for code, p in chances if rng.random() < p)


def demo_answers(seed: int, facts: HouseholdFacts, result: Classification) -> SurveyAnswers:
    if result.cls not in REVIEWED:
        return NO_ANSWERS
    rng = random.Random(f"{seed}:{facts.id}")
    labour = 0.5 if "dependants" in result.deprived else 0.0
    sick = 0.3 if any(m.disability != "none" for m in facts.members) else 0.0
    bonus = {"no_labour": labour, "illness": sick}
    causes = tuple(c for c, p in CAUSES if rng.random() < p + bonus.get(c, 0.0))
    causes = causes or (rng.choice(CAUSES[:4])[0],)
    # About one household in ten is surveyed without a main cause marked.
    main = rng.choice(causes) if rng.random() < 0.9 else None
    return SurveyAnswers(causes, main, _needs(rng, result.deprived))
