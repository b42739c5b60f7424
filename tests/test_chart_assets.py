"""The vendored chart assets: the Beijing map's 16 districts are our directory's 16 districts, code for code, and the
chart pages load only files that exist under static/."""

import json
import re
from pathlib import Path

from django.template.loader import render_to_string

from dispatch.choices import UnitKind
from dispatch.models import Unit

STATIC = Path(__file__).resolve().parents[1] / "static"
BEIJING = STATIC / "vendor" / "echarts-4.9.0-map" / "beijing.json"


def test_the_map_names_every_district_of_the_directory_with_its_code(directory):
    features = json.loads(BEIJING.read_text(encoding="utf-8"))["features"]
    on_map = sorted((feature["id"], feature["properties"]["name"]) for feature in features)
    ours = sorted(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", "name"))
    assert len(ours) == 16
    assert on_map == ours


def test_the_chart_scripts_point_at_vendored_files():
    html = render_to_string("charts/scripts.html")
    paths = re.findall(r'(?:src|data-beijing)="/static/([^"]+)"', html)
    assert sorted(paths) == ["js/charts.js", "vendor/echarts-4.9.0-map/beijing.json",
                             "vendor/echarts-6.1.0/echarts.min.js"]
    for path in paths:
        assert (STATIC / path).stat().st_size > 1000, path
