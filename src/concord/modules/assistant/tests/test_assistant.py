"""The assistant: language, skill choice, each skill's answer, privacy, odd input, the optional LLM."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from concord.modules.assistant.facade import SKILLS, AssistantReply, assistant_reply, detect_language
from concord.modules.inventory.facade import TransferInfo
from concord.modules.knowledge.facade import articles_import
from concord.modules.sales.facade import SaleOrderInfo

NOT_FOUND = "I can't find that order on your account."


def test_language_from_script() -> None:
    assert detect_language("Where is my order?") == "en"
    assert detect_language("ออเดอร์ของฉันอยู่ไหน") == "th"
    assert detect_language("ការបញ្ជាទិញរបស់ខ្ញុំនៅឯណា") == "km"
    assert detect_language("SO/2026/00012 อยู่ไหน") == "th"
    assert detect_language("") == "en"
    assert detect_language("🙂🙂") == "en"


def _order(pk: int, party_id: int, number: str, state: str = "sale") -> SaleOrderInfo:
    return SaleOrderInfo(
        id=pk, company_id=1, partner_id=party_id, number=f"Q/2026/{pk:05d}", order_number=number, state=state,
        quote_date=dt.date(2026, 11, pk), validity_date=None, currency="THB", amount_untaxed=Decimal(100),
        amount_tax=Decimal(7), amount_total=Decimal(107), invoice_status="to_invoice", payment_status="not_paid",
        access_token="t", signed_by="", opportunity_id=None,
    )  # fmt: skip


@pytest.fixture
def orders(monkeypatch: pytest.MonkeyPatch) -> dict[int, list[SaleOrderInfo]]:
    """Two customers' orders behind the sales and inventory facades (party 10 and party 20)."""
    from concord.modules.inventory import facade as inventory
    from concord.modules.sales import facade as sales

    book = {
        10: [_order(3, 10, "SO/2026/00013", "sale"), _order(2, 10, "SO/2026/00012", "done")],
        20: [_order(5, 20, "SO/2026/00099", "sale")],
    }
    delivery = TransferInfo(
        id=7, company_id=1, kind="outgoing", number="WH/OUT/00007", state="ready", warehouse_id=1,
        partner_id=10, origin="SO/2026/00013", source_key="sales.order:3", scheduled_date=dt.date(2026, 12, 3),
        done_at=None, backorder_id=None, moves=(),
    )  # fmt: skip
    monkeypatch.setattr(sales, "orders_for_party", lambda company_id, party_id: list(book.get(party_id, [])))
    monkeypatch.setattr(
        inventory,
        "transfers_by_source",
        lambda company_id, prefix: [delivery] if prefix == "sales.order:3" else [],
    )
    return book


def test_order_status_only_for_the_asking_party(company: Any, orders: Any) -> None:
    mine = assistant_reply(company_id=company.pk, text="Where is my order?", party_id=10)
    assert mine.skill == "order_status"
    assert "SO/2026/00013" in mine.text
    assert "WH/OUT/00007" in mine.text
    assert "ready to ship" in mine.text
    thai = assistant_reply(company_id=company.pk, text="ออเดอร์ของฉันอยู่ไหนคะ", party_id=10)
    assert thai.skill == "order_status"
    assert thai.language == "th"
    assert "SO/2026/00013" in thai.text
    asked = assistant_reply(company_id=company.pk, text="status of so/2026/00012 please", party_id=10)
    assert "SO/2026/00012" in asked.text
    assert "completed" in asked.text
    # Another party's order and an order that does not exist get the same words: nothing is confirmed.
    other = assistant_reply(company_id=company.pk, text="Where is SO/2026/00099?", party_id=10)
    missing = assistant_reply(company_id=company.pk, text="Where is SO/2026/12345?", party_id=10)
    assert other.skill == missing.skill == "order_status"
    assert other.text == missing.text == NOT_FOUND
    assert "00099" not in other.text
    assert other.links == missing.links
    nothing = assistant_reply(company_id=company.pk, text="Where is my order?", party_id=30)
    assert "SO/" not in nothing.text


def test_anonymous_visitor_gets_no_data(company: Any, orders: Any) -> None:
    signs_in = {"en": "sign in", "th": "เข้าสู่ระบบ", "km": "ចូល"}  # the answer is in the visitor's language
    for text in ("Where is my order SO/2026/00013?", "How much do I owe?", "ขอใบแจ้งหนี้", "ខ្ញុំជំពាក់ប៉ុន្មាន"):
        reply = assistant_reply(company_id=company.pk, text=text)
        assert reply.skill in ("order_status", "invoice_balance")
        assert signs_in[reply.language] in reply.text
        assert "SO/" not in reply.text
        assert "/portal/" in reply.links[0][1]
        assert not reply.handoff


