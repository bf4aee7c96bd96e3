"""The demo company generator: ``concord demo`` / ``manage.py demo_load [--size small|large] [--seed N]``.

``loader.load_demo`` runs the demo steps registered with ``steps.demo_step`` in order: companies and
people (``identity.py``), exchange rates (``money.py``), then whatever later modules add in their own
``concord/demo/<app label>.py``. It is idempotent, seeded, and sized by ``steps.SIZES``.
"""
