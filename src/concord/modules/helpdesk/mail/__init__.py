"""The helpdesk's email channel: parse inbound mail, receive it by SMTP or HTTP, send replies.

- ``parsing``: raw RFC 5322 bytes -> ``InboundMessage`` (or ``MailRejected``), HTML sanitised.
- ``listener``: the aiosmtpd server behind ``concord mail-in``.
- ``views``: ``POST /helpdesk/mail/inbound/`` for mail gateways that post the raw message.
- ``sending``: outbox handlers sending the auto-reply and agents' public replies with threading headers.
- ``registration``: ``register_all()`` registers those handlers (called from the helpdesk app's ready()).
"""
