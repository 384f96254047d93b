"""Import templates: an empty workbook with the importer's headers, notes and drop-down lists.

The list export helpers (safe cells, .xlsx/.csv bytes, the audited download) live in ``yuanqu.core.export``.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter


def template_xlsx(importer: Any) -> bytes:
    """An empty import template: Chinese headers with units, a comment per header, drop-down lists for choices."""
    from django.utils.translation import gettext as _

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(str(importer.label)[:31])
    lists = book.add_worksheet("lists")
    head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FDECEC", "border": 1})
    text = book.add_format({"num_format": "@"})
    list_col = 0
    for c, spec in enumerate(importer.fields):
        is_key = spec.required or spec.name in importer.key_fields
        ws.write_string(0, c, spec.header(), required if is_key else head)
        ws.set_column(c, c, max(12, min(40, len(spec.header()) * 2 + 4)), text if spec.kind in ("uscc", "text")
                      else None)
        note = [str(spec.help)] if spec.help else []
        if is_key:
            note.insert(0, _("Required."))
        if spec.unit:
            note.append(_("Unit: %(unit)s") % {"unit": spec.unit})
        if spec.kind == "date":
            note.append(_("A date such as 2023-06-01, 2023.06 or 2023年6月."))
        labels = spec.choice_labels() if spec.kind == "choice" else (["是", "否"] if spec.kind == "bool" else [])
        if labels:
            note.append(_("Choose from the list."))
            for r, label in enumerate(labels):
                lists.write_string(r, list_col, label)
            col_letter = xlsxwriter.utility.xl_col_to_name(list_col)
            ws.data_validation(1, c, 10000, c, {
                "validate": "list", "source": f"=lists!${col_letter}$1:${col_letter}${len(labels)}",
                "error_title": str(spec.label), "error_message": _("Choose a value from the list."),
            })
            list_col += 1
        if note:
            ws.write_comment(0, c, "\n".join(note), {"x_scale": 2, "y_scale": 1.5})
    example = importer.example()
    for c, value in enumerate(example):
        if value not in ("", None):
            ws.write_string(1, c, str(value))
    lists.hide()
    ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
