"""Finding the table in a sheet: title rows above, one to three header rows (merged cells spread over
their span), the data rows, and the total rows and notes that are not data.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yuanqu.core.numbers import unit_convertible

from .clean import cell_text, halfwidth, is_empty, match_key, split_header_unit, unit_only

TOTAL_WORDS = ("合计", "小计", "总计", "共计", "累计", "总数", "total", "subtotal")
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "制表", "审核", "负责人", "数据来源", "资料来源", "单位负责人",
                 "统计负责人", "联系电话", "填报", "*", "※", "＊", "（注", "(注")
#: The first characters a total row's text may start with (most rows are passed without looking further).
_TOTAL_STARTS = frozenset({w[0] for w in TOTAL_WORDS} | {w[0].upper() for w in TOTAL_WORDS} | {" ", "\u3000"})
#: How many rows from the top may be titles or headers.
HEAD_SCAN = 30
#: First cells of a row that repeats the header in another form (a sequence-number header: 序号, 编号, No.).
SEQUENCE_WORDS = frozenset({"序号", "编号", "序", "no", "no.", "nr", "seq", "#", "顺序号", "排序"})
#: Column numbers written under a government table's header: 甲 乙 丙 … then 1 2 3 (栏次), or A B C.
_COLUMN_NUMBER = re.compile(r"^(?:[甲乙丙丁戊己庚辛壬癸]|[A-Za-z]|\(?\d{1,2}\)?|栏次|[（(]\d{1,2}[)）])$")


@dataclass
class Column:
    """A column of the table: its position, its (joined) header and the unit the header names."""

    index: int
    header: str
    label: str
    unit: str


@dataclass
class Table:
    """The table found in a sheet."""

    header_rows: list[int]
    columns: list[Column]
    #: Rows under the header that repeat it (its names again, a 序号/No. line, the column numbers 甲 乙 1 2 3):
    #: neither header nor data.
    echo_rows: list[int] = field(default_factory=list)
    #: (sheet row number counted from 1, cells) for each data row.
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: The unit a line above the header gives the whole table (「单位：亿元」 at the right of the title): the numbers
    #: of a column whose header names no unit are in it, when its field's unit can take it (engine.column_unit).
    unit: str = ""

    @property
    def signature(self) -> str:
        """A key of the header, to find a saved mapping for the next file with the same header."""
        joined = "\x1f".join(match_key(c.header) for c in self.columns)
        return hashlib.sha1(joined.encode()).hexdigest()


def _nonempty(row: Sequence[Any]) -> list[int]:
    return [i for i, v in enumerate(row) if not is_empty(v) and cell_text(v) != ""]


def _is_texty(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = halfwidth(value).strip()
    return bool(text) and not re.fullmatch(r"[-+0-9.,%\s]+", text)


def header_score(row: Sequence[Any], vocabulary: dict[str, str]) -> float:
    """How much a row looks like the header of this entity: cells matching known column names."""
    score = 0.0
    for v in row:
        if not isinstance(v, str) or not v.strip():
            continue
        key = match_key(split_header_unit(v)[0])
        if key in vocabulary:
            score += 1
        elif key and any(len(s) >= 2 and (s in key or key in s) for s in vocabulary):
            score += 0.5
    return score


def _is_echo(row: Sequence[Any], header_keys: set[str], vocabulary: dict[str, str], width: int) -> bool:
    """Whether a row under the header repeats it rather than holding data.

    Government sheets often carry a second header line that names the columns again (merged cells copied down,
    an English line, a line led by 序号 or No.) or numbers them (甲 乙 1 2 3 …, 栏次).
    """
    filled = _nonempty(row)
    if filled and all(isinstance(row[c], str) and unit_only(row[c]) for c in filled):
        return True  # a line of units under the header: 「（亿元）」 under 总投资
    if len(filled) < 2:
        return False
    texts = [halfwidth(cell_text(row[c])).strip() for c in filled]
    keys = [match_key(split_header_unit(t)[0]) for t in texts]
    if len(filled) >= max(3, width // 2):
        # 栏次: every cell a column number, the numbers counting up one by one
        if all(_COLUMN_NUMBER.match(t) or (isinstance(row[c], int | float) and not isinstance(row[c], bool))
               for t, c in zip(texts, filled, strict=True)):
            numbers = [int(float(t.strip("()（）"))) for t in texts if re.fullmatch(r"[(（]?\d+(\.0)?[)）]?", t)]
            if all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False)) and (
                    len(numbers) < len(texts) or (numbers and numbers[0] in (0, 1))):
                return True
    if not all(_is_texty(row[c]) for c in filled):
        return False
    if keys[0] in SEQUENCE_WORDS or texts[0].lower() in SEQUENCE_WORDS:
        return True
    known = sum(1 for k in keys if k in header_keys or k in vocabulary)
    return known * 2 >= len(keys) + 1


def _spread(rows: list[list[Any]], merged: Sequence[tuple[int, int, int, int]], width: int) -> list[list[Any]]:
    """Copy each merged cell's value over its whole range, so a header spanning columns names each of them."""
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in merged:
        if r0 >= len(grid) or c0 >= width:
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if is_empty(grid[r][c]):
                    grid[r][c] = value
    return grid


