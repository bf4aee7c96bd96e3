from concord.core.outbox.models.event import DeliveryStatus, EventStatus, OutboxDelivery, OutboxEvent

__all__ = ["DeliveryStatus", "EventStatus", "OutboxDelivery", "OutboxEvent"]
