"""The production settings plus the load benchmark's floor endpoint (``bench.load.urls``), for bench/load/run.py.

The floor is mounted here and nowhere in ``yuanqu.urls``: a server started with ``yuanqu.settings`` (every
installation) cannot reach it.
"""

from yuanqu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