def find_table(rows: list[list[Any]], vocabulary: dict[str, str], *, key_columns: Sequence[str] = (),
               merged: Sequence[tuple[int, int, int, int]] = (), header_row: int | None = None) -> Table:
    """Locate the header among the first rows and split the rest into data rows and skipped rows
    (:func:`find_header`, then :func:`data_rows` over every row, kept in ``Table.rows``)."""
    width = max((len(r) for r in rows), default=0)
    table = find_header(rows[:HEAD_ROWS], vocabulary, width=width, merged=merged, header_row=header_row)
    table.rows = list(data_rows(table, rows, width, merged))
    return table


#: How many rows from the top :func:`find_header` reads.
HEAD_ROWS = HEAD_SCAN + 3


def find_header(head: list[list[Any]], vocabulary: dict[str, str], *, width: int,
                merged: Sequence[tuple[int, int, int, int]] = (), header_row: int | None = None) -> Table:
    """Locate the header among the first rows (``head``: the sheet's first :data:`HEAD_ROWS` rows, ``width``: the
    sheet's) and the rows under it that repeat it; the table returned has no data rows yet (:func:`data_rows`).

    ``vocabulary`` maps normalised column names (synonyms) to fields; the row matching most of them is
    the header. One or two rows above it that hold several texts (not a single title) and sit over
    merged or empty spans become the upper levels of the header ("2022年" over "产值" and "税收"); so does a
    row right below it that fills the header's gaps.
    """
    rows = head
    grid = _spread(rows[:HEAD_ROWS], merged, width)
    if header_row is None:
        best, best_score = 0, -1.0
        for i, row in enumerate(grid[:HEAD_SCAN]):
            filled = _nonempty(row)
            if len(filled) < 2:
                continue
            s = header_score(row, vocabulary) + 0.01 * sum(_is_texty(row[c]) for c in filled) / max(1, len(filled))
            if s > best_score:
                best, best_score = i, s
        header_row = best
    header_rows = [header_row]
    # upper levels: rows directly above with ≥2 texts, where some header cell below sits under a span
    for _level in range(2):
        above = header_rows[0] - 1
        if above < 0:
            break
        filled = _nonempty(grid[above])
        distinct = {cell_text(grid[above][c]) for c in filled}  # a title merged across the table is one text
        if len(distinct) < 2 or not all(_is_texty(grid[above][c]) for c in filled):
            break
        header_rows.insert(0, above)
    # a lower level: the row below fills gaps of the header row and holds only texts
    below = header_row + 1
    if below < len(grid):
        filled = _nonempty(grid[below])
        head = grid[header_row]
        gaps = [c for c in filled if c < len(head) and is_empty(rows[header_row][c] if c < len(rows[header_row])
                                                                  else "")]
        if filled and all(_is_texty(grid[below][c]) for c in filled) and (
                gaps or header_score(grid[below], vocabulary) > 0 and len(filled) < len(_nonempty(head))):
            header_rows.append(below)
    header_keys = {match_key(split_header_unit(cell_text(v))[0]) for r in header_rows for v in grid[r]
                   if not is_empty(v)} - {""}
    echo_rows: list[int] = []
    while len(echo_rows) < 3:
        nxt = (echo_rows or header_rows)[-1] + 1
        if nxt >= len(grid) or not _is_echo(grid[nxt], header_keys, vocabulary, width):
            break
        echo_rows.append(nxt)
    # forward-fill upper levels to the right over empty cells (a merged title read without merge info)
    columns: list[Column] = []
    filled_levels: list[list[str]] = []
    for level, r in enumerate(header_rows):
        texts = [cell_text(v) if not is_empty(v) else "" for v in grid[r]] + [""] * width
        texts = texts[:width]
        if level < len(header_rows) - 1:
            last = ""
            for c in range(width):
                if texts[c]:
                    last = texts[c]
                elif last and any(
                        cell_text(grid[rr][c]) for rr in header_rows[level + 1:] if c < len(grid[rr])):
                    texts[c] = last
                else:
                    last = ""
        filled_levels.append(texts)
    for c in range(width):
        parts: list[str] = []
        units = []
        for texts in filled_levels:
            t = texts[c]
            if t and unit_only(t):
                units.append(unit_only(t))  # a unit on a level of its own names the unit, not the column
            elif t and (not parts or parts[-1] != t):
                parts.append(t)
        for r in echo_rows:
            if c < len(grid[r]) and isinstance(grid[r][c], str) and unit_only(grid[r][c]):
                units.append(unit_only(grid[r][c]))
        if not parts:
            continue
        header = " ".join(parts)
        label, unit = split_header_unit(parts[-1])
        if not unit:
            for p in parts[:-1]:
                _l, unit = split_header_unit(p)
                if unit:
                    break
        if not unit and units:
            unit = units[0]
            header = f"{header}({unit})"
        columns.append(Column(index=c, header=header, label=label, unit=unit))
    # a unit note above the header (its own cell, not a level of it) is the table's: one unit, or none
    noted = {unit_only(v) for r in range(header_rows[0]) for v in grid[r] if isinstance(v, str)} - {""}
    return Table(header_rows=header_rows, columns=columns, echo_rows=echo_rows,
                 unit=noted.pop() if len(noted) == 1 else "")


