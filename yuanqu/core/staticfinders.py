"""A static-files finder for the few third-party files the pages use, named one by one.

The npm packages ship whole distributions (Tabler: 47 MB, with RTL, payments and flags stylesheets that refer to
images the package does not include; ECharts: 51 MB of builds). Collecting a directory collects all of it, and the
manifest storage then fails on the first reference it cannot resolve. Naming the files the templates load (and
the source maps their last line points at) collects exactly those.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage, Storage


class VendorFinder(BaseFinder):
    """Finds the files listed in ``settings.VENDOR_STATIC``: ``(url prefix, source directory, [file names])``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries: list[tuple[str, FileSystemStorage, list[str]]] = []
        for prefix, directory, names in getattr(settings, "VENDOR_STATIC", []):
            storage = FileSystemStorage(location=directory)
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic reads it, as for STATICFILES_DIRS
            self.entries.append((prefix, storage, list(names)))

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        """An error for every listed file that is missing (``npm ci`` not run, or a package changed its layout)."""
        return [Error(f"static file {prefix}/{name} is missing at {storage.path(name)}",
                      hint="Run `npm ci` in the project directory.", id="yuanqu.E001")
                for prefix, storage, names in self.entries for name in names if not storage.exists(name)]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...

    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        """The absolute path of ``path`` (a static URL path); with ``find_all``, a list of them (Django's finder
        protocol: [] when it is not one of the listed files)."""
        found: list[str] = []
        for prefix, storage, names in self.entries:
            if path.startswith(prefix + "/") and path[len(prefix) + 1:] in names:
                full = storage.path(path[len(prefix) + 1:])
                if Path(full).exists():
                    if not find_all:
                        return full
                    found.append(full)
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Storage]]:
        """Every listed file that exists, relative to its storage (whose prefix places it under ``vendor/``)."""
        for _prefix, storage, names in self.entries:
            for name in names:
                if storage.exists(name):
                    yield name, storage
