"""Vietnamese names for synthetic demo people, from resources/demo/names.json."""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

from app.resources import resource_path


@cache
def tables() -> dict[str, Any]:
    with resource_path("demo", "names.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _kinh_surname(rng: random.Random) -> str:
    pairs = tables()["kinh"]["surnames"]
    return str(rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0])


def _kinh_style(rng: random.Random, surname: str, sex: str) -> str:
    k = tables()["kinh"]
    middle = rng.choice(k["middle_male" if sex == "male" else "middle_female"])
    given = rng.choice(k["given_male" if sex == "male" else "given_female"])
    return f"{surname} {middle} {given}"


def family_name(rng: random.Random, ethnicity: str) -> str:
    """The name a household passes to its children: surname or clan."""
    t = tables()
    pools = {
        "Ê Đê": t["ede"]["clans"],
        "Gia Rai": t["jarai"]["clans"],
        "Mông": t["hmong"]["surnames"],
        "Tày": t["tay"]["surnames"],
        "Thái": t["thai"]["surnames"],
        "Mường": t["muong"]["surnames"],
    }
    pool = pools.get(ethnicity)
    return rng.choice(pool) if pool else _kinh_surname(rng)


def person_name(rng: random.Random, ethnicity: str, sex: str, family: str) -> str:
    t = tables()
    male = sex == "male"
    if ethnicity == "Ê Đê":
        given = rng.choice(t["ede"]["given_male" if male else "given_female"])
        return f"Y {given} {family}" if male else f"H'{given} {family}"
    if ethnicity == "Gia Rai":
        given = rng.choice(t["jarai"]["given_male" if male else "given_female"])
        return f"{family} {given}"
    if ethnicity == "Mông":
        h = t["hmong"]
        if male:
            return f"{family} {rng.choice(h['male_markers'])} {rng.choice(h['given_male'])}"
        return f"{family} {rng.choice(h['given_female'])}"
    if ethnicity == "Thái" and rng.random() < 0.5:
        th = t["thai"]
        middle = "Văn" if male else "Thị"
        return f"{family} {middle} {rng.choice(th['given_male' if male else 'given_female'])}"
    return _kinh_style(rng, family, sex)