def _merged_down(i: int, row: list[Any], downs: dict[int, list[tuple[int, int]]],
                 open_downs: list[tuple[int, int, Any]]) -> list[Any]:
    """Row ``i`` with the value of each merge down it is in; ``open_downs`` is kept from row to row."""
    open_downs[:] = [d for d in open_downs if d[0] >= i]
    if open_downs:
        row = list(row) + [""] * (max(c for _r, c, _v in open_downs) + 1 - len(row))
        for _last, c, value in open_downs:
            if row[c] == "" or row[c] is None:
                row[c] = value
    for last, c in downs.pop(i, ()):
        if c < len(row) and row[c] != "" and row[c] is not None:
            open_downs.append((last, c, row[c]))
    return row


def data_rows(table: Table, rows: Iterable[list[Any]], width: int,
              merged: Sequence[tuple[int, int, int, int]] = ()) -> Iterator[tuple[int, list[Any]]]:
    """The data rows under ``table``'s header among ``rows`` (every row of the sheet, from its first), as (sheet row
    number counted from 1, cells padded to ``width``); total rows and notes are noted in ``table.skipped`` as they
    are passed. A generator: a large sheet goes through it a row at a time.

    A cell merged down over several data rows (所在园区 once for each park's group of enterprises) holds its value
    in each of them, as the reader of the sheet sees it: a spreadsheet keeps it in the first row only.
    """
    notes_started = seen_data = False
    first = (table.echo_rows or table.header_rows)[-1] + 1
    downs: dict[int, list[tuple[int, int]]] = {}  # first row → (last row, column) of each merge down over data rows
    for r0, c0, r1, _c1 in merged:
        if r0 >= first and r1 > r0:
            downs.setdefault(r0, []).append((r1, c0))
    open_downs: list[tuple[int, int, Any]] = []  # (last row, column, value) of the merges the rows are in
    for i, row in enumerate(rows):
        if i < first:
            continue
        if downs or open_downs:
            row = _merged_down(i, row, downs, open_downs)
        count = len(row) - row.count("") - row.count(None)  # counted in C: this loop sees every row
        if not count:
            continue
        firsts = []
        for v in row:
            if v != "" and v is not None:
                firsts.append(v)
                if len(firsts) == 3:
                    break
        if count == 1 and is_empty(firsts[0]):
            continue
        heads = [t for t in firsts if type(t) is str and t[:1] in _TOTAL_STARTS]
        if heads and any(t.replace(" ", "").replace("\u3000", "").lower().startswith(TOTAL_WORDS) for t in heads):
            table.skipped.append((i + 1, "total"))
            continue
        lead = cell_text(firsts[0]).replace(" ", "")
        if notes_started or (count == 1 and (lead.startswith(NOTE_PREFIXES) or len(lead) > 30)) or (
                count <= 2 and lead.startswith(NOTE_PREFIXES) and seen_data):
            notes_started = True
            table.skipped.append((i + 1, "note"))
            continue
        seen_data = True
        yield i + 1, row if len(row) >= width else list(row) + [""] * (width - len(row))