def test_invoice_balance(company: Any, orders: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from concord.modules.accounting import facade as accounting

    invoice = accounting.InvoiceInfo(
        id=4, company_id=company.pk, kind="out_invoice", partner_id=10, number="INV/2026/00004",
        date=dt.date(2026, 11, 20), due_date=dt.date(2026, 12, 20), currency="THB", state="posted",
        amount_untaxed=Decimal(1000), amount_tax=Decimal(70), amount_total=Decimal(1070),
        amount_residual=Decimal(1070), source_key="sales.order:3:order",
    )  # fmt: skip
    monkeypatch.setattr(accounting, "partner_balance", lambda *, company_id, partner_id: Decimal("1070"))
    monkeypatch.setattr(
        accounting,
        "invoices_by_source",
        lambda company_id, prefix: [invoice] if prefix == "sales.order:3" else [],
    )
    reply = assistant_reply(company_id=company.pk, text="Please send me my invoice", party_id=10)
    assert reply.skill == "invoice_balance"
    assert "1,070.00" in reply.text
    assert "INV/2026/00004" in reply.text
    assert ("Your invoices", "/portal/invoices/") in reply.links


def test_knowledge_quotes_and_links_public_articles_only(company: Any) -> None:
    articles_import(
        company=company,
        items=[
            {"title": "Returning a product", "body": "You can return a product within 30 days. Keep the box.",
             "translation_key": "returns"},
            {"title": "Returning a product for staff", "body": "Internal: returns go to shelf 9.",
             "visibility": "internal"},
        ],
        by=None,
    )  # fmt: skip
    reply = assistant_reply(company_id=company.pk, text="Can I return a product?")
    assert reply.skill == "knowledge"
    assert len(reply.article_ids) == 1
    assert "Returning a product" in reply.text
    assert "30 days" in reply.text
    assert "shelf" not in reply.text
    assert reply.links[0][1].startswith("/")
    assert reply.confidence > 0
    unknown = assistant_reply(company_id=company.pk, text="Do you sell spaceships to Mars?")
    assert unknown.skill == "unknown"
    assert "don't know" in unknown.text
    assert "person" in unknown.text
    # "Yes" to the offer of a person hands the conversation over; a bare "yes" alone does not.
    accepted = assistant_reply(
        company_id=company.pk,
        text="yes please",
        history=(("customer", "spaceships?"), ("assistant", unknown.text)),
    )
    assert accepted.skill == "handoff"
    assert accepted.handoff
    assert not assistant_reply(company_id=company.pk, text="yes please").handoff


def test_greeting_handoff_and_ticket(company: Any, make_partner: Any) -> None:
    assert assistant_reply(company_id=company.pk, text="สวัสดีครับ").skill == "greeting"
    assert (
        assistant_reply(company_id=company.pk, text="Hi, do you sell spaceships to Mars?").skill == "unknown"
    )
    person = assistant_reply(company_id=company.pk, text="ខ្ញុំចង់និយាយជាមួយមនុស្សពិត")
    assert person.skill == "handoff"
    assert person.handoff
    assert person.language == "km"
    anonymous = assistant_reply(company_id=company.pk, text="I want to open a ticket")
    assert anonymous.skill == "open_ticket"
    assert anonymous.handoff
    assert "email" in anonymous.text

    from concord.modules.helpdesk import facade as helpdesk

    party = make_partner(company, "Chao Phraya Foods")
    reply = assistant_reply(
        company_id=company.pk,
        text="I want to open a ticket: the lid does not fit",
        party_id=party.pk,
        history=(("customer", "hello"), ("assistant", "Hello!")),
    )
    tickets = helpdesk.tickets_for_party(company.pk, party.pk)
    assert reply.skill == "open_ticket"
    assert not reply.handoff
    assert len(tickets) == 1
    assert tickets[0].number in reply.text
    assert tickets[0].channel == "chat"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "🙂🔥" * 50,
        "<script>alert(1)</script><b>where is my order</b>",
        "\x00\x07",
        "SO/" * 500,
    ],
)
def test_never_raises_on_odd_input(company: Any, text: str) -> None:
    reply = assistant_reply(company_id=company.pk, text=text, party_id=None)
    assert isinstance(reply, AssistantReply)
    assert reply.skill in SKILLS
    assert reply.text
    assert "<script>" not in reply.text


def test_never_raises_when_a_facade_fails(company: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from concord.modules.sales import facade as sales

    def broken(company_id: int, party_id: int) -> list[SaleOrderInfo]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(sales, "orders_for_party", broken)
    reply = assistant_reply(company_id=company.pk, text="Where is my order?", party_id=10)
    assert reply.skill == "unknown"
    assert "person" in reply.text


class _FakeCompletions(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeCompletions.seen.append({"path": self.path, "body": body})
        answer = json.dumps({"choices": [{"message": {"role": "assistant", "content": "Canned: 30 days."}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_llm() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeCompletions.seen = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_llm_phrases_knowledge_answers_when_configured(
    company: Any, fake_llm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles_import(
        company=company,
        items=[{"title": "Returning a product", "body": "You can return a product within 30 days."}],
        by=None,
    )
    off = assistant_reply(company_id=company.pk, text="Can I return a product?")
    assert off.text.startswith("From our help centre")
    assert _FakeCompletions.seen == []

    monkeypatch.setenv("CONCORD_ASSISTANT_LLM_URL", fake_llm)
    monkeypatch.setenv("CONCORD_ASSISTANT_LLM_MODEL", "tiny")
    on = assistant_reply(company_id=company.pk, text="Can I return a product?")
    assert on.text == "Canned: 30 days."
    assert on.skill == "knowledge"
    assert on.article_ids == off.article_ids
    request = _FakeCompletions.seen[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "tiny"
    assert "within 30 days" in request["body"]["messages"][0]["content"]

    # A dead endpoint: the retrieval answer stands.
    monkeypatch.setenv("CONCORD_ASSISTANT_LLM_URL", "http://127.0.0.1:9")
    fallback = assistant_reply(company_id=company.pk, text="Can I return a product?")
    assert fallback.text == off.text
