"""RaSoat data: SQLAlchemy 2.x typed models, engine setup and Alembic migrations. No Qt."""

from models.audit import AuditEvent
from models.base import Base
from models.commune import Commune, Setting, Village
from models.household import Household, HouseholdVersion, Member, WarningConfirmation
from models.review import Application, Assessment, ReviewRound

__all__ = [
    "Application",
    "Assessment",
    "AuditEvent",
    "Base",
    "Commune",
    "Household",
    "HouseholdVersion",
    "Member",
    "ReviewRound",
    "Setting",
    "Village",
    "WarningConfirmation",
]
