from concord.core.activities.models.activity import Activity, ActivityKind, ActivityState
from concord.core.activities.models.note import Note

__all__ = ["Activity", "ActivityKind", "ActivityState", "Note"]
