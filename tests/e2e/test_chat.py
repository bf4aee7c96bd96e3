"""A visitor opens the chat widget on a public page, the assistant answers from the knowledge base, the
visitor asks for a person, and an agent (another browser) takes the chat in the chat inbox and answers;
the visitor's widget shows the answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from concord.core.identity.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_chats_with_the_assistant_then_an_agent(
    page: Page,
    browser: Browser,
    live_server: Any,
    make_company: Any,
    make_user: Any,
    e2e_output: Path,
    sign_in: Any,
) -> None:
    from concord.core.outbox.facade import dispatch_pending
    from concord.modules.helpdesk.facade import chat_channel_token
    from concord.modules.knowledge.services.articles import article_create, article_publish

    cache.clear()
    company = make_company(name="Siam Kitchens Co., Ltd.", code="siamk")
    make_user(company=company, roles=(Role.SUPPORT,), username="somchai", password="correct-horse-battery")
    article = article_create(
        company=company,
        title="Returning an item",
        body="<p>You can return any item within 30 days of delivery for a full refund.</p>"
        "<p>Bring the receipt and the original packaging.</p>",
        language="en",
        visibility="public",
        by=None,
    )
    article_publish(article=article, by=None)
    dispatch_pending()  # the search index follows ArticlePublished
    token = chat_channel_token(company.pk)

    # The visitor, on the company's public chat page.
    page.goto(f"/helpdesk/chat/{token}/demo/")
    page.get_by_role("button", name="Chat with us").click()
    chat = page.get_by_role("dialog", name="Chat")
    expect(chat.get_by_text("How can we help you today?")).to_be_visible()
    chat.get_by_label("Your message").fill("How many days do I have to return an item?")
    chat.get_by_role("button", name="Send").click()
    expect(chat.get_by_text("30 days", exact=False).first).to_be_visible()
    page.screenshot(path=str(e2e_output / "chat-assistant-answer.png"), full_page=True)
    chat.get_by_label("Your message").fill("I would like to talk to a person, please")
    chat.get_by_role("button", name="Send").click()
    expect(chat.get_by_text("an agent will join shortly", exact=False)).to_be_visible()

    # The agent, in another browser context, takes it from the chat inbox and answers.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    agent = context.new_page()
    try:
        sign_in(agent, "somchai", "correct-horse-battery")
        agent.goto("/helpdesk/chat/")
        waiting = agent.get_by_role("link", name="Chat #", exact=False).first
        expect(waiting).to_be_visible()
        waiting.click()
        expect(agent.get_by_text("30 days", exact=False).first).to_be_visible()  # the bot's answer
        agent.get_by_role("button", name="Take the chat").click()
        agent.get_by_label("Your reply").fill("Hello, this is Somchai. I can arrange the return for you.")
        agent.get_by_role("button", name="Send").click()
        expect(agent.get_by_text("I can arrange the return for you.")).to_be_visible()
        agent.screenshot(path=str(e2e_output / "chat-agent-conversation.png"), full_page=True)
    finally:
        context.close()

    # The visitor's widget shows it on its next poll (every 2 s).
    expect(chat.get_by_text("I can arrange the return for you.", exact=False)).to_be_visible()
    page.screenshot(path=str(e2e_output / "chat-visitor-sees-agent.png"), full_page=True)
