"""Reading orders from the command line and from CSV/JSON files, with errors that name the line."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

COLUMNS = ("symbol", "orderId", "clientOid")
# The other columns of a `--report FILE.csv`, which `cancel --file` takes back (their values ignored).
REPORT_COLUMNS = ("outcome", "code", "message", "attempts", "status", "filled_size", "request_time")


class InputError(Exception):
    """Bad input: reported in one line, exit code 2, nothing sent."""


def _row_order(values: dict[str, Any], where: str, default_symbol: str | None, column: str) -> dict[str, str]:
    order: dict[str, str] = {}
    for key, value in values.items():
        if key not in COLUMNS:
            raise InputError(f"{where}: unknown {column} {key!r} (allowed: {', '.join(COLUMNS)})")
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: {column} {key} must be a string, not {type(value).__name__}")
        order[key] = value.strip()
    if "orderId" not in order and "clientOid" not in order:
        raise InputError(f"{where}: {column} orderId or clientOid is required (one of them)")
    if "symbol" not in order and default_symbol is None:
        raise InputError(f"{where}: {column} symbol is empty (give it, or pass --symbol for all rows)")
    return order


def _rows(reader: Any, path: Path) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as e:
        raise InputError(f"{path} line {reader.line_num}: malformed CSV: {e}") from None


def read_csv(
    path: Path, default_symbol: str | None = None, text: str | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    with path.open(newline="", encoding="utf-8-sig") if text is None else io.StringIO(text, newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: empty file (expected a header: {','.join(COLUMNS)})") from None
        header = [h.strip() for h in header]
        unknown = [h for h in header if h not in COLUMNS and h not in REPORT_COLUMNS]
        if unknown:
            raise InputError(f"{path}: unknown column {unknown[0]!r} (allowed: {', '.join(COLUMNS)})")
        if len(set(header)) != len(header):
            raise InputError(f"{path}: duplicate column in header {header}")
        orders, where = [], []
        for row in _rows(reader, path):
            line = f"{path} line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{line}: expected {len(header)} fields ({','.join(header)}), got {len(row)}")
            given = {k: v for k, v in zip(header, row, strict=True) if k in COLUMNS}
            orders.append(_row_order(given, line, default_symbol, "column"))
            where.append(line)
    return orders, where


def read_json(
    path: Path, default_symbol: str | None = None, text: str | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") if text is None else text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if isinstance(data, dict) and set(data) == {"orders"}:
        data = data["orders"]
    if not isinstance(data, list):
        raise InputError(f'{path}: expected a JSON list of orders (or {{"orders": [...]}})')
    orders, where = [], []
    for i, item in enumerate(data):
        loc = f"{path} item {i}"
        if not isinstance(item, dict):
            raise InputError(f"{loc}: expected an object with {', '.join(COLUMNS)}")
        orders.append(_row_order(item, loc, default_symbol, "field"))
        where.append(loc)
    return orders, where


def read_orders_file(path: Path, default_symbol: str | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """The orders in a .csv or .json file, and where each came from (for error messages).

    CSV is read strictly (an unterminated quote is an error, not a field that swallows the rest).
    `-` is standard input: JSON if it starts with `[` or `{`, else CSV.
    """
    if str(path) == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("--file -: standard input is not UTF-8 text") from None
        where = Path("<stdin>")
        try:
            if text.lstrip()[:1] in ("[", "{"):
                return read_json(where, default_symbol, text)
            return read_csv(where, default_symbol, text)
        except csv.Error as e:
            raise InputError(f"<stdin>: malformed CSV: {e}") from None
        except RecursionError:
            raise InputError("<stdin>: JSON nested too deeply") from None
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return read_csv(path, default_symbol)
        if suffix == ".json":
            return read_json(path, default_symbol)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except csv.Error as e:
        raise InputError(f"{path}: malformed CSV: {e}") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    raise InputError(f"{path}: unsupported file type {suffix or '(none)'} (use .csv or .json)")
