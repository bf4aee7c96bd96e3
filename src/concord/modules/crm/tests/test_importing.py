"""Importing leads: rows checked like the form, written with the source ``import``, undone on failure."""

from __future__ import annotations

import pytest

from concord.core.dataio.specs import RowError, importer_get
from concord.modules.crm.models import Lead, LeadSource
from concord.modules.crm.services.campaigns import campaign_create

pytestmark = pytest.mark.django_db


def test_rows_are_validated_written_and_undone(company, seller):
    campaign = campaign_create(company=company, by=None, name="Food Fair")
    spec = importer_get("crm.lead")
    seen: dict[str, object] = {}
    blank = dict.fromkeys(spec.column_names(), "")
    good = spec.validate_row(
        {**blank, "title": "Woks", "email": "A@Example.com", "campaign": "food fair"},
        company=company,
        seen=seen,
    )
    assert good["email"] == "a@example.com"
    assert good["campaign_id"] == campaign.pk
    for row, column in (
        ({**blank, "email": "a@example.com"}, "title"),
        ({**blank, "title": "x"}, "email"),
        ({**blank, "title": "x", "email": "nope"}, "email"),
        ({**blank, "title": "x", "phone": "0812345678", "campaign": "Unknown"}, "campaign"),
    ):
        with pytest.raises(RowError) as refused:
            spec.validate_row(row, company=company, seen=seen)
        assert refused.value.column == column

    ids = spec.write_batch([good], company=company, by=seller, job_id=1)
    lead = Lead.objects.get(pk=ids[0])
    assert lead.source == LeadSource.IMPORT
    assert lead.campaign == campaign
    spec.undo(ids, company=company, by=seller)
    assert not Lead.objects.exists()