#: The share of its match a weak synonym's header gets (:func:`propose_mapping`): below a header that names the
#: field, at or above the 60% the mapping page still proposes.
WEAK_SCORE = 0.6


def _match(label_key: str, full_key: str, keys: Sequence[str]) -> tuple[float, int]:
    """How well a header (its label and its full text, as match keys) matches one of ``keys``, and the position
    of the first key that matches that well."""
    score, rank = 0.0, len(keys)
    for i, k in enumerate(keys):
        if not k:
            continue
        if k == label_key or k == full_key:
            s = 1.0
        elif len(k) >= 2 and (k in label_key or label_key.endswith(k)):
            s = 0.85 if label_key.endswith(k) else 0.75
        elif len(label_key) >= 2 and label_key in k:
            s = 0.7
        else:
            r = difflib.SequenceMatcher(None, label_key, k).ratio()
            s = round(r * 0.8, 2) if r >= 0.6 else 0.0
        if s > score:
            score, rank = s, i
    return score, rank


@dataclass
class Proposal:
    """The automatic mapping of one column: the field it goes to (or "") and how sure the match is."""

    column: Column
    field: str
    confidence: float


def propose_mapping(columns: Sequence[Column], synonyms: Mapping[str, Sequence[str]],
                    units: Mapping[str, str] | None = None,
                    weak: Mapping[str, Sequence[str]] | None = None) -> list[Proposal]:
    """Match each column to at most one field and each field to at most one column, surest first.

    A field's synonyms are listed in the order it prefers them: between two columns that match a field equally
    well, the one whose header matches an earlier synonym wins (国标行业小类 over 国标行业门类), then the leftmost.
    ``weak`` names headers a field takes only when no column names it outright (an enterprise's name where its
    code is wanted): they are proposed at :data:`WEAK_SCORE` of their match.
    ``units`` names the unit of each numeric field: a column whose header unit cannot be converted to it
    (产值(万元) and an area in ㎡) is never proposed for it, however alike the names.
    """
    candidates: list[tuple[float, int, int, str]] = []
    keyed = {f: [match_key(s) for s in names] for f, names in synonyms.items()}
    weak_keyed = {f: [match_key(s) for s in names] for f, names in (weak or {}).items()}
    units = units or {}
    for pos, col in enumerate(columns):
        label_key = match_key(col.label)
        full_key = match_key(split_header_unit(col.header)[0])
        for f in keyed.keys() | weak_keyed.keys():
            if col.unit and f in units and not unit_convertible(col.unit, units[f]):
                continue
            score, rank = _match(label_key, full_key, keyed.get(f, []))
            weak_score, weak_rank = _match(label_key, full_key, weak_keyed.get(f, []))
            if round(weak_score * WEAK_SCORE, 2) > score:
                score, rank = round(weak_score * WEAK_SCORE, 2), len(keyed.get(f, [])) + weak_rank
            if score > 0:
                candidates.append((score, -rank, -pos, f))
    candidates.sort(reverse=True)
    taken_cols: dict[int, tuple[str, float]] = {}
    taken_fields: set[str] = set()
    for score, _rank, negpos, f in candidates:
        pos = -negpos
        if pos in taken_cols or f in taken_fields:
            continue
        taken_cols[pos] = (f, score)
        taken_fields.add(f)
    return [Proposal(col, *taken_cols.get(pos, ("", 0.0))) for pos, col in enumerate(columns)]
