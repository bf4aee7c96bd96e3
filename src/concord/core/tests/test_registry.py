import pytest

from concord.core.registry import (
    DuplicateRegistrationError,
    ExtensionPoint,
    RegistryFrozenError,
    registry,
    temporary_registration,
)


def test_registry_is_frozen_after_startup():
    assert registry.frozen
    with pytest.raises(RegistryFrozenError):
        registry.assistant_skills.register("late", object())


def test_extension_point_refuses_duplicates_and_keeps_order():
    point: ExtensionPoint[int] = ExtensionPoint("numbers")
    point.register("one", 1)
    point.register("two", 2)
    with pytest.raises(DuplicateRegistrationError):
        point.register("one", 3)
    assert point.items() == [("one", 1), ("two", 2)]
    with pytest.raises(KeyError, match="nothing registered"):
        point.get("three")


def test_temporary_registration_is_removed_afterwards():
    with temporary_registration(registry.assistant_skills, "test-skill", "skill") as item:
        assert registry.assistant_skills.get("test-skill") == item
    assert "test-skill" not in registry.assistant_skills
