from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Global search over every registered kind of record, in any script (trigram index)."""

    name = "concord.core.search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concord.core.registry import registry
        from concord.core.search.provider import IndexedRecordsProvider
        from concord.core.search.rest import router

        registry.search_providers.register("records", IndexedRecordsProvider())
        registry.api_routers.register("search", router)
