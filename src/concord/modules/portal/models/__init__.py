"""Portal models."""

from concord.modules.portal.models.access import PortalAccess

__all__ = ["PortalAccess"]
