"""The assistant's built-in skills, registered in ``registry.assistant_skills`` at start-up.

Each skill scores a message with phrase lists per language (``matching``) and answers from other
modules' facades only. Customer data is looked up for the asking party alone: an order number of
another party gets exactly the answer a number that does not exist gets.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from concord.modules.assistant import llm
from concord.modules.assistant.matching import Phrases, phrase_score, word_count
from concord.modules.assistant.types import AssistantReply, Skill, SkillContext

logger = logging.getLogger(__name__)

PORTAL_URL = "/portal/"
PORTAL_INVOICES_URL = "/portal/invoices/"
PORTAL_ORDERS_URL = "/portal/orders/"
# Below this retrieval score an article is not an answer (see knowledge.retrieval: title coverage x2).
KNOWLEDGE_THRESHOLD = 0.9
# From this score an article answers even a message a phrase skill claims weakly ("cancel my order").
KNOWLEDGE_STRONG = 1.25
ORDER_NUMBER = re.compile(r"\b([A-Za-z]{1,5}/\d{4}/\d{1,8})\b")

GREETING: Phrases = {
    "en": [
        ("hi", 0.7),
        ("hello", 0.7),
        ("hey", 0.6),
        ("good morning", 0.7),
        ("good afternoon", 0.7),
        ("good evening", 0.7),
        ("thanks", 0.6),
        ("thank you", 0.6),
    ],
    "th": [("สวัสดี", 0.7), ("หวัดดี", 0.7), ("ขอบคุณ", 0.6)],
    "km": [("សួស្តី", 0.7), ("ជំរាបសួរ", 0.7), ("អរគុណ", 0.6)],
}

ORDER_STATUS: Phrases = {
    "en": [
        ("where is my order", 0.95),
        ("where s my order", 0.95),
        ("my order", 0.7),
        ("my order is", 0.9),
        ("order status", 0.9),
        ("status of my order", 0.95),
        ("track my", 0.9),
        ("tracking", 0.8),
        ("my package", 0.85),
        ("my parcel", 0.85),
        ("delivery status", 0.9),
        ("has my order", 0.95),
        ("when will my order", 0.9),
        ("when will my package", 0.9),
        ("not arrived", 0.8),
        ("not received my", 0.8),
    ],
    "th": [
        ("ออเดอร์ของฉัน", 0.7),
        ("คำสั่งซื้อของฉัน", 0.7),
        ("คำสั่งซื้อของผม", 0.7),
        ("ออเดอร์ของผม", 0.7),
        ("ของฉันอยู่ไหน", 0.95),
        ("ของผมอยู่ไหน", 0.95),
        ("ถึงไหนแล้ว", 0.9),
        ("สถานะคำสั่งซื้อ", 0.9),
        ("สถานะออเดอร์", 0.9),
        ("ออเดอร์อยู่ไหน", 0.95),
        ("ของอยู่ไหน", 0.9),
        ("ติดตามพัสดุ", 0.9),
        ("พัสดุของฉัน", 0.9),
        ("ของยังไม่ถึง", 0.9),
        ("สินค้ายังไม่ถึง", 0.9),
        ("จะได้รับของเมื่อไร", 0.9),
        ("ส่งของหรือยัง", 0.9),
        ("ส่งหรือยัง", 0.85),
    ],
    "km": [
        ("ការបញ្ជាទិញរបស់ខ្ញុំ", 0.7),
        ("របស់ខ្ញុំនៅឯណា", 0.95),
        ("ស្ថានភាពការបញ្ជាទិញ", 0.9),
        ("ការបញ្ជាទិញនៅឯណា", 0.95),
        ("ឥវ៉ាន់របស់ខ្ញុំ", 0.9),
        ("កញ្ចប់របស់ខ្ញុំ", 0.9),
        ("តាមដានកញ្ចប់", 0.9),
        ("មិនទាន់មកដល់", 0.85),
    ],
}

INVOICE_BALANCE: Phrases = {
    "en": [
        ("invoice", 0.85),
        ("invoices", 0.85),
        ("how much do i owe", 0.95),
        ("how much i owe", 0.95),
        ("do i owe", 0.9),
        ("my balance", 0.9),
        ("outstanding", 0.8),
        ("amount due", 0.9),
        ("my bill", 0.85),
        ("statement", 0.7),
        ("unpaid", 0.8),
    ],
    "th": [
        ("ใบแจ้งหนี้", 0.9),
        ("ยอดค้าง", 0.9),
        ("ค้างชำระ", 0.9),
        ("ยอดคงเหลือ", 0.85),
        ("ต้องจ่ายเท่าไร", 0.9),
        ("ต้องจ่ายเท่าไหร่", 0.9),
        ("ต้องชำระเท่าไร", 0.9),
        ("ยอดที่ต้องชำระ", 0.9),
        ("ติดหนี้", 0.85),
        ("บิลของฉัน", 0.85),
    ],
    "km": [
        ("វិក្កយបត្រ", 0.9),
        ("ជំពាក់", 0.9),
        ("សមតុល្យ", 0.85),
        ("ត្រូវបង់ប៉ុន្មាន", 0.9),
        ("មិនទាន់បង់", 0.8),
    ],
}

OPEN_TICKET: Phrases = {
    "en": [
        ("open a ticket", 0.95),
        ("create a ticket", 0.95),
        ("raise a ticket", 0.95),
        ("support ticket", 0.9),
        ("new ticket", 0.9),
        ("ticket", 0.75),
        ("report a problem", 0.85),
        ("file a complaint", 0.9),
        ("make a complaint", 0.9),
        ("complaint", 0.8),
        ("submit a request", 0.85),
    ],
    "th": [
        ("เปิดตั๋ว", 0.95),
        ("เปิดทิกเก็ต", 0.95),
        ("ทิกเก็ต", 0.85),
        ("แจ้งปัญหา", 0.9),
        ("ร้องเรียน", 0.9),
        ("เปิดเรื่อง", 0.9),
        ("แจ้งเรื่อง", 0.85),
    ],
    "km": [
        ("បើកសំបុត្រ", 0.95),
        ("សំបុត្រជំនួយ", 0.9),
        ("រាយការណ៍បញ្ហា", 0.9),
        ("ប្តឹង", 0.85),
        ("បណ្តឹង", 0.85),
        ("ដាក់សំណើ", 0.8),
    ],
}

HANDOFF: Phrases = {
    "en": [
        ("talk to a person", 0.98),
        ("speak to a person", 0.98),
        ("talk to someone", 0.95),
        ("speak to someone", 0.95),
        ("real person", 0.95),
        ("human", 0.9),
        ("an agent", 0.9),
        ("a person", 0.85),
        ("operator", 0.9),
        ("representative", 0.9),
        ("customer service", 0.8),
        ("call me", 0.85),
        ("live agent", 0.98),
    ],
    "th": [
        ("คุยกับคน", 0.98),
        ("คุยกับพนักงาน", 0.98),
        ("ขอสายพนักงาน", 0.98),
        ("พนักงาน", 0.85),
        ("เจ้าหน้าที่", 0.9),
        ("คนจริง", 0.95),
        ("ติดต่อคน", 0.9),
    ],
    "km": [
        ("និយាយជាមួយមនុស្ស", 0.98),
        ("និយាយជាមួយបុគ្គលិក", 0.98),
        ("មនុស្សពិត", 0.95),
        ("បុគ្គលិក", 0.85),
        ("ភ្នាក់ងារ", 0.9),
    ],
}

# Words that ask rather than name the subject: left out of the knowledge search query.
_QUESTION_WORDS = {
    "en": (
        "how", "do", "does", "did", "can", "could", "i", "you", "we", "my", "your", "a", "an", "the", "is", "are",
        "what", "when", "where", "which", "who", "why", "to", "of", "for", "in", "on", "it", "me", "please",
        "there", "any", "should", "would", "will", "with", "about", "tell", "much", "many", "long",
    ),
    "th": ("ยังไง", "อย่างไร", "ได้ไหม", "ได้มั้ย", "หรือไม่", "ไหม", "มั้ย", "ครับ", "ค่ะ", "คะ", "ฉัน", "ผม", "ของ",
           "เท่าไร", "เท่าไหร่", "บ้าง", "อะไร", "เมื่อไร", "ต้อง", "จะ", "หรือ", "กี่"),
    "km": ("យ៉ាងដូចម្តេច", "ដោយរបៀបណា", "បានទេ", "ទេ", "ខ្ញុំ", "តើ", "អ្វី", "ប៉ុន្មាន", "របស់", "ណា", "បាទ", "ចាស"),
}  # fmt: skip

_ORDER_STATES = {
    "draft": lambda: _("a quotation not yet confirmed"),
    "sent": lambda: _("a quotation waiting for your acceptance"),
    "to_approve": lambda: _("a quotation waiting for approval"),
    "sale": lambda: _("confirmed and being prepared"),
    "done": lambda: _("completed"),
    "cancelled": lambda: _("cancelled"),
}
_DELIVERY_STATES = {
    "draft": lambda: _("not yet scheduled"),
    "waiting": lambda: _("waiting for stock"),
    "ready": lambda: _("ready to ship"),
    "done": lambda: _("shipped"),
    "cancelled": lambda: _("cancelled"),
}


def sign_in_reply(ctx: SkillContext, skill: str) -> AssistantReply:
    """What an anonymous visitor gets for an account question: no data, a way to sign in."""
    return AssistantReply(
        text=_("Please sign in to the customer portal so I can look at your account."),
        skill=skill,
        language=ctx.language,
        links=((_("Customer portal"), PORTAL_URL),),
        confidence=ctx.score,
    )


# --------------------------------------------------------------------------- greeting
def greeting_match(text: str, language: str) -> float:
    score = phrase_score(text, language, GREETING)
    # "Hi, where is my order?" is an order question: a greeting is a short message.
    return score if word_count(text) <= 4 else score * 0.5


def greeting_answer(ctx: SkillContext) -> AssistantReply:
    return AssistantReply(
        text=_(
            "Hello! I can answer questions from our help centre, tell you where your order is, "
            "what you owe, open a ticket or put you in touch with a person. How can I help?"
        ),
        skill="greeting",
        language=ctx.language,
        confidence=ctx.score,
    )


# --------------------------------------------------------------------------- knowledge
def search_query(text: str, language: str) -> str:
    """The message without its question words (they would only dilute the search)."""
    words = _QUESTION_WORDS.get(language, ())
    if language == "en":
        kept = [word for word in re.findall(r"[\w'-]+", text.casefold()) if word not in words]
        return " ".join(kept) or text
    stripped = text
    for word in sorted(words, key=len, reverse=True):
        stripped = stripped.replace(word, " ")
    stripped = re.sub(r"[?\uff1f!.,]+", " ", stripped)
    return " ".join(stripped.split()) or text


def knowledge_match(text: str, language: str) -> float:
    # The fallback: any question may be in the help centre; the answer checks the retrieval score.
    return 0.3 if (text or "").strip() else 0.0


def _first_sentences(text: str, count: int = 2, limit: int = 300) -> str:
    parts = re.split(r"(?<=[.!?។])\s+|(?<=[。])|\n+", (text or "").strip())
    chosen = " ".join(part.strip() for part in parts[:count] if part.strip())
    return chosen if len(chosen) <= limit else chosen[: limit - 1].rstrip() + "…"


def offer_text() -> str:
    """The words that offer a person (a "yes" to them hands the conversation over)."""
    return _(
        "I'm sorry, I don't know the answer to that. Would you like me to put you in touch with a person?"
    )


_YES: Phrases = {
    "en": [("yes", 1.0), ("yes please", 1.0), ("ok", 1.0), ("okay", 1.0), ("sure", 1.0), ("please", 1.0)],
    "th": [("ใช่", 1.0), ("ได้", 1.0), ("โอเค", 1.0), ("ครับ", 1.0), ("ค่ะ", 1.0), ("ตกลง", 1.0)],
    "km": [("បាទ", 1.0), ("ចាស", 1.0), ("យល់ព្រម", 1.0), ("អូខេ", 1.0)],
}


def accepts_offer(ctx: SkillContext) -> bool:
    """Whether the message is a short "yes" right after the assistant offered a person."""
    if not ctx.history or word_count(ctx.text) > 4:
        return False
    last = ctx.history[-1][1] if len(ctx.history[-1]) > 1 else ""
    return last.strip() == offer_text() and phrase_score(ctx.text, ctx.language, _YES) > 0


def unknown_reply(ctx: SkillContext) -> AssistantReply:
    return AssistantReply(
        text=offer_text(),
        skill="unknown",
        language=ctx.language,
        confidence=0.0,
    )


def _hits(ctx: SkillContext) -> list[Any]:
    from concord.modules.knowledge import facade as knowledge

    hits = knowledge.articles_search(
        company_id=ctx.company_id,
        query=search_query(ctx.text, ctx.language),
        language=ctx.language,
        public_only=True,
        limit=3,
    )
    return [hit for hit in hits if hit.url]  # public articles only: an answer links its help-centre page


def knowledge_probe(ctx: SkillContext) -> float:
    """1.0 and more when the help centre answers the message so well it beats a weak phrase claim."""
    hits = _hits(ctx)
    return hits[0].score / KNOWLEDGE_STRONG if hits else 0.0


def knowledge_answer(ctx: SkillContext) -> AssistantReply:
    from concord.modules.knowledge import facade as knowledge

    if accepts_offer(ctx):  # "yes" to "would you like a person?"
        return handoff_answer(ctx)
    hits = _hits(ctx)
    if not hits or hits[0].score < KNOWLEDGE_THRESHOLD:
        phrased = llm.phrase(question=ctx.text, language=ctx.language, articles=[]) if llm.enabled() else None
        if phrased:
            return AssistantReply(text=phrased, skill="unknown", language=ctx.language)
        return unknown_reply(ctx)
    top = hits[0]
    article = knowledge.article_get(top.article_id)
    quote = _first_sentences((article.body and knowledge_plain(article.body_html)) or top.snippet)
    phrased = None
    if llm.enabled():
        context = [
            (hit.title, knowledge_plain(knowledge.article_get(hit.article_id).body_html)) for hit in hits
        ]
        phrased = llm.phrase(question=ctx.text, language=ctx.language, articles=context)
    text = phrased or _("From our help centre, “%(title)s”: %(quote)s") % {"title": top.title, "quote": quote}
    return AssistantReply(
        text=text,
        skill="knowledge",
        language=ctx.language,
        article_ids=tuple(hit.article_id for hit in hits),
        links=((top.title, top.url),),
        confidence=min(1.0, top.score / 3.0),
    )


def knowledge_plain(body_html: str) -> str:
    """An article's safe HTML as plain text (for quoting in a chat message)."""
    import html as html_lib

    text = re.sub(r"</(p|h2|h3|li)>|<br\s*/?>", "\n", body_html or "")
    return html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip()


