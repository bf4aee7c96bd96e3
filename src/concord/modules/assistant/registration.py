"""What the assistant registers at start-up: its built-in skills in ``registry.assistant_skills``."""

from __future__ import annotations


def register_all() -> None:
    from concord.core.registry import registry
    from concord.modules.assistant.skills import BUILT_IN

    for skill in BUILT_IN:
        if skill.name not in registry.assistant_skills:
            registry.assistant_skills.register(skill.name, skill)
