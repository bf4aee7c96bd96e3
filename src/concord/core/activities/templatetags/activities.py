"""``{% load activities %}{% chatter obj %}``: a record's activities and notes, for any detail page."""

from __future__ import annotations

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from concord.core.activities.chatter import chatter_context
from concord.core.activities.targets import can_view_target

register = template.Library()


@register.simple_tag(takes_context=True)
def chatter(context: template.Context, obj: models.Model | None) -> SafeString:
    """The chatter card of ``obj``; nothing when it takes no activities or the user may not view it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or obj is None or obj.pk is None or not can_view_target(user, obj):
        return mark_safe("")
    html: str = render_to_string(
        "activities/partials/chatter.html", chatter_context(request, obj), request=request
    )
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping template engine
