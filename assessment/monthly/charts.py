"""ECharts options of the leader pages, built from the rows the pages' tables show (selectors and
assessment/monthly/figures.py). Plain JSON (json_script); static/js/charts.js draws them, adds the page's font,
the PNG export and the map of Beijing. Numbers are floats rounded as the tables print them."""

from assessment.monthly.choices import RankClass
from assessment.monthly.figures import ALERT_PANELS, WEEK_LABELS

# one colour per class, as the badges in static/css/app.css (.klass-*)
CLASS_COLORS = {
    RankClass.ADVANCED: "#1e8449", RankClass.IMPROVING: "#1f5fa8", RankClass.RECTIFY: "#d68910",
    RankClass.GOVERNANCE: "#c0392b", RankClass.NONE: "#8a96a3",
}
SERIES_COLORS = ["#1f5fa8", "#1e8449", "#d68910", "#8e44ad"]
RISE_COLOR, WEEK_COLOR = "#c0392b", "#8fb3dd"


def number(value):
    return None if value is None else float(value)


def _title(text, subtext=""):
    return {"text": text, "subtext": subtext, "left": "center", "top": 4, "textStyle": {"fontSize": 15}}


def ranking_bars(cards, title):
    """Scores in rank order, one series per class (its colour and legend entry); the bar of a unit sits in its
    class's series, the others hold null there."""
    names = [card.unit.short_name or card.unit.name for card in cards]
    present = [klass for klass in RankClass if any(card.klass == klass for card in cards)]
    series = [{
        "name": klass.label if klass else "其他", "type": "bar", "stack": "score", "barMaxWidth": 28,
        "itemStyle": {"color": CLASS_COLORS[klass]},
        "data": [number(card.score) if card.klass == klass else None for card in cards],
    } for klass in present]
    many = len(cards) > 40
    option = {
        "title": _title(title, f"共{len(cards)}个单位，按排名先后"),
        "legend": {"top": 48, "data": [s["name"] for s in series]},
        "grid": {"left": 44, "right": 16, "top": 84, "bottom": 64 if many else 72, "containLabel": False},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "category", "data": names,
                  "axisLabel": {"rotate": 60, "interval": "auto" if many else 0, "fontSize": 11}},
        "yAxis": {"type": "value", "min": 0, "max": 100},  # the title names the figure
        "series": series,
    }
    if many:
        option["dataZoom"] = [{"type": "inside"}, {"type": "slider", "height": 16, "bottom": 6}]
    return option


