"""Row-by-row checks of a catalog file; every problem is reported with its row number and column, in Chinese."""

import re
from dataclasses import asdict, dataclass

from core.errors import InvalidInput
from dispatch.choices import DispatchClass, RequestType, Responsible, Tier, UnitKind

from .fileformat import COLUMNS, KEYWORD_SEPARATOR, OPTIONAL_COLUMNS, split_keywords

RESPONSIBLE_UNIT_KINDS = (UnitKind.DEPARTMENT, UnitKind.ENTERPRISE, UnitKind.CENTER)
NAME_MAX, KEYWORDS_MAX = 100, 500
MAX_REPORTED_ERRORS = 50
_CODE_RE = re.compile(r"^(?!00)\d{2}(?!00)\d{2}(?!000)\d{3}$")
_LEVEL_LABELS = {"level1": "一级分类", "level2": "二级分类", "level3": "三级分类"}
_TIER_BY_TEXT = {**{t.value: t.value for t in Tier}, **{t.label: t.value for t in Tier}}
_TYPE_BY_TEXT = {**{t.value: t.value for t in RequestType}, **{t.label: t.value for t in RequestType}}
_TIER_HINT = "/".join(Tier.values)
# a class by its value, its label or the label's words before the bracket ("水电气热、极端天气"); blank = none
_DISPATCH_BY_TEXT = {
    **{c.value: c.value for c in DispatchClass}, **{c.label: c.value for c in DispatchClass},
    **{c.label.split("（")[0]: c.value for c in DispatchClass},
}
_DISPATCH_HINT = "/".join(f"{c.value}（{c.label.split('（')[0]}）" for c in DispatchClass if c.value)
_PHOTO_BY_TEXT = {"": "", "否": "", "0": "", "no": "", "false": "", "是": "是", "1": "是", "yes": "是", "true": "是"}
_TYPE_HINT = "/".join(f"{t.value}（{t.label}）" for t in RequestType)


@dataclass(frozen=True)
class LeafRow:
    """A checked leaf row in canonical form; `as_dict()` is exactly what an export writes."""

    code: str
    level1: str
    level2: str
    level3: str
    keywords: str
    responsible: str
    responsible_unit: str
    tier: str
    request_type: str
    dispatch_class: str
    photo_required: str  # "是" or ""

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"第{self.row}行 {self.column}：{self.message}" if self.column else f"第{self.row}行：{self.message}"


