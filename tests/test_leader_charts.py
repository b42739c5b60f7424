"""The leader pages' charts: each chart's JSON (json_script) carries the selectors' figures, the table beside it is in
the page without any script, and the queries per page are fixed."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from assessment.models import MonthClose, Scorecard
from assessment.monthly import figures, selectors
from assessment.monthly.charts import CLASS_COLORS
from assessment.monthly.hotspots import detect_rises, latest_alerts
from assessment.monthly.month_close import close_month
from hotline.models import Ticket

from .assessment_helpers import BJ, NOV, OCT, make_order
from .page_helpers import login


def chart_json(body, element_id):
    """The option a page hands to charts.js: the json_script element named by a chart box's data-chart."""
    assert f'data-chart="{element_id}"' in body, element_id
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(found.group(1))


def table_cells(body, css_class):
    """The text of every cell of the table with ``css_class``, row by row (the server's HTML, no script run)."""
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', body, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in rows[1:]]


@pytest.fixture
def two_months(demo_users, directory, catalog):
    """October and November closed: 望京 good then worse, 建外 worse then good, 东华门 in October only."""
    users, item = demo_users, catalog["sanitation"]
    wangjing, jianwai, donghuamen = directory["110105026"], directory["110105001"], directory["110101001"]
    for _ in range(3):
        make_order(users, wangjing, item)
    make_order(users, jianwai, item, in_time=False, resolved=False, satisfaction="unsatisfied")
    make_order(users, jianwai, item)
    make_order(users, donghuamen, item, satisfaction="basic")
    make_order(users, wangjing, catalog["policy"], month=11, resolved=False, satisfaction="basic")
    make_order(users, wangjing, item, month=11)
    make_order(users, jianwai, item, month=11)
    close_month(OCT, freeze=True, now=dt.datetime(2026, 11, 2, tzinfo=BJ))
    close_month(NOV, freeze=True, now=dt.datetime(2026, 12, 2, tzinfo=BJ))
    return users


def test_the_ranking_chart_is_the_ranking_coloured_by_class(client, two_months, django_assert_num_queries):
    login(client, two_months["leader"])
    url = reverse("assessment:rankings")
    # session, user, months, districts, rows, call-outs, the header's unit and its unread count: the chart adds none
    with django_assert_num_queries(8):
        body = client.get(url, {"month": "2026-10", "group": "street"}).content.decode()
    cards = selectors.ranking(two_months["leader"], OCT, "street")
    option = chart_json(body, "ranking-chart")
    assert option["xAxis"]["data"] == [card.unit.short_name for card in cards] == ["望京", "东华门", "建外"]
    for index, card in enumerate(cards):
        holding = [s for s in option["series"] if s["data"][index] is not None]
        assert len(holding) == 1 and holding[0]["data"][index] == float(card.score)
        assert holding[0]["itemStyle"]["color"] == CLASS_COLORS[card.klass]
    assert option["title"]["text"] == "2026年10月街乡镇综合得分"
    assert body.index('data-chart="ranking-chart"') < body.index("<caption class=\"sr-only\">排名表</caption>")
    assert "vendor/echarts-6.1.0/echarts.min.js" in body and "js/charts.js" in body


def test_the_trend_chart_and_table_hold_the_units_scorecards(client, two_months, django_assert_num_queries):
    login(client, two_months["leader"])
    url = reverse("assessment:unit", args=["110105026"])
    client.get(url, {"month": "2026-11"})
    # session, user, unit, months, scorecard, corrections, trend, the orders behind (2), header unit, unread
    with django_assert_num_queries(11):
        body = client.get(url, {"month": "2026-11"}).content.decode()
    cards = list(Scorecard.objects.filter(unit__code="110105026").order_by("month"))
    assert [c.month for c in cards] == [OCT, NOV] and cards[1].score < cards[0].score
    option = chart_json(body, "trend-chart")
    assert option["xAxis"]["data"] == ["2026-10", "2026-11"]
    by_name = {s["name"]: s["data"] for s in option["series"]}
    assert by_name["综合得分"] == [float(c.score) for c in cards]
    assert by_name["解决率"] == [float(c.resolution_rate) for c in cards]
    assert by_name["满意率"] == [float(c.satisfaction_rate) for c in cards]
    assert table_cells(body, "trend-table") == [
        [f"{c.month:%Y-%m}", str(c.assessed), f"{c.response_rate}%", f"{c.resolution_rate}%",
         f"{c.satisfaction_rate}%", str(c.score)] for c in cards]


def test_the_ranking_shows_the_change_on_the_month_before(client, two_months):
    login(client, two_months["leader"])
    cards = {c.unit.code: c for c in selectors.ranking(two_months["leader"], NOV, "street")}
    wangjing = cards["110105026"]
    assert wangjing.prev_score == Scorecard.objects.get(unit__code="110105026", month=OCT).score
    body = client.get(reverse("assessment:rankings"), {"month": "2026-11", "group": "street"}).content.decode()
    assert f"<td>{wangjing.score_change}</td>" in body  # 环比: a figure, not a dash


