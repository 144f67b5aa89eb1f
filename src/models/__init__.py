"""RaSoat data: SQLAlchemy 2.x typed models, engine setup and Alembic migrations. No Qt."""

from models.audit import AuditEvent
from models.base import Base
from models.commune import Commune, Setting, Village
from models.household import Household, HouseholdVersion, Member, WarningConfirmation
from models.listing import PendingHousehold, PreviousClass
from models.office import (
    HouseholdComment,
    HouseholdVerdict,
    ImportedResponse,
    ReceivedPackage,
    SentResponse,
    TrustedSigner,
)
from models.review import Application, Assessment, ReviewRound
from models.sync import FieldFile, FieldKey, Reviewer, ReviewerHousehold, SyncHousehold
from models.users import User
from models.workflow import (
    AssessmentStep,
    Complaint,
    MeetingGroup,
    MeetingGroupHousehold,
    Posting,
    RoundDocument,
    VillageMeeting,
)

__all__ = [
    "Application",
    "Assessment",
    "AssessmentStep",
    "AuditEvent",
    "Base",
    "Commune",
    "Complaint",
    "FieldFile",
    "FieldKey",
    "Household",
    "HouseholdComment",
    "HouseholdVerdict",
    "HouseholdVersion",
    "ImportedResponse",
    "MeetingGroup",
    "MeetingGroupHousehold",
    "Member",
    "PendingHousehold",
    "Posting",
    "PreviousClass",
    "ReceivedPackage",
    "ReviewRound",
    "Reviewer",
    "ReviewerHousehold",
    "RoundDocument",
    "SentResponse",
    "Setting",
    "SyncHousehold",
    "TrustedSigner",
    "User",
    "Village",
    "VillageMeeting",
    "WarningConfirmation",
]
