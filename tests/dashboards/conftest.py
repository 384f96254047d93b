from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

from .helpers import add_statistics


@pytest.fixture
def stats_world(world: World) -> World:
    """The shared world with approved statistics for June 2024 and June 2025."""
    add_statistics(world)
    return world


@pytest.fixture
def as_role(stats_world: World) -> Any:
    from django.test import Client

    def make(role: str) -> Client:
        client = Client()
        client.force_login(stats_world.users[role])
        return client

    return make
