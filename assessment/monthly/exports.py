"""Excel (.xlsx) export of a ranking table, the same rows the page shows."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from assessment.monthly import months
from assessment.monthly.choices import RankClass, RankGroup

HEADERS = ["排名", "单位", "所属区", "考核工单", "核减", "响应率%", "解决率%", "满意率%", "综合得分", "上月得分",
           "环比", "上月排名", "类别", "点名", "更正", "被吹哨", "超时未报到", "平均星级", "双向考核得分"]


def _num(value):
    return None if value is None else float(value)


def ranking_workbook(month, group, cards):
    book = Workbook()
    sheet = book.active
    sheet.title = f"{RankGroup(group).label}排名"[:31]
    sheet.append([f"{months.label(month)} {RankGroup(group).label}接诉即办考核排名"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for c in cards:
        sheet.append([
            c.rank, c.unit.name, c.district.name if c.district_id and c.district_id != c.unit_id else "",
            c.assessed, c.excluded, _num(c.response_rate), _num(c.resolution_rate), _num(c.satisfaction_rate),
            _num(c.score), _num(c.prev_score), _num(c.score_change), c.prev_rank, RankClass(c.klass).label,
            "是" if c.called_out else "", "是" if c.corrected else "", c.whistle_calls, c.report_in_missed,
            _num(c.avg_stars), _num(c.two_way_score),
        ])
    sheet.column_dimensions["B"].width = 24
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
