"""Every model, imported in one place for Alembic and the test fixtures."""
from app.accounts.models import Invitation, Organization, PasswordResetToken, User, UserRole
from app.audit.models import AuditChainHead, AuditEvent
from app.awards.models import AwardRecommendation, Protest
from app.bids.models import Bid, BidDocument, BidLine, BidVersion
from app.contracts.models import (
    ComplianceCheck,
    Contract,
    ContractChange,
    ContractDocument,
    ContractEligibility,
    ContractLine,
    ExpiryReminder,
    Participation,
    Purchase,
)
from app.evaluation.models import CommitteeMember, ConsensusScore, Evaluation, EvaluationReportFile, EvaluationScore
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage
from app.solicitations.communications import Addendum, AddendumAcknowledgement, Follow, Question
from app.solicitations.models import (
    Category,
    DemandEstimate,
    DemandInvitation,
    EvaluationCriterion,
    PriceSheetItem,
    PublicNotice,
    Solicitation,
    SolicitationCounter,
    SolicitationDocument,
)
from app.solicitations.saved_searches import SavedSearch, SavedSearchHit

__all__ = [
    "AwardRecommendation",
    "CommitteeMember",
    "ConsensusScore",
    "Contract",
    "ContractChange",
    "ContractDocument",
    "ContractEligibility",
    "ComplianceCheck",
    "Participation",
    "Purchase",
    "ContractLine",
    "Evaluation",
    "EvaluationReportFile",
    "EvaluationScore",
    "ExpiryReminder",
    "Protest",
    "Bid",
    "BidDocument",
    "BidLine",
    "BidVersion",
    "Addendum",
    "AddendumAcknowledgement",
    "Category",
    "DemandEstimate",
    "DemandInvitation",
    "EvaluationCriterion",
    "Follow",
    "PriceSheetItem",
    "PublicNotice",
    "Question",
    "SavedSearch",
    "SavedSearchHit",
    "Solicitation",
    "SolicitationCounter",
    "SolicitationDocument",
    "AuditChainHead",
    "AuditEvent",
    "Invitation",
    "JobRun",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "User",
    "UserRole",
]