# --------------------------------------------------------------------------- order status
def order_status_match(text: str, language: str) -> float:
    score = phrase_score(text, language, ORDER_STATUS)
    if ORDER_NUMBER.search(text or ""):
        score = max(score, 0.9)
    return score


def _not_found(ctx: SkillContext) -> AssistantReply:
    return AssistantReply(
        text=_("I can't find that order on your account."),
        skill="order_status",
        language=ctx.language,
        links=((_("Your orders"), PORTAL_ORDERS_URL),),
        confidence=ctx.score,
    )


def order_status_answer(ctx: SkillContext) -> AssistantReply:
    if ctx.party_id is None:
        return sign_in_reply(ctx, "order_status")
    from concord.modules.inventory import facade as inventory
    from concord.modules.sales import facade as sales

    orders = sales.orders_for_party(ctx.company_id, ctx.party_id)
    asked = ORDER_NUMBER.search(ctx.text or "")
    if asked:
        number = asked.group(1).upper()
        chosen = next((o for o in orders if number in (o.order_number.upper(), o.number.upper())), None)
        if chosen is None:
            return _not_found(ctx)
    else:
        confirmed = [o for o in orders if o.state in ("sale", "done")]
        open_orders = [o for o in confirmed if o.state == "sale"]
        candidates = open_orders or confirmed
        chosen = candidates[0] if candidates else None
        if chosen is None:
            return AssistantReply(
                text=_("I can't find any order on your account yet."),
                skill="order_status",
                language=ctx.language,
                links=((_("Your orders"), PORTAL_ORDERS_URL),),
                confidence=ctx.score,
            )
    number = chosen.order_number or chosen.number
    state = _ORDER_STATES[chosen.state]() if chosen.state in _ORDER_STATES else chosen.state
    lines = [_("Your order %(number)s is %(state)s.") % {"number": number, "state": state}]
    transfers = [
        t
        for t in inventory.transfers_by_source(ctx.company_id, f"sales.order:{chosen.id}")
        if t.kind == "outgoing" or t.partner_id in (None, ctx.party_id)
    ]
    for transfer in transfers:
        delivery = (
            _DELIVERY_STATES[transfer.state]() if transfer.state in _DELIVERY_STATES else transfer.state
        )
        if transfer.state == "done" and transfer.done_at is not None:
            lines.append(
                _("Delivery %(number)s: shipped on %(date)s.")
                % {"number": transfer.number, "date": transfer.done_at.date().isoformat()}
            )
        else:
            lines.append(
                _("Delivery %(number)s: %(state)s (planned for %(date)s).")
                % {"number": transfer.number, "state": delivery, "date": transfer.scheduled_date.isoformat()}
            )
    if chosen.state == "sale" and not transfers:
        lines.append(_("No delivery has been scheduled yet."))
    return AssistantReply(
        text=" ".join(lines),
        skill="order_status",
        language=ctx.language,
        links=((_("Your orders"), PORTAL_ORDERS_URL),),
        confidence=ctx.score,
    )


