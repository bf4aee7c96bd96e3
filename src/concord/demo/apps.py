from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company generator (``concord demo``, ``manage.py demo_load``)."""

    name = "concord.demo"
    label = "demo"
    verbose_name = "Demo data"
