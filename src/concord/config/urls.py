"""Root URL map: the web shell, identity (login etc.), the REST API, admin."""

from django.contrib import admin
from django.urls import include, path

from concord.config.api import api

urlpatterns = [
    path("", include("concord.core.web.urls")),
    path("account/", include("concord.core.identity.urls")),
    path("audit/", include("concord.core.audit.urls")),
    path("outbox/", include("concord.core.outbox.urls")),
    path("money/", include("concord.core.money.urls")),
    path("search/index/", include("concord.core.search.urls")),
    path("lists/", include("concord.core.lists.urls")),
    path("imports/", include("concord.core.dataio.urls")),
    path("activities/", include("concord.core.activities.urls")),
    path("parties/", include("concord.modules.parties.urls")),
    path("catalog/", include("concord.modules.catalog.urls")),
    path("accounting/", include("concord.modules.accounting.urls")),
    path("inventory/", include("concord.modules.inventory.urls")),
    path("purchasing/", include("concord.modules.purchasing.urls")),
    path("manufacturing/", include("concord.modules.manufacturing.urls")),
    path("crm/", include("concord.modules.crm.urls")),
    path("sales/", include("concord.modules.sales.urls")),
    path("knowledge/", include("concord.modules.knowledge.urls")),
    path("helpdesk/", include("concord.modules.helpdesk.urls")),
    path("portal/", include("concord.modules.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