# --------------------------------------------------------------------------- invoices and balance
def invoice_balance_match(text: str, language: str) -> float:
    return phrase_score(text, language, INVOICE_BALANCE)


def invoice_balance_answer(ctx: SkillContext) -> AssistantReply:
    if ctx.party_id is None:
        return sign_in_reply(ctx, "invoice_balance")
    from concord.modules.accounting import facade as accounting
    from concord.modules.sales import facade as sales

    balance = accounting.partner_balance(company_id=ctx.company_id, partner_id=ctx.party_id)
    open_invoices = []
    for order in sales.orders_for_party(ctx.company_id, ctx.party_id):
        for invoice in accounting.invoices_by_source(ctx.company_id, f"sales.order:{order.id}"):
            if (
                invoice.partner_id == ctx.party_id
                and invoice.kind == "out_invoice"
                and invoice.state in ("posted", "partial")
                and invoice.amount_residual > Decimal(0)
            ):
                open_invoices.append(invoice)
    if balance > 0:
        lines = [_("Your balance is %(amount)s.") % {"amount": f"{balance:,.2f}"}]
    else:
        lines = [_("You owe nothing at the moment.")]
    if open_invoices:
        listed = ", ".join(
            f"{invoice.number} ({invoice.amount_residual:,.2f} {invoice.currency}"
            + (f", {_('due')} {invoice.due_date.isoformat()}" if invoice.due_date else "")
            + ")"
            for invoice in open_invoices[:5]
        )
        lines.append(_("Open invoices: %(list)s.") % {"list": listed})
    lines.append(_("You can see and download your invoices in the portal."))
    return AssistantReply(
        text=" ".join(lines),
        skill="invoice_balance",
        language=ctx.language,
        links=((_("Your invoices"), PORTAL_INVOICES_URL),),
        confidence=ctx.score,
    )


