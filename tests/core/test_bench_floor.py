"""The load benchmark's floor endpoint (bench/load/floor.py) is mounted by the benchmark's own URLs only: an
installation, which serves ``yuanqu.urls``, cannot reach it."""

from __future__ import annotations

from django.urls import Resolver404, resolve


def test_the_floor_is_mounted_by_the_benchmark_only():
    from bench.load import floor

    assert resolve("/bench-floor/", urlconf="bench.load.urls").func is floor.floor
    try:
        match = resolve("/bench-floor/")
    except Resolver404:
        return
    assert match.func is not floor.floor
