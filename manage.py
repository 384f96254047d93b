#!/usr/bin/env python
"""Django's command-line utility, for development in a checkout.

It runs with the demo settings (SQLite under var/, a generated secret key) unless YUANQU_DEMO=0
is set; deployments use the installed ``yuanqu`` command with their own environment.
"""

import os

from yuanqu.cli import main

if __name__ == "__main__":
    os.environ.setdefault("YUANQU_DEMO", "1")
    main()
