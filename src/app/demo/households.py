"""A realistic synthetic commune for demonstrations, training and benchmarks.

Deterministic for a seed: the same seed and reference date give the same households, byte for
byte, on every machine (only our own name tables and `random.Random` are used). Households have
a hidden level of hardship that drives income, housing, water, schooling and insurance together,
so the classes come out in plausible proportions, with ethnic-minority villages poorer on average.
Every generated household passes validation; a few carry warnings an officer must confirm.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.names import family_name, person_name, tables
from app.facts import HouseholdFacts, MemberFacts

DEMO_COMMUNE = "22237"  # Xã Ea Ly, Tỉnh Đắk Lắk: a rural commune with several ethnic groups
# CCCD birth-registration codes (the 63 old provinces) near the demo commune, most likely first.
BIRTH_PROVINCES = ("066", "066", "066", "066", "067", "064", "040", "038", "036", "002")
MINORITY_HARDSHIP = {
    "Mông": 0.3,
    "Ê Đê": 0.22,
    "Gia Rai": 0.22,
    "Thái": 0.12,
    "Tày": 0.08,
    "Mường": 0.1,
}


@dataclass(frozen=True)
class DemoVillage:
    name: str
    area: str


def villages() -> list[DemoVillage]:
    return [DemoVillage(v["name"], v["area"]) for v in tables()["villages"]]


class _Generator:
    def __init__(self, seed: int, reference_date: date) -> None:
        self.rng = random.Random(seed)
        self.ref = reference_date
        self.used_ids: set[str] = set()
        self.village_specs = tables()["villages"]

    def birth(self, age: int) -> str:
        """A birth date at which the person is exactly `age` on the reference date."""
        latest = date(self.ref.year - age, 1, 1) + timedelta(days=self.ref.timetuple().tm_yday - 1)
        return (latest - timedelta(days=self.rng.randrange(365))).isoformat()

    def id_number(self, sex: str, birth: str) -> str | None:
        if self.rng.random() < 0.15:
            return None
        year = int(birth[:4])
        digit = (0 if year < 2000 else 2) + (sex == "female")
        while True:
            number = (
                f"{self.rng.choice(BIRTH_PROVINCES)}{digit}{year % 100:02d}"
                f"{self.rng.randrange(10**6):06d}"
            )
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def member(
        self, ethnicity: str, family: str, relation: str, sex: str, age: int, hardship: float
    ) -> MemberFacts:
        rng = self.rng
        birth = self.birth(age)
        year_only = age > 60 and rng.random() < 0.1
        if year_only:
            birth = f"{birth[:4]}-01-01"
        insured = rng.random() > (0.35 * hardship if age >= 6 else 0.05)
        employment = education = None
        in_school = level_ok = malnourished = None
        if age >= 15:
            employment = self._employment(age, hardship)
        if age >= 6:
            education = self._education(age, hardship)
        if 3 <= age <= 30:
            in_school = (age < 18 and rng.random() > 0.25 * hardship) or (
                18 <= age <= 22 and rng.random() < 0.3 * (1 - hardship)
            )
        if 3 <= age < 16:
            level_ok = bool(in_school) and rng.random() > 0.1 * hardship
        if age < 16:
            malnourished = rng.random() < 0.25 * hardship
        return MemberFacts(
            name=person_name(rng, ethnicity, sex, family),
            sex=sex,
            birth_date=birth,
            birth_year_only=year_only,
            relation=relation,
            ethnicity=ethnicity,
            id_number=self.id_number(sex, birth) if age >= 14 else None,
            health_insurance=insured,
            disability=rng.choices(("none", "mild", "severe"), (96, 3, 1))[0],
            employment=employment,
            education=education,
            in_school=in_school,
            school_level_appropriate=level_ok,
            malnourished=malnourished,
        )

    def _employment(self, age: int, hardship: float) -> str:
        if age >= 65 or (age < 18 and self.rng.random() < 0.7):
            return "not_in_labour_force"
        r = self.rng.random()
        if r < 0.08 * hardship + 0.02:
            return "unemployed"
        if r < 0.2 * hardship + 0.1:
            return "employed_no_contract"
        return self.rng.choice(("self_employed", "self_employed", "employed_with_contract"))

    def _education(self, age: int, hardship: float) -> str:
        levels = (
            "none",
            "primary",
            "lower_secondary",
            "upper_secondary",
            "vocational_elementary",
            "college",
            "university",
        )
        cap = 1 if age < 11 else 2 if age < 15 else 3 if age < 18 else len(levels) - 1
        top = min(cap, max(0, round(self.rng.gauss(3.2 - 3 * hardship, 1.2))))
        return levels[top]

    def roster(self, ethnicity: str, hardship: float) -> list[MemberFacts]:
        rng = self.rng
        family = family_name(rng, ethnicity)
        head_sex = "male" if rng.random() < 0.78 else "female"
        head_age = rng.randint(22, 82)
        people = [self.member(ethnicity, family, "head", head_sex, head_age, hardship)]
        if rng.random() < 0.8 and head_age < 78:
            spouse_age = max(18, min(90, head_age + rng.randint(-6, 4)))
            spouse_sex = "female" if head_sex == "male" else "male"
            people.append(
                self.member(
                    ethnicity,
                    family_name(rng, ethnicity),
                    "spouse",
                    spouse_sex,
                    spouse_age,
                    hardship,
                )
            )
        children = rng.choices((0, 1, 2, 3, 4, 5), (10, 20, 35, 20, 10, 5 + 10 * hardship))[0]
        for _ in range(children):
            age = rng.randint(0, max(0, min(head_age - 18, 40)))
            people.append(
                self.member(
                    ethnicity, family, "child", rng.choice(("male", "female")), age, hardship
                )
            )
        if head_age < 50 and rng.random() < 0.2:
            people.append(
                self.member(
                    ethnicity,
                    family,
                    "parent",
                    rng.choice(("male", "female")),
                    min(95, head_age + rng.randint(20, 32)),
                    hardship,
                )
            )
        if head_age > 55 and rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                people.append(
                    self.member(
                        ethnicity,
                        family,
                        "grandchild",
                        rng.choice(("male", "female")),
                        rng.randint(0, 12),
                        hardship,
                    )
                )
        return people

    def household(self, n: int) -> HouseholdFacts:
        rng = self.rng
        spec = rng.choice(self.village_specs)
        mix = spec["mix"]
        ethnicity = rng.choices(list(mix), list(mix.values()))[0]
        hardship = min(
            1.0, max(0.0, rng.betavariate(1.3, 4.5) + MINORITY_HARDSHIP.get(ethnicity, 0))
        )
        members = tuple(self.roster(ethnicity, hardship))
        size = len(members)
        urban = spec["area"] == "urban"
        line = 2_000_000 if urban else 1_500_000
        income = max(
            0, int(rng.lognormvariate(0, 0.35) * line * (2.6 - 2.2 * hardship)) // 10_000 * 10_000
        )
        use_b1 = rng.random() < 0.08
        b1 = max(0, int(rng.gauss((175 if urban else 140) * (1.9 - 1.2 * hardship), 25)))
        weak = hardship > 0.45
        return HouseholdFacts(
            id=f"HD{n:06d}",
            village=spec["name"],
            area=spec["area"],
            members=members,
            floor_area_m2=float(max(6, round(size * rng.uniform(4, 30) * (1.3 - 0.6 * hardship)))),
            walls_durable=not (weak and rng.random() < 0.7),
            columns_durable=not (weak and rng.random() < 0.5),
            roof_durable=not (weak and rng.random() < 0.6),
            water_source=rng.choice(("unprotected_dug_well", "surface_water", "unprotected_spring"))
            if rng.random() < 0.5 * hardship
            else rng.choice(("piped", "drilled_well", "protected_dug_well")),
            latrine=rng.choice(("none", "pit_without_slab", "hanging"))
            if rng.random() < 0.7 * hardship
            else rng.choice(("septic", "semi_septic", "double_vault")),
            phone=rng.random() > 0.12 * hardship,
            internet=rng.random() > 0.6 * hardship + 0.1,
            information_devices=tuple(
                d
                for d, p in (("tv", 0.7), ("radio", 0.1), ("smartphone", 0.8), ("laptop", 0.2))
                if rng.random() < p * (1.1 - hardship)
            ),
            address=f"{spec['name']}, Xã Ea Ly",
            farm_household=not urban and rng.random() < 0.65,
            income_per_capita_month=None if use_b1 else income,
            b1_score=b1 if use_b1 else None,
            waste_handling=rng.choice(("collected", "treated_on_site", "none")),
        )


def generate(
    count: int, seed: int = 1, reference_date: date | None = None
) -> Iterator[HouseholdFacts]:
    gen = _Generator(seed, reference_date or date.today())
    for n in range(1, count + 1):
        yield gen.household(n)
