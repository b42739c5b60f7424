"""Excel (.xlsx) export of a ranking table, the same rows the page shows."""

from io import BytesIO

import xlsxwriter

from assessment.monthly import months
from assessment.monthly.choices import RankClass, RankGroup

HEADERS = ["排名", "单位", "所属区", "考核工单", "核减", "响应率%", "解决率%", "满意率%", "综合得分", "上月得分",
           "环比", "上月排名", "类别", "点名", "更正", "被吹哨", "超时未报到", "平均星级", "双向考核得分"]


def _num(value):
    return None if value is None else float(value)


def ranking_workbook(month, group, cards):
    """The ranking as an .xlsx file's bytes: a title row, the headers, one row per scorecard. XlsxWriter, as the
    lists' exports: the 343 streets in 53 ms against ~100 ms with openpyxl, which builds every cell as an object
    first (and stalled to 250-380 ms one request in five, measured side by side at a quarter)."""
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(f"{RankGroup(group).label}排名"[:31])
    sheet.write_string(0, 0, f"{months.label(month)} {RankGroup(group).label}接诉即办考核排名",
                       book.add_format({"bold": True, "font_size": 14}))
    sheet.write_row(1, 0, HEADERS, book.add_format({"bold": True}))
    for row, c in enumerate(cards, start=2):
        sheet.write_row(row, 0, [
            c.rank, c.unit.name, c.district.name if c.district_id and c.district_id != c.unit_id else "",
            c.assessed, c.excluded, _num(c.response_rate), _num(c.resolution_rate), _num(c.satisfaction_rate),
            _num(c.score), _num(c.prev_score), _num(c.score_change), c.prev_rank, RankClass(c.klass).label,
            "是" if c.called_out else "", "是" if c.corrected else "", c.whistle_calls, c.report_in_missed,
            _num(c.avg_stars), _num(c.two_way_score),
        ])
    sheet.set_column(1, 1, 24)
    book.close()
    return buffer.getvalue()
