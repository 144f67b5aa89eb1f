"""The list's "Bước rà soát" column speaks Vietnamese for every step (no raw "none")."""

from __future__ import annotations

from app.household_list import ListRow
from app.workflow.procedure import procedure
from ui.household_table import HouseholdTableModel, step_label


def test_every_review_step_has_its_vietnamese_label() -> None:
    steps = {s for track in procedure().tracks.values() for s in track.steps()} | {"none"}
    assert {"listed", "screened", "not_eligible", "decided"} <= steps
    for step in steps:
        text = step_label(step, "vi")
        assert text and text != step and "_" not in text, step
    assert step_label(None, "vi") == "Chưa vào đợt"


def test_the_step_column_shows_the_label() -> None:
    model = HouseholdTableModel("vi")
    row = ListRow(1, "H1", "Nguyễn Văn An", "Thôn 1", 1, 2, "not_poor", "none", 0, 0, 0, "h1")
    model.set_rows([row, row._replace(household_id=2, code="H2", step="listed")])
    assert [model.index(i, 5).data() for i in range(2)] == [
        "Không trong diện rà soát",
        "Có tên trong danh sách rà soát",
    ]
