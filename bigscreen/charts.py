"""The big screen's ECharts options, built from the snapshot (the page's tables show the same snapshot)."""

GOLD, RED, GREEN, CYAN = "#f6c343", "#ff6b6b", "#3ddc97", "#4fc3f7"


def map_option(data):
    values = [row["value"] for row in data["map"]]
    return {
        "title": {"text": f"{data['scope']}今日受理分布", "left": 12, "top": 8, "textStyle": {"color": "#cfe3ff",
                                                                                       "fontSize": 18}},
        "tooltip": {"trigger": "item"},
        "toolbox": False,
        "visualMap": {"min": 0, "max": max(values + [1]), "left": 16, "bottom": 16, "calculable": False,
                      "text": ["多", "少"], "textStyle": {"color": "#cfe3ff"},
                      "inRange": {"color": ["#123a5e", "#1f6fb2", "#4fc3f7", GOLD]}},
        "series": [{"type": "map", "map": "北京", "roam": False, "name": "今日受理",
                    "layoutCenter": ["52%", "54%"], "layoutSize": "98%",
                    "label": {"show": True, "color": "#e8f1ff", "fontSize": 13},
                    "labelLayout": {"hideOverlap": True},
                    "itemStyle": {"borderColor": "#0b1a2e", "areaColor": "#123a5e"},
                    "emphasis": {"label": {"color": "#fff"}, "itemStyle": {"areaColor": GOLD}},
                    "data": data["map"]}],
    }


def problems_option(data):
    rows = list(reversed(data["top_problems"]))
    return {
        "title": {"text": "今日高发问题", "left": 12, "top": 8, "textStyle": {"color": "#cfe3ff", "fontSize": 18}},
        "tooltip": {"trigger": "axis"},
        "toolbox": False,
        "grid": {"left": 150, "right": 40, "top": 48, "bottom": 16},
        "xAxis": {"type": "value", "minInterval": 1, "axisLabel": {"color": "#8fb3d9"},
                  "splitLine": {"lineStyle": {"color": "#1c3454"}}},
        "yAxis": {"type": "category", "data": [r["item"] for r in rows],
                  "axisLabel": {"color": "#e8f1ff", "fontSize": 13, "width": 136, "overflow": "truncate"}},
        "series": [{"type": "bar", "name": "工单量", "data": [r["count"] for r in rows], "barMaxWidth": 26,
                    "itemStyle": {"color": CYAN},
                    "label": {"show": True, "position": "right", "color": "#e8f1ff"}}],
    }


def options(data):
    return {"map": map_option(data), "problems": problems_option(data)}
