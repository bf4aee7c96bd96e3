"""What the mail channel registers at start-up: the outbox handlers that send email tickets' mail.

Called from the helpdesk app's ``registration.register_all()`` (itself called from ``ready()``).
"""

from __future__ import annotations


def register_all() -> None:
    from concord.core.outbox.facade import register_handler
    from concord.modules.helpdesk.events import TicketOpened, TicketReplied, TicketResolved
    from concord.modules.helpdesk.mail.sending import (
        AUTO_REPLY_HANDLER,
        RATING_REQUEST_HANDLER,
        REPLY_HANDLER,
        send_auto_reply,
        send_public_reply,
        send_rating_request,
    )

    register_handler(TicketOpened, AUTO_REPLY_HANDLER, send_auto_reply)
    register_handler(TicketReplied, REPLY_HANDLER, send_public_reply)
    register_handler(TicketResolved, RATING_REQUEST_HANDLER, send_rating_request)
