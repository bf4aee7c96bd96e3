from django.http import HttpResponse
from django.test import RequestFactory

from concord.core.audit.context import AuditContextMiddleware
from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record


def _recording_view(obj):
    recorded = []

    def view(request):
        recorded.append(audit_record(actor=None, action=AuditAction.OTHER, obj=obj))
        return HttpResponse("ok")

    return view, recorded


def test_middleware_stamps_entries_with_request_id_and_ip(company):
    view, recorded = _recording_view(company)
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="edge-7f3a", REMOTE_ADDR="203.0.113.9")
    response = AuditContextMiddleware(view)(request)
    [entry] = recorded
    assert (entry.request_id, entry.ip_address) == ("edge-7f3a", "203.0.113.9")
    assert response.headers["X-Request-ID"] == "edge-7f3a"


def test_middleware_replaces_an_unsafe_request_id(company):
    view, recorded = _recording_view(company)
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>" + "x" * 100)
    response = AuditContextMiddleware(view)(request)
    [entry] = recorded
    assert len(entry.request_id) == 32
    assert entry.request_id.isalnum()
    assert response.headers["X-Request-ID"] == entry.request_id


def test_outside_a_request_entries_have_no_origin(company):
    entry = audit_record(actor=None, action=AuditAction.OTHER, obj=company)
    assert (entry.request_id, entry.ip_address) == ("", None)
