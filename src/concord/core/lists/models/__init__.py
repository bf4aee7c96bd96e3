from concord.core.lists.models.saved_filter import SavedFilter

__all__ = ["SavedFilter"]