# --------------------------------------------------------------------------- tickets and people
def open_ticket_match(text: str, language: str) -> float:
    return phrase_score(text, language, OPEN_TICKET)


def open_ticket_answer(ctx: SkillContext) -> AssistantReply:
    if ctx.party_id is None:
        return AssistantReply(
            text=_(
                "I can open a ticket for you: please leave your email address and a person will follow up."
            ),
            skill="open_ticket",
            language=ctx.language,
            handoff=True,
            confidence=ctx.score,
        )
    from concord.modules.helpdesk import facade as helpdesk

    body = (ctx.text or "").strip()[:5000]
    transcript = "\n".join(f"{who}: {said}" for who, said in list(ctx.history)[-20:])
    message = f"{body}\n\n{transcript}".strip() if transcript else body
    subject = " ".join(body.split())[:80] or _("Request from the assistant")
    ticket = helpdesk.ticket_open_for_party(
        company_id=ctx.company_id,
        party_id=ctx.party_id,
        subject=subject,
        message=message,
        channel="chat",
        by=None,
    )
    return AssistantReply(
        text=_("I've opened ticket %(number)s for you; our team will reply soon.")
        % {"number": ticket.number},
        skill="open_ticket",
        language=ctx.language,
        links=((ticket.number, f"{PORTAL_URL}tickets/{ticket.id}/"),),
        confidence=ctx.score,
    )


def handoff_match(text: str, language: str) -> float:
    return phrase_score(text, language, HANDOFF)


def handoff_answer(ctx: SkillContext) -> AssistantReply:
    return AssistantReply(
        text=_("I'm passing you to a person from our team; they will answer here shortly."),
        skill="handoff",
        language=ctx.language,
        handoff=True,
        confidence=ctx.score,
    )


BUILT_IN: tuple[Skill, ...] = (
    Skill("handoff", handoff_match, handoff_answer, order=10),
    Skill("order_status", order_status_match, order_status_answer, order=20),
    Skill("invoice_balance", invoice_balance_match, invoice_balance_answer, order=30),
    Skill("open_ticket", open_ticket_match, open_ticket_answer, order=40),
    Skill("greeting", greeting_match, greeting_answer, order=50),
    Skill("knowledge", knowledge_match, knowledge_answer, order=90, probe=knowledge_probe),
)
