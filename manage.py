#!/usr/bin/env python
"""Django's command-line utility; the ``yuanqu`` command wraps it."""

from yuanqu.cli import main

if __name__ == "__main__":
    main()
