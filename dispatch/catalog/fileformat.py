"""The catalog file: one row per leaf, the same columns in CSV and .xlsx. Reads to rows, writes from rows.

tier is the leaf's default response tier, dispatch_class its dispatch-limit class (blank, emergency or utilities;
the rules: dispatch/tiers.py). dispatch_class may be left out of a file: its leaves then dispatch by urgency.
photo_required (是 or blank): completing the leaf's orders needs an on-site photo; left out, no leaf needs one."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from core.errors import InvalidInput

COLUMNS = (
    "code", "level1", "level2", "level3", "keywords", "responsible", "responsible_unit", "tier", "request_type",
    "dispatch_class", "photo_required",
)
# files written before these columns existed still import
OPTIONAL_COLUMNS = ("dispatch_class", "photo_required")
CSV, XLSX = "csv", "xlsx"
KEYWORD_SEPARATOR = "、"
_XLSX_MAGIC = b"PK\x03\x04"
_LEAF_CODE_LENGTH = 7


@dataclass(frozen=True)
class FileRow:
    """One data row as read; `number` is the row number the user sees (header = row 1)."""

    number: int
    values: dict


def split_keywords(text):
    """'暖气、供暖,暖气不热' → ['暖气', '供暖', '暖气不热'] (order kept, duplicates dropped)."""
    for separator in (",", "，", ";", "；", "\n"):
        text = text.replace(separator, KEYWORD_SEPARATOR)
    words = []
    for word in (part.strip() for part in text.split(KEYWORD_SEPARATOR)):
        if word and word not in words:
            words.append(word)
    return words


def detect_format(content, filename=""):
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise InvalidInput("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV（UTF-8）", field="file")
    if suffix == ".xlsx" or content.startswith(_XLSX_MAGIC):
        return XLSX
    return CSV


def read_table(content, filename=""):
    """(header, [FileRow]) from CSV or xlsx bytes; blank rows are skipped but keep their numbers."""
    if detect_format(content, filename) == XLSX:
        records = _xlsx_records(content)
    else:
        records = csv.reader(io.StringIO(_decode(content), newline=""))
    header, rows = None, []
    for number, record in enumerate(records, start=1):
        cells = [_cell_text(value) for value in record]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if not any(cells):
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(FileRow(number, dict(zip(header, cells, strict=False))))
    return header or [], rows


def write_table(rows, fmt):
    """Bytes of a CSV (UTF-8 with BOM, so Excel shows Chinese) or xlsx file; `rows` are dicts keyed by COLUMNS."""
    if fmt == XLSX:
        return _xlsx_bytes(rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def format_for_path(path):
    return XLSX if str(path).lower().endswith(".xlsx") else CSV


def _decode(content):
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")  # CSV saved by Chinese Excel
    except UnicodeDecodeError:
        raise InvalidInput("无法识别文件编码，请保存为 UTF-8 编码的 CSV 或 .xlsx", field="file") from None


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):  # Excel turned a code such as 0102003 into the number 102003
        text = str(value)
        return text.zfill(_LEAF_CODE_LENGTH) if len(text) < _LEAF_CODE_LENGTH else text
    return str(value).strip()


def _xlsx_records(content):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
        raise InvalidInput(f"无法读取 .xlsx 文件：{exc}", field="file") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("派单目录")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(column, "") for column in COLUMNS])  # strings stay text, so leading zeros survive
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
