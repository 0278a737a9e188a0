"""Every model, imported in one place for Alembic and the test fixtures."""
from app.accounts.models import Invitation, Organization, PasswordResetToken, User, UserRole
from app.audit.models import AuditChainHead, AuditEvent
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage

__all__ = [
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
