"""Report tables computed from known households: each number checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.ages import AgeClock
from app.reports.groups import LabourCapacity
from app.reports.list_tables import detailed_list, final_list
from app.reports.source import CommuneInfo, ReportSource, Result, RoundInfo
from app.reports.summary_tables import (
    children,
    deprivation,
    ethnicity,
    results_by_village,
    target_groups,
)
from app.reports.table import DATA, GROUP, SUBTOTAL, TOTAL, format_number, header_grid
from app.standards import get_pack
from tests.builders import REFERENCE_DATE, household, member


def result(
    cls: str | None, village: str = "Thôn 1", deprived: tuple[str, ...] = (), **kw: object
) -> Result:
    return Result(household(village=village, **kw), cls, deprived, "listed", "income")


def source(*results: Result, villages: tuple[str, ...] = ("Thôn 1", "Thôn 2")) -> ReportSource:
    return ReportSource(
        CommuneInfo("22237", "Xã Ea Ly", "66", "Tỉnh Đắk Lắk"),
        RoundInfo(
            1,
            "periodic",
            "Rà soát định kỳ năm 2026",
            2026,
            None,
            REFERENCE_DATE,
            "VN-MPS-2022-2025",
            "open",
        ),
        get_pack("VN-MPS-2022-2025"),
        villages,
        tuple(results),
    )


KINH = (member(), member(name="Trần Thị Bình", sex="female", age=38, relation="spouse"))
EDE = (
    member(name="Y Bhim Niê", ethnicity="Ê Đê"),
    member(name="H'Mai Niê", sex="female", age=7, relation="child", ethnicity="Ê Đê"),
    member(name="Y Sun Niê", age=4, relation="child", ethnicity="Ê Đê", health_insurance=False),
)


def sample() -> ReportSource:
    return source(
        result(
            "poor", deprived=("health_insurance", "latrine", "water_source"), id="A", members=EDE
        ),
        result("near_poor", deprived=("latrine",), id="B", members=KINH),
        result("average", id="C", farm_household=True, members=KINH),
        result("average", id="D", farm_household=False, members=KINH),
        result("not_poor", village="Thôn 2", id="E", members=KINH),
        result(None, village="Thôn 2", id="F", members=KINH),
    )


def test_results_by_village_counts_and_rates() -> None:
    table = results_by_village(sample())
    rows = {r.values[1]: r.values for r in table.rows}
    # total, members, poor (n, %, members), near-poor (n, %, members), farm average (n, members),
    # unclassified
    assert rows["Thôn 1"][2:] == (4, 9, 1, 0.25, 3, 1, 0.25, 2, 1, 2, 0)
    assert rows["Thôn 2"][2:] == (2, 4, 0, 0.0, 0, 0, 0.0, 0, 0, 0, 1)
    assert rows["Tổng cộng"][2:] == (6, 13, 1, 1 / 6, 3, 1, 1 / 6, 2, 1, 2, 1)
    assert table.rows[-1].kind == TOTAL


def test_a_village_without_households_shows_dashes_not_zero_rates() -> None:
    table = results_by_village(source(result("poor", id="A"), villages=("Thôn 1", "Thôn 9")))
    empty = next(r for r in table.rows if r.values[1] == "Thôn 9")
    assert empty.values[5] is None and format_number(empty.values[5], "pct") == "–"


def test_deprivation_counts_and_rates_per_indicator() -> None:
    s = sample()
    ids = s.pack.indicator_ids
    counts = deprivation(s, "poor", rates=False).rows[-1].values
    assert counts[2:4] == (1, 3)
    assert counts[4 + ids.index("latrine")] == 1 and counts[4 + ids.index("telecom")] == 0
    near = deprivation(s, "near_poor", rates=True).rows[-1].values
    assert near[2] == 1 and near[3] == 1.0 and near[4 + ids.index("latrine")] == 1.0


def test_target_groups() -> None:
    total = target_groups(sample()).rows[-1].values
    # poor: households, members, minority, no labour capacity, female head; then near-poor
    assert total[2:] == (1, 3, 1, 0, 0, 1, 2, 0, 0, 0)


def test_no_labour_capacity_means_nobody_of_working_age_able_to_work() -> None:
    pack = get_pack("VN-MPS-2022-2025")
    labour = LabourCapacity(pack, AgeClock(REFERENCE_DATE))
    old = household(members=(member(age=75), member(age=70, sex="female", relation="spouse")))
    disabled = household(
        members=(member(age=40, disability="severe"), member(age=8, relation="child"))
    )
    mild = household(members=(member(age=40, disability="mild"),))
    assert labour.none_in(old) and labour.none_in(disabled)
    assert not labour.none_in(mild)


def test_ethnicity_breakdown_has_minority_subtotal() -> None:
    table = ethnicity(sample())
    by_name = {r.values[1]: r for r in table.rows}
    assert by_name["Kinh"].values[2:] == (5, 0, 0.0, 0, 1, 0.2, 2)
    assert by_name["Dân tộc thiểu số"].kind == SUBTOTAL
    assert by_name["Ê Đê"].values[2:5] == (1, 1, 1.0)
    assert by_name["Tổng cộng"].values[2] == 6


def test_children_deprivations_follow_the_pack() -> None:
    total = children(sample()).rows[-1].values
    # The poor household has 2 children; the 4-year-old without a card is under the age of
    # the health-insurance indicator (6), so only schooling-age rules could count him.
    assert total[2] == 2
    assert total[3] == 0


def test_detailed_list_one_row_per_person_grouped_by_village() -> None:
    table = detailed_list(sample(), "poor")
    assert [r.kind for r in table.rows] == [GROUP, DATA, DATA, DATA]
    head, child = table.rows[1].values, table.rows[2].values
    assert head[:4] == (1, 1, "Y Bhim Niê", "A") and head[8] == "x"  # ethnic minority
    assert head[11] == "4, 9, 10" and head[12] == 3
    assert child[0] == "" and child[2] == "H'Mai Niê" and child[4] == "" and child[5] != ""


def test_final_list_poor_then_near_poor() -> None:
    rows = final_list(sample()).rows
    assert [r.values[0] for r in rows if r.kind == GROUP] == [
        "I. HỘ NGHÈO (1 hộ)",
        "Thôn 1 (1 hộ)",
        "II. HỘ CẬN NGHÈO (1 hộ)",
        "Thôn 1 (1 hộ)",
    ]
    assert [r.values[2] for r in rows if r.kind == DATA] == ["A", "B"]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234567, "int", "1.234.567"),
        (0.125, "pct", "12,5"),
        (1953, "year", "1953"),
        (3.256, "ratio", "3,26"),
        (None, "int", "–"),
        ("", "int", ""),
    ],
)
def test_numbers_read_the_vietnamese_way(value: object, kind: str, text: str) -> None:
    assert format_number(value, kind) == text


def test_header_grid_places_cells_around_spans() -> None:
    cells = header_grid((("A", 2, 1), ("B", 1, 2)), (("b1", 1, 1), ("b2", 1, 1)))
    assert [(c.text, c.row, c.col) for c in cells] == [
        ("A", 0, 0),
        ("B", 0, 1),
        ("b1", 1, 1),
        ("b2", 1, 2),
    ]


def test_dates_in_round_info_slug() -> None:
    r = RoundInfo(1, "in_year", "x", 2027, 3, date(2027, 3, 15), "VN-MPS-2027-2030", "open")
    assert r.slug == "2027t03"


def test_movement_tables_balance_per_village_and_in_total() -> None:
    from app.movements import HouseholdMovement
    from app.reports.movement_tables import movements

    def mv(code: str, village: str, start: str | None, end: str | None, **kw: object) -> object:
        return HouseholdMovement(1, code, village, 4, start, end, True, **kw)  # type: ignore[arg-type]

    s = sample()
    s = s.__class__(
        s.commune,
        s.round,
        s.pack,
        s.villages,
        s.results,
        (
            mv("A", "Thôn 1", "poor", "poor"),
            mv("B", "Thôn 1", "poor", "near_poor"),
            mv("C", "Thôn 1", "poor", None),
            mv("D", "Thôn 2", None, "poor"),
            mv("E", "Thôn 2", None, "poor", previously_on=frozenset({"poor"})),
            mv("F", "Thôn 2", "near_poor", "poor"),
        ),
    )
    table = movements(s, "poor")
    by = {(r.values[1] or prev, r.values[2]): r.values[3:] for r, prev in _labelled(table.rows)}
    # start, to near-poor, escaped, other out, from near-poor, returned, new, other in, end
    assert by[("Thôn 1", "Hộ")] == (3, 1, 1, 0, 0, 0, 0, 0, 1)
    assert by[("Thôn 1", "Nhân khẩu")] == (12, 4, 4, 0, 0, 0, 0, 0, 4)
    assert by[("Thôn 2", "Hộ")] == (0, 0, 0, 0, 1, 1, 1, 0, 3)
    assert by[("Tổng cộng", "Hộ")] == (3, 1, 1, 0, 1, 1, 1, 0, 4)
    for values in by.values():
        start, *changes, end = values
        assert end == start - sum(changes[:3]) + sum(changes[3:])
    near = movements(s, "near_poor").rows[-2].values[3:]
    assert near == (1, 1, 0, 0, 1, 0, 0, 0, 1)


def _labelled(rows: list) -> list:  # type: ignore[type-arg]
    out, prev = [], ""
    for r in rows:
        if r.values[1]:
            prev = r.values[1]
        out.append((r, prev))
    return out
