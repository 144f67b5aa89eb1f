"""Saving one household: validation gates, confirmations, results, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.communes import only_commune
from app.errors import InvalidData, RaSoatError
from app.households import (
    StaleEdit,
    UnconfirmedWarnings,
    delete_household,
    load_household,
    save_household,
)
from models import Assessment, AuditEvent, Household, Member, WarningConfirmation
from models.database import Database
from tests.builders import ASKED, household, member
from tests.conftest import OFFICER


def counts(db: Database) -> tuple[int, ...]:
    with db.sessions() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t))
            for t in (Household, Member, Assessment, AuditEvent, WarningConfirmation)
        )


def save(db: Database, facts: object, **kw: object) -> object:
    kw.setdefault("survey", ASKED)
    with db.sessions.begin() as s:
        return save_household(s, OFFICER, only_commune(s), facts, **kw)  # type: ignore[arg-type]


def test_save_creates_household_members_result_and_audit(commune_db: Database) -> None:
    result = save(
        commune_db,
        household(
            water_source="surface_water", latrine="none", members=(member(health_insurance=False),)
        ),
    )
    assert result.created and result.version == 1
    with commune_db.sessions() as s:
        h = load_household(s, only_commune(s), "H001")
        assert [m.name for m in h.members] == ["Nguyễn Văn An"]
        a = s.scalar(select(Assessment).where(Assessment.household_id == h.id))
        assert a.result_class == "poor"
        assert a.deprived == "health_insurance,water_source,latrine"
        assert a.standard_id == "VN-MPS-2022-2025"
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "household.create"))
        assert event.entity_key == "H001" and event.actor == "officer1"


def test_errors_refuse_the_save_and_change_nothing(commune_db: Database) -> None:
    before = counts(commune_db)
    with pytest.raises(InvalidData) as err:
        save(commune_db, household(floor_area_m2=0.0))
    assert [p.code for p in err.value.problems] == ["floor_area"]
    assert counts(commune_db) == before


def test_update_records_old_and_new_values(commune_db: Database) -> None:
    save(commune_db, household())
    result = save(commune_db, household(income_per_capita_month=2_000_000, latrine="none"))
    assert not result.created and result.version == 2
    assert result.changes["income_per_capita_month"] == [1_000_000, 2_000_000]
    assert result.changes["latrine"] == ["septic", "none"]
    with commune_db.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["household.create", "household.update"]


def test_warning_needs_confirmation_with_reason(commune_db: Database) -> None:
    odd = household(members=(member(id_number="066087001234"),))  # birth year digits say 1987
    before = counts(commune_db)
    with pytest.raises(UnconfirmedWarnings):
        save(commune_db, odd)
    assert counts(commune_db) == before
    key = ("id_number_birth_year", "members[0].id_number")
    with pytest.raises(RaSoatError):  # an empty reason is not a confirmation
        save(commune_db, odd, confirmations={key: "  "})
    assert counts(commune_db) == before
    save(commune_db, odd, confirmations={key: "CCCD cấp sai năm sinh, đã đối chiếu sổ hộ khẩu"})
    with commune_db.sessions() as s:
        (c,) = s.scalars(select(WarningConfirmation)).all()
        assert c.reason.startswith("CCCD cấp sai") and c.confirmed_by == "officer1"
    # Saved again unchanged: the stored confirmation still covers the warning.
    save(commune_db, odd)


def test_confirmation_dropped_when_warning_goes_away(commune_db: Database) -> None:
    key = ("id_number_birth_year", "members[0].id_number")
    save(
        commune_db,
        household(members=(member(id_number="066087001234"),)),
        confirmations={key: "đã kiểm tra"},
    )
    save(commune_db, household(members=(member(id_number="066086001234"),)))
    with commune_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(WarningConfirmation)) == 0


def test_same_id_number_in_another_household_is_an_error(commune_db: Database) -> None:
    save(commune_db, household(members=(member(id_number="066086001234"),)))
    before = counts(commune_db)
    with pytest.raises(InvalidData) as err:
        save(commune_db, household(id="H002", members=(member(id_number="066086001234"),)))
    (problem,) = err.value.problems
    assert problem.code == "id_number_duplicate" and problem.params["other"] == "H001"
    assert counts(commune_db) == before


def test_stale_edit_is_refused(commune_db: Database) -> None:
    save(commune_db, household())
    save(commune_db, household(income_per_capita_month=900_000), expected_version=1)
    with pytest.raises(StaleEdit):
        save(commune_db, household(income_per_capita_month=800_000), expected_version=1)


def test_new_village_is_created_with_household_area(commune_db: Database) -> None:
    save(commune_db, household(village="Thôn Mới", area="urban"))
    from app.communes import villages_by_name

    with commune_db.sessions() as s:
        assert villages_by_name(s, only_commune(s))["Thôn Mới"].area == "urban"


def test_names_are_normalised(commune_db: Database) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", " Nguyễn   Văn Hùng")
    save(commune_db, household(members=(member()._replace(name=nfd),)))
    with commune_db.sessions() as s:
        h = load_household(s, only_commune(s), "H001")
        assert h.members[0].name == "Nguyễn Văn Hùng"
        assert "nguyen van hung" in h.search_key


def test_delete_household(commune_db: Database) -> None:
    save(commune_db, household())
    with commune_db.sessions.begin() as s:
        delete_household(s, OFFICER, only_commune(s), "H001")
    assert counts(commune_db)[:3] == (0, 0, 0)
