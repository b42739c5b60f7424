"""The leader pages' charts in Chromium at 1440 and 390 px: every chart box is drawn (a canvas with something on it),
the page does not scroll sideways on a phone, no console error (CSP), and 导出PNG downloads a PNG with the chart's
background and title. Screenshots of each page at both sizes go to test-artifacts/screenshots/."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from assessment.models import HotspotAlert
from demodata.tickets import seed_demo_tickets
from demodata.users import DEMO_PASSWORD

from .phone import DESK, PHONE, assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PAGES = [("ranking", "/rankings/?group=street", 1), ("overview", "/rankings/overview/", 4),
         ("district-trend", "/rankings/units/110105/", 1)]
# how much of a chart's canvas is painted (not transparent, not the white background): 0..1
PAINTED = """canvas => {
  const context = canvas.getContext('2d');
  const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 0; i < data.length; i += 16) {
    if (data[i + 3] > 0 && !(data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) painted++;
  }
  return painted / (data.length / 16);
}"""


@pytest.fixture
def leader_data(demo_users):
    """The run command's demo data: two published months and the day's early warning (its rising clusters)."""
    call_command("load_catalog", verbosity=0)
    seed_demo_tickets(400)
    assert HotspotAlert.objects.filter(computed_on=timezone.localdate()).count() >= 4
    return demo_users


def log_in(browser, base, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    return context, page, problems


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1440", "390"])
def test_every_leader_chart_is_drawn_fits_and_exports_a_png(browser, live_server, leader_data, shots, viewport):
    context, page, problems = log_in(browser, live_server.url, viewport)
    for name, url, boxes in PAGES:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        charts = page.locator("[data-chart]")
        assert charts.count() == boxes, (name, charts.count())
        page.wait_for_function(f"document.querySelectorAll('.chart-drawn').length === {boxes}", timeout=15000)
        page.wait_for_timeout(800)  # the first frame's animation
        for index in range(boxes):
            box = charts.nth(index)
            canvas = box.locator("canvas").first
            assert canvas.count() == 1, (name, index)
            width = box.bounding_box()["width"]
            assert 0 < width <= viewport["width"], (name, index, width)
            assert canvas.evaluate(PAINTED) > 0.01, f"{name}: chart {index} looks empty"
        if viewport == PHONE:
            assert_fits(page, name)
        shots(page, f"leader-{name}-{viewport['width']}")
        if name == "overview":
            page.evaluate("window.scrollTo(0, 0)")
            with page.expect_download() as download:
                page.locator(".chart-export").first.click()
            assert download.value.suggested_filename.endswith("按派单目录工单量.png")
            image = Image.open(BytesIO(open(download.value.path(), "rb").read()))
            assert image.format == "PNG" and image.width >= 2 * 300
            rgb = image.convert("RGB")
            assert rgb.getpixel((2, 2)) == (255, 255, 255)  # white background, not transparent
            title_band = rgb.crop((rgb.width // 4, 0, rgb.width * 3 // 4, 70)).convert("L")
            assert sum(title_band.histogram()[:110]) > 200  # the title's dark characters
    context.close()
    assert problems == []