def trend_lines(unit_name, rows):
    """The unit's score and three rates month by month (figures.trend_rows)."""
    labels = [row["label"] for row in rows]
    values = [float(row[key]) for row in rows for key in ("score", "response_rate", "resolution_rate",
                                                           "satisfaction_rate") if row[key] is not None]
    floor = max(0, int(min(values, default=0) // 10) * 10 - 10)  # changes of a few points stay visible
    measures = [("综合得分", "score"), ("响应率", "response_rate"), ("解决率", "resolution_rate"),
                ("满意率", "satisfaction_rate")]
    return {
        "title": _title(f"{unit_name}月度趋势", f"{labels[0]}至{labels[-1]}" if labels else "暂无考核成绩"),
        "legend": {"top": 48},
        "grid": {"left": 44, "right": 20, "top": 84, "bottom": 36},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {"type": "value", "min": floor, "max": 100, "name": "%/分"},
        "series": [{"name": name, "type": "line", "symbolSize": 7, "connectNulls": False,
                    "itemStyle": {"color": SERIES_COLORS[index]},
                    "data": [number(row[key]) for row in rows]}
                   for index, (name, key) in enumerate(measures)],
    }


def catalog_treemap(tree, title):
    """The month's volume by catalog, three levels (figures.catalog_tree): first level boxes, the second inside,
    a click goes down to the third."""
    return {
        "title": _title(title, "面积为工单量；点击进入下一级"),
        "tooltip": {"trigger": "item"},
        "series": [{
            "type": "treemap", "name": "全部", "data": tree, "top": 56, "bottom": 34, "left": 4, "right": 4,
            "leafDepth": 2, "roam": False, "visibleMin": 200,
            "breadcrumb": {"bottom": 4, "height": 20},
            "label": {"show": True, "formatter": "{b}\n{c}"},
            "upperLabel": {"show": True, "height": 22},
            "levels": [
                {"itemStyle": {"borderColor": "#ffffff", "borderWidth": 3, "gapWidth": 3}},
                {"itemStyle": {"borderColor": "#e3e7eb", "borderWidth": 2, "gapWidth": 1},
                 "colorSaturation": [0.35, 0.6]},
                {"colorSaturation": [0.3, 0.5], "itemStyle": {"borderColorSaturation": 0.6, "gapWidth": 1}},
            ],
        }],
    }


def district_map(rows, key, title, unit):
    """One figure (volume or score) of the 16 districts on the map of Beijing (figures.district_figures)."""
    values = [number(row[key]) for row in rows if row[key] is not None]
    high = max(values) if values else 1
    low = min(values) if key == "score" and values else 0
    colors = ["#fdeee6", "#e67e22", "#a93226"] if key == "volume" else ["#c0392b", "#f4d03f", "#1e8449"]
    return {
        "title": _title(title, unit),
        "tooltip": {"trigger": "item"},
        "visualMap": {"min": low, "max": high if high > low else low + 1, "calculable": False, "left": 8,
                      "bottom": 8, "itemWidth": 12, "itemHeight": 90, "text": ["高", "低"],
                      "inRange": {"color": colors}, "precision": 0 if key == "volume" else 1},
        "series": [{
            "type": "map", "map": "北京", "name": title, "top": 60, "bottom": 10, "left": "center",
            "label": {"show": True, "fontSize": 10, "color": "#333"}, "labelLayout": {"hideOverlap": True},
            "emphasis": {"label": {"show": True}},
            "data": [{"name": row["name"], "value": number(row[key])} for row in rows if row[key] is not None],
        }],
    }


def alert_multiples(rows, title):
    """七天一预警 as small multiples: one panel per alert, its five weeks as bars (the last 7 days red) and the
    weekly average of the 4 weeks before as a dashed line; the biggest ALERT_PANELS rises (the table lists all).
    charts.js lays the panels out by the box's width."""
    rows = rows[:ALERT_PANELS]
    option = {"title": [_title(title, "每格一个预警：前4周各周与近7天工单量，虚线为前4周周均")],
              "tooltip": {"trigger": "axis"}, "grid": [], "xAxis": [], "yAxis": [], "series": [],
              "panels": {"count": len(rows), "minWidth": 170, "rowHeight": 150, "top": 64}}
    for index, row in enumerate(rows):
        option["title"].append({"text": f"{row['street']} · {row['item']}", "subtext": f"×{row['ratio']}",
                                "textStyle": {"fontSize": 12}, "subtextStyle": {"fontSize": 11, "color": RISE_COLOR},
                                "itemGap": 2})
        option["grid"].append({})
        option["xAxis"].append({"type": "category", "gridIndex": index, "data": WEEK_LABELS,
                                "axisLabel": {"fontSize": 9, "interval": 0}})
        option["yAxis"].append({"type": "value", "gridIndex": index, "minInterval": 1,
                                "axisLabel": {"fontSize": 9}, "splitNumber": 3})
        option["series"].append({
            "type": "bar", "xAxisIndex": index, "yAxisIndex": index, "name": row["street"], "barWidth": "55%",
            "data": [{"value": count, "itemStyle": {"color": RISE_COLOR if week == 4 else WEEK_COLOR}}
                     for week, count in enumerate(row["weeks"])],
            "markLine": {"silent": True, "symbol": "none", "label": {"show": False},
                         "lineStyle": {"type": "dashed", "color": "#555"},
                         "data": [{"yAxis": number(row["weekly_avg"])}]},
        })
    return option