def test_the_overview_charts_carry_the_month_summary_and_the_district_scorecards(client, two_months,
                                                                                 django_assert_num_queries):
    login(client, two_months["leader"])
    url = reverse("assessment:overview")
    client.get(url, {"month": "2026-10"})
    # session, user, months, the month's close, the last alert day, the districts, their scorecards, header (2)
    with django_assert_num_queries(9):
        body = client.get(url, {"month": "2026-10"}).content.decode()
    summary = MonthClose.objects.get(month=OCT).summary
    assert summary["by_catalog"] == [["城乡建设", "市容环境", "环境卫生", 6]]

    tree = chart_json(body, "catalog-chart")["series"][0]["data"]
    assert tree == [{"name": "城乡建设", "value": 6, "children": [
        {"name": "市容环境", "value": 6, "children": [{"name": "环境卫生", "value": 6}]}]}]
    assert table_cells(body, "catalog-table") == [["城乡建设", "", "6"], ["", "市容环境", "6"]]

    volume = {d["name"]: d["value"] for d in chart_json(body, "volume-map")["series"][0]["data"]}
    assert volume == {name: float(n) for name, n in summary["by_district"]} | {
        name: 0.0 for name in ("西城区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区", "通州区", "顺义区",
                               "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区")}
    assert volume["朝阳区"] == 5 and volume["东城区"] == 1 and len(volume) == 16
    scores = {d["name"]: d["value"] for d in chart_json(body, "score-map")["series"][0]["data"]}
    district_cards = Scorecard.objects.filter(month=OCT, group="district").select_related("unit")
    assert scores == {card.unit.name: float(card.score) for card in district_cards}
    rows = {row[0]: row for row in table_cells(body, "district-table")}
    chaoyang = district_cards.get(unit__name="朝阳区")
    assert rows["朝阳区"][:4] == ["朝阳区", "5", str(chaoyang.score), str(chaoyang.rank)]
    assert rows["延庆区"][:3] == ["延庆区", "0", "—"]


def test_the_early_warning_panels_show_the_weeks_behind_each_alert(client, demo_users, directory, catalog):
    users, item, street = demo_users, catalog["sanitation"], directory["110105026"]
    base = {"channel": "phone", "caller_phone": "13800000000", "address": "x", "district": street.parent,
            "street": street, "content": "垃圾", "request_type": "complaint", "tier": "7d",
            "received_by": users["agent"], "catalog_item": item}
    times = ([dt.datetime(2026, 10, 30, 9, tzinfo=BJ)] * 8 + [dt.datetime(2026, 10, 10, 9, tzinfo=BJ)] * 3
             + [dt.datetime(2026, 10, 1, 9, tzinfo=BJ)])
    Ticket.objects.bulk_create(Ticket(received_at=t, **base) for t in times)
    alerts = detect_rises(dt.date(2026, 10, 31))
    assert len(alerts) == 1
    rows = figures.alert_weeks(dt.date(2026, 10, 31), latest_alerts()[1])
    # weeks end on 31 Oct: 27 Sep–3 Oct, 4–10 Oct, 11–17, 18–24, and the last 7 days 25–31 Oct
    assert rows[0]["weeks"] == [1, 3, 0, 0, 8] and rows[0]["weeks"][-1] == alerts[0].last7
    assert sum(rows[0]["weeks"][:4]) / 4 == float(alerts[0].weekly_avg)
    beyond = figures.alert_weeks(dt.date(2026, 10, 31), latest_alerts()[1], panels=0)  # past the charted ones
    assert beyond[0]["weeks"] is None and beyond[0]["last7"] == 8

    login(client, users["leader"])
    body = client.get(reverse("assessment:overview")).content.decode()
    option = chart_json(body, "alert-chart")
    assert option["panels"]["count"] == 1
    assert [bar["value"] for bar in option["series"][0]["data"]] == [1, 3, 0, 0, 8]
    assert option["series"][0]["markLine"]["data"] == [{"yAxis": float(alerts[0].weekly_avg)}]
    assert option["title"][1]["text"] == "望京街道 · 环境卫生"
    assert table_cells(body, "alert-table") == [["望京街道", "朝阳区", "环境卫生", "1", "3", "0", "0", "8",
                                                 str(alerts[0].weekly_avg), f"×{alerts[0].ratio}"]]


def test_a_month_without_the_three_levels_shows_its_first_level():
    tree = figures.catalog_tree({"by_category": [["城乡建设", 7], ["民政", 2]]})
    assert tree == [{"name": "城乡建设", "value": 7, "children": []}, {"name": "民政", "value": 2, "children": []}]


def test_a_page_without_charts_loads_no_chart_script(client, demo_users):
    login(client, demo_users["leader"])
    body = client.get(reverse("assessment:rankings")).content.decode()
    assert "尚无考核数据" in body and "echarts" not in body
