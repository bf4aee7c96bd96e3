"""The manufacturing screens: lists, BOM form with htmx rows and errors, cost report, order actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from concord.core.identity.roles import Role
from concord.core.web.testing import unlabelled_fields
from concord.modules.manufacturing.models import BillOfMaterials, ManufacturingOrder, OrderState
from concord.modules.manufacturing.services.orders import order_create


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def bom_data(product, lines, **overrides):
    data = {
        "product": product.pk,
        "code": "",
        "kind": "normal",
        "quantity": "1",
        "uom": "",
        "note": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "500",
    }
    for index, (component, quantity) in enumerate(lines):
        data[f"lines-{index}-product"] = component.pk if component else ""
        data[f"lines-{index}-quantity"] = quantity
        data[f"lines-{index}-uom"] = ""
    data.update(overrides)
    return data


def test_lists_render_with_labelled_filters(as_manager, boms, company, products):
    order = order_create(company=company, product_id=products["wok_set"].pk, quantity=Decimal(2), by=None)
    for name in ("manufacturing:orders", "manufacturing:boms"):
        page = as_manager.get(reverse(name))
        assert page.status_code == 200
        assert not unlabelled_fields(page.content.decode())
    orders = as_manager.get(
        reverse("manufacturing:orders"), {"state": "draft", "product": products["wok_set"].pk}
    )
    assert order.number in orders.content.decode()
    assert (
        order.number
        not in as_manager.get(reverse("manufacturing:orders"), {"state": "done"}).content.decode()
    )


def test_bom_form_creates_and_shows_errors(as_manager, products):
    page = as_manager.get(reverse("manufacturing:bom-create"))
    assert page.status_code == 200
    assert not unlabelled_fields(page.content.decode())

    saved = as_manager.post(
        reverse("manufacturing:bom-create"),
        bom_data(products["lid"], [(products["glass"], "1"), (products["knob"], "2"), (None, "")]),
    )
    assert saved.status_code == 302
    bom = BillOfMaterials.objects.get(product=products["lid"])
    assert bom.lines.count() == 2
    assert as_manager.get(reverse("manufacturing:bom-detail", args=[bom.pk])).status_code == 200

    cycle = as_manager.post(
        reverse("manufacturing:bom-create"), bom_data(products["knob"], [(products["lid"], "1")])
    )
    assert cycle.status_code == 400
    assert "cannot be made of itself" in cycle.content.decode()

    missing_quantity = as_manager.post(
        reverse("manufacturing:bom-create"), bom_data(products["pan"], [(products["glass"], "")])
    )
    assert missing_quantity.status_code == 400
    assert "Give the quantity" in missing_quantity.content.decode()


def test_bom_form_adds_a_row_with_htmx(as_manager, products):
    row = as_manager.get(
        reverse("manufacturing:bom-line-row"), {"lines-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true"
    )
    body = row.content.decode()
    assert row.status_code == 200
    assert 'name="lines-3-product"' in body
    assert 'value="4"' in body
    assert "hx-swap-oob" in body
    assert not unlabelled_fields(body)


def test_bom_edit_and_cost_report(as_manager, boms, products):
    edit = as_manager.get(reverse("manufacturing:bom-edit", args=[boms["wok"].pk]))
    assert edit.status_code == 200
    cost = as_manager.get(reverse("manufacturing:bom-cost", args=[boms["wok"].pk]), {"quantity": "2"})
    assert cost.status_code == 200
    body = cost.content.decode()
    assert "Bamboo handle" in body
    assert "Sub-assembly" in body
    assert "Kit" in body


def test_order_form_and_actions(as_manager, products, stocked):
    page = as_manager.get(
        reverse("manufacturing:order-create"), {"product": products["wok_set"].pk, "quantity": "3"}
    )
    assert page.status_code == 200
    assert not unlabelled_fields(page.content.decode())

    refused = as_manager.post(
        reverse("manufacturing:order-create"),
        {
            "product": products["wok_set"].pk,
            "quantity": "0",
            "planned_date": "2026-03-10",
            "bom": "",
            "origin": "",
            "note": "",
        },
    )
    assert refused.status_code == 400

    saved = as_manager.post(
        reverse("manufacturing:order-create"),
        {
            "product": products["wok_set"].pk,
            "quantity": "3",
            "planned_date": "2026-03-10",
            "bom": "",
            "origin": "",
            "note": "",
        },
    )
    assert saved.status_code == 302
    order = ManufacturingOrder.objects.get()
    detail = reverse("manufacturing:order-detail", args=[order.pk])
    assert as_manager.get(detail).status_code == 200

    as_manager.post(reverse("manufacturing:order-confirm", args=[order.pk]))
    page = as_manager.get(detail).content.decode()
    assert 'data-testid="order-availability">Ready' in page

    as_manager.post(
        reverse("manufacturing:order-produce", args=[order.pk]), {"quantity": "3", "backorder": "on"}
    )
    order.refresh_from_db()
    assert order.state == OrderState.DONE
    as_manager.post(reverse("manufacturing:order-cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == OrderState.DONE  # a done order cannot be cancelled; the page says why


def test_order_detail_proposes_a_child_order_for_a_short_sub_assembly(as_manager, company, products, boms):
    order = order_create(company=company, product_id=products["wok_set"].pk, quantity=Decimal(2), by=None)
    as_manager.post(reverse("manufacturing:order-confirm", args=[order.pk]))
    page = as_manager.get(reverse("manufacturing:order-detail", args=[order.pk])).content.decode()
    assert "Waiting for components" in page
    assert f"?product={products['lid'].pk}&amp;quantity=2" in page


def test_other_companies_pages_are_not_found_and_roles_are_checked(
    client, make_company, make_user, company, boms
):
    client.force_login(make_user(company=make_company(code="other"), roles=(Role.MANAGER,)))
    assert client.get(reverse("manufacturing:bom-detail", args=[boms["wok"].pk])).status_code == 404
    client.force_login(make_user(company=company, roles=(Role.ACCOUNTANT,)))
    assert client.get(reverse("manufacturing:bom-detail", args=[boms["wok"].pk])).status_code == 200
    assert client.get(reverse("manufacturing:bom-create")).status_code == 403
