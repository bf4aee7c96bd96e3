"""The REST API at /api/v1/: one NinjaAPI, each area's Router mounted under its own prefix."""

from concord.core.api.setup import build_api

api = build_api()
