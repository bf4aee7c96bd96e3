"""The project's URLs plus the test list screens (the root URLconf is included by name, so core does not
import config)."""

from django.urls import include, path

from concord.core.lists.tests.screens import CompanyList, SmallExportCompanyList

urlpatterns = [
    path("lists-test/companies/", CompanyList.as_view(), name="test_company_list"),
    path("lists-test/companies-capped/", SmallExportCompanyList.as_view(), name="test_company_list_capped"),
    path("", include("concord.config.urls")),
]
