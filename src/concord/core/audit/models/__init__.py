from concord.core.audit.models.entry import AuditAction, AuditEntry, AuditEntryQuerySet

__all__ = ["AuditAction", "AuditEntry", "AuditEntryQuerySet"]
