# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from ninja import Router

router = Router(tags=["accounting"])