class CatalogFileError(InvalidInput):
    """The file was rejected; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors):
        self.errors = list(errors)
        lines = [str(error) for error in self.errors[:MAX_REPORTED_ERRORS]]
        if len(self.errors) > MAX_REPORTED_ERRORS:
            lines.append(f"……另有 {len(self.errors) - MAX_REPORTED_ERRORS} 处错误")
        super().__init__(f"派单目录文件有 {len(self.errors)} 处错误，未导入：\n" + "\n".join(lines), field="file")


def check_header(header):
    errors = [RowError(1, column, "缺少这一列") for column in COLUMNS
              if column not in header and column not in OPTIONAL_COLUMNS]
    errors += [RowError(1, column, "未知的列") for column in header if column and column not in COLUMNS]
    return errors


def check_rows(rows, units):
    """([LeafRow], [RowError]) for FileRows; `units` maps unit code → Unit for every unit code the file names."""
    checker = _Checker(units)
    leaves = [leaf for leaf in (checker.check(row) for row in rows) if leaf is not None]
    if not rows:
        checker.errors.append(RowError(2, "", "文件中没有目录条目"))
    return leaves, checker.errors


class _Checker:
    def __init__(self, units):
        self.units = units
        self.errors = []
        self.seen_codes = {}  # leaf code → row
        self.level1 = _PrefixRegistry("一级分类", 2)
        self.level2 = _PrefixRegistry("二级分类", 4)
        self.seen_paths = {}  # (level1, level2, level3) → row

    def fail(self, row, column, message):
        self.errors.append(RowError(row.number, column, message))

    def check(self, row):
        before = len(self.errors)
        values = {column: row.values.get(column, "").strip() for column in COLUMNS}
        code = self._code(row, values["code"])
        names = [self._name(row, column, values[column]) for column in ("level1", "level2", "level3")]
        if code and all(names):
            self._hierarchy(row, code, *names)
        keywords = KEYWORD_SEPARATOR.join(split_keywords(values["keywords"]))
        if len(keywords) > KEYWORDS_MAX:
            self.fail(row, "keywords", f"关键词合计不能超过{KEYWORDS_MAX}个字")
        responsible, unit_code = self._responsible(row, values["responsible"], values["responsible_unit"])
        tier = _TIER_BY_TEXT.get(values["tier"])
        if tier is None:
            self.fail(row, "tier", f"响应级别必须是 {_TIER_HINT} 之一")
        request_type = _TYPE_BY_TEXT.get(values["request_type"])
        if request_type is None:
            self.fail(row, "request_type", f"诉求类型必须是 {_TYPE_HINT} 之一")
        dispatch_class = _DISPATCH_BY_TEXT.get(values["dispatch_class"])
        if dispatch_class is None:
            self.fail(row, "dispatch_class", f"派单时限类别须留空（一般）或填 {_DISPATCH_HINT}")
        photo_required = _PHOTO_BY_TEXT.get(values["photo_required"].lower())
        if photo_required is None:
            self.fail(row, "photo_required", "办结须上传现场照片：填「是」或留空")
        if len(self.errors) > before:
            return None
        return LeafRow(code, *names, keywords, responsible, unit_code, tier, request_type, dispatch_class,
                       photo_required)

    def _code(self, row, code):
        if not _CODE_RE.match(code):
            self.fail(row, "code", "编码必须是7位数字（2位一级+2位二级+3位三级，各段不为0），如 0102003")
            return None
        if code in self.seen_codes:
            self.fail(row, "code", f"编码 {code} 与第{self.seen_codes[code]}行重复")
            return None
        self.seen_codes[code] = row.number
        return code

    def _name(self, row, column, name):
        label = _LEVEL_LABELS[column]
        if not name:
            self.fail(row, column, f"{label}名称不能为空")
            return None
        if len(name) > NAME_MAX:
            self.fail(row, column, f"{label}名称不能超过{NAME_MAX}个字")
            return None
        return name

    def _hierarchy(self, row, code, level1, level2, level3):
        for registry, key, column in ((self.level1, (level1,), "level1"), (self.level2, (level1, level2), "level2")):
            problem = registry.register(code, key, row.number)
            if problem:
                self.fail(row, column if problem[0] == "name" else "code", problem[1])
                break
        path = (level1, level2, level3)
        if path in self.seen_paths:
            self.fail(row, "level3", f"三级分类“{'/'.join(path)}”与第{self.seen_paths[path]}行重复")
        else:
            self.seen_paths[path] = row.number

    def _responsible(self, row, responsible, unit_code):
        if responsible == Responsible.STREET:
            if unit_code:
                self.fail(row, "responsible_unit", "承办方式为 street（按事发地址派给属地街乡镇）时不填承办单位")
            return responsible, ""
        if responsible != Responsible.UNIT:
            self.fail(row, "responsible", "承办方式必须是 street（属地街乡镇）或 unit（指定部门或企业）")
            return responsible, unit_code
        if not unit_code:
            self.fail(row, "responsible_unit", "承办方式为 unit 时必须填写承办单位代码（如 E002）")
            return responsible, unit_code
        unit = self.units.get(unit_code)
        if unit is None:
            self.fail(row, "responsible_unit", f"找不到代码为 {unit_code} 的单位")
        elif unit.kind not in RESPONSIBLE_UNIT_KINDS:
            kind = unit.get_kind_display()
            self.fail(row, "responsible_unit",
                      f"{unit_code} {unit.name} 是{kind}，指定承办单位只能是市级部门、公共服务企业或热线中心")
        elif not unit.is_active:
            self.fail(row, "responsible_unit", f"单位 {unit_code} {unit.name} 已停用")
        return responsible, unit_code


class _PrefixRegistry:
    """Keeps one code prefix per name path and one name path per prefix, e.g. '城乡建设' ↔ '01'."""

    def __init__(self, label, length):
        self.label, self.length = label, length
        self.by_key, self.by_prefix = {}, {}

    def register(self, code, key, number):
        """None if consistent, else ('name' | 'code', message)."""
        prefix, name = code[: self.length], "/".join(key)
        known = self.by_key.get(key)
        if known and known[0] != prefix:
            return "name", f"{self.label}“{name}”在第{known[1]}行的编码前缀是 {known[0]}，本行是 {prefix}"
        owner = self.by_prefix.get(prefix)
        if owner and owner[0] != key:
            return "code", f"编码前缀 {prefix} 在第{owner[1]}行属于{self.label}“{'/'.join(owner[0])}”，本行是“{name}”"
        self.by_key.setdefault(key, (prefix, number))
        self.by_prefix.setdefault(prefix, (key, number))
        return None
