"""知识库 xlsx import and export. One row per article: its key, owner's unit code and its newest version's fields.

Import is all or nothing, like the catalog's (dispatch/catalog): every row is checked and then written through the
same services as the editor (a new key creates an article, a known key edits it: a new version), inside one
transaction; any row's problem, found by the checks or by a service (another unit's article, one under review),
is reported with its row number and column, and nothing is written."""

import datetime as dt
import io

from django.db import transaction

from core.errors import DomainError, InvalidInput

from . import services
from .content import LABELS, check_content, leaves_named
from .models import Article

COLUMNS = ("key", "owner", "title", "body", "keywords", "catalog", "source_document", "document_number",
           "valid_from", "valid_to", "review_due", "status")
HEADERS = {"key": "编号", "owner": "维护单位代码", "title": "标题", "body": "正文", "keywords": "关键词",
           "catalog": "关联派单目录", "source_document": "依据文件", "document_number": "文号",
           "valid_from": "生效日期", "valid_to": "失效日期", "review_due": "复审日期", "status": "状态（导入时忽略）"}
BY_HEADER = {**{v: k for k, v in HEADERS.items()}, **{k: k for k in COLUMNS}, "状态": "status"}
REQUIRED_COLUMNS = ("title", "body", "valid_from")
MAX_ROWS = 5000
MAX_REPORTED = 50
FORMULA_START = ("=", "+", "-", "@")


class ImportFailed(InvalidInput):
    """The file was refused; `errors` lists every problem as 第N行 列：…. Nothing was written."""

    def __init__(self, errors):
        self.errors = list(errors)
        shown = self.errors[:MAX_REPORTED]
        more = f"（另有{len(self.errors) - MAX_REPORTED}处）" if len(self.errors) > MAX_REPORTED else ""
        super().__init__(f"导入失败，共{len(self.errors)}处问题，未写入任何条目{more}", field="file")
        self.shown = shown


def _text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content):
    """[(row number, {column: text})] of the first sheet; InvalidInput for a file that is not a readable xlsx or
    whose header lacks a required column."""
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise InvalidInput("请上传 .xlsx 文件（可先导出一份作为模板）", field="file")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
        raise InvalidInput(f"无法读取 .xlsx 文件：{exc}", field="file") from None
    try:
        records = workbook.worksheets[0].iter_rows(values_only=True)
        header = [BY_HEADER.get(_text(cell), "") for cell in next(records, ())]
        missing = [HEADERS[c] for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidInput("表头缺少列：" + "、".join(missing) + "（请使用导出文件的表头）", field="file")
        rows = []
        for number, record in enumerate(records, start=2):
            values = {name: _text(cell) for name, cell in zip(header, record, strict=False) if name}
            if any(values.values()):
                rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise InvalidInput(f"一次最多导入{MAX_ROWS}行", field="file")
        return rows
    finally:
        workbook.close()


def _split_names(text):
    for separator in (",", "，", ";", "；", "\n"):
        text = text.replace(separator, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def import_articles(actor, content, *, submit=False, now=None):
    """Import the rows of an xlsx file (bytes) as the actor; returns (created, updated). All or nothing."""
    rows = read_rows(content)
    if not rows:
        raise InvalidInput("文件中没有数据行", field="file")
    leaves = leaves_named({name for _, row in rows for name in _split_names(row.get("catalog", ""))})
    owners = {code: services.owner_for_code(code) for code in {row.get("owner", "") for _, row in rows} if code}
    existing = {a.key: a for a in Article.objects.filter(key__in=[row.get("key", "") for _, row in rows])}
    errors, checked, seen = [], [], set()
    for number, row in rows:
        key = row.get("key", "")
        if key and key in seen:
            errors.append(f"第{number}行 {HEADERS['key']}：编号「{key}」在文件中重复")
        seen.add(key)
        unknown = [n for n in _split_names(row.get("catalog", "")) if n not in leaves]
        if unknown:
            errors.append(f"第{number}行 {HEADERS['catalog']}：当前派单目录中没有" + "、".join(unknown))
        owner = owners.get(row.get("owner", "")) if row.get("owner") else None
        if row.get("owner") and owner is None:
            errors.append(f"第{number}行 {HEADERS['owner']}：没有代码为「{row['owner']}」的单位")
        text, problems = check_content(
            title=row.get("title"), body=row.get("body"), keywords=row.get("keywords", ""),
            source_document=row.get("source_document", ""), document_number=row.get("document_number", ""),
            valid_from=row.get("valid_from"), valid_to=row.get("valid_to"), review_due=row.get("review_due"),
            catalog_items=[leaves[n] for n in _split_names(row.get("catalog", "")) if n in leaves])
        errors += [f"第{number}行 {LABELS.get(field, field)}：{message}" for field, message in problems]
        if any(cell.startswith(FORMULA_START) for cell in (row.get("title", ""),)):
            errors.append(f"第{number}行 {HEADERS['title']}：标题不能以 = + - @ 开头")
        checked.append((number, key, owner, text))
    if errors:
        raise ImportFailed(errors)
    created = changed = 0
    with transaction.atomic():
        for number, key, owner, text in checked:
            try:
                if key in existing:
                    article = existing[key]
                    if owner is not None and owner.pk != article.owner_id:
                        raise InvalidInput("导入不能改变已有条目的维护单位", field="owner")
                    services.edit_article(actor, article.pk, text, now=now)
                    article.refresh_from_db()
                    changed += 1
                else:
                    article = services.create_article(actor, text, owner=owner, key=key, now=now)
                    created += 1
                if submit and article.latest_version.status == "draft":
                    services.submit(actor, article.pk, now=now)
            except DomainError as error:
                column = HEADERS.get(error.field, "") if error.field else ""
                errors.append(f"第{number}行{(' ' + column) if column else ''}：{error.message}")
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return created, changed


def export_rows(articles):
    """One row per article (its newest version), in COLUMNS order."""
    for article in articles:
        version = article.latest_version
        yield [article.key, article.owner.code, version.title, version.body, version.keywords,
               "、".join(item.name for item in version.catalog_items.all()), version.source_document,
               version.document_number, version.valid_from.isoformat(),
               version.valid_to.isoformat() if version.valid_to else "",
               version.review_due.isoformat() if version.review_due else "", version.get_status_display()]


def export_xlsx(articles):
    """Bytes of the xlsx (every cell a string: a text starting with = is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("知识库")
    sheet.append([HEADERS[c] for c in COLUMNS])
    for row in export_rows(articles):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
