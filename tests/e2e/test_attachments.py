"""A street worker on a phone completes an order with an on-site photo (the leaf asks for one) and sees its
thumbnail in the timeline; the desk shows the same. No console error (the CSP lets the thumbnails through)."""

import datetime as dt

import pytest
from django.utils import timezone

from attachments.models import Attachment
from hotline.services import handling, intake

from ..attachment_helpers import jpeg_bytes
from ..lifecycle_helpers import take_call
from .test_heating_story import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


@pytest.fixture
def handled(demo_users, directory, catalog):
    leaf = catalog["sanitation"]
    leaf.photo_required_to_complete = True
    leaf.save(update_fields=["photo_required_to_complete"])
    at = timezone.now() - dt.timedelta(hours=5)
    ticket = take_call(demo_users, directory, leaf, content="楼下垃圾堆放多日无人清理", now=at, then=intake.DISPATCH)
    handling.sign(demo_users["wangjing"], ticket.pk, now=at + dt.timedelta(hours=1))
    handling.contact_caller(demo_users["wangjing"], ticket.pk, "已电话联系，马上到现场", now=at + dt.timedelta(hours=2))
    return ticket


def watch_errors(page):
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_a_street_worker_completes_with_a_photo_from_the_phone(browser, live_server, handled, shots, tmp_path):
    page = as_user(browser, live_server, "wangjing")
    page.set_viewport_size(PHONE)
    problems = watch_errors(page)
    page.goto(f"{live_server.url}/tickets/{handled.pk}/")
    assert "办结须至少上传一张现场照片" in page.locator("#photo-needed").inner_text()
    photo_input = page.locator("#id_complete_photos")
    assert photo_input.get_attribute("capture") == "environment" and photo_input.get_attribute("accept") == "image/*"
    shots(page, "attach-before-complete-390")

    complete = page.get_by_role("form", name="办结")
    complete.get_by_label("告知诉求人方式").select_option(label="电话")
    told = timezone.localtime() - dt.timedelta(minutes=30)
    complete.get_by_label("告知时间").fill(told.strftime("%Y-%m-%dT%H:%M"))
    complete.get_by_label("告知诉求人的内容").fill("电话告知垃圾已清运")
    complete.get_by_label("办理结果（书面反馈热线）").fill("已组织清运，现场已清理干净")
    picture = tmp_path / "清理后.jpg"
    picture.write_bytes(jpeg_bytes(size=(1600, 1200), gps=True))
    photo_input.set_input_files(str(picture))
    complete.get_by_role("button", name="办结", exact=True).click()
    page.wait_for_load_state()

    assert "已办结" in page.locator("body").inner_text()
    attachment = Attachment.objects.get()
    thumb = page.locator(f'.timeline img[src="/attachments/{attachment.pk}/thumbnail/"]')
    thumb.scroll_into_view_if_needed()
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 320
    box = thumb.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # no sideways scrolling on the phone
    shots(page, "attach-timeline-390")

    page.set_viewport_size(DESK)
    page.reload()
    shots(page, "attach-timeline-1440")
    with page.expect_popup() as opened:
        page.locator(f'.timeline a[href="/attachments/{attachment.pk}/"]').click()
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 1600
    assert problems == []
    page.context.close()


def test_the_upload_card_on_the_desk(browser, live_server, handled, shots):
    page = as_user(browser, live_server, "wangjing")
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/tickets/{handled.pk}/")
    card = page.get_by_role("form", name="上传现场照片")
    assert card.locator('input[type="file"][multiple]').count() == 2
    shots(page, "attach-upload-card-1440")
    page.context.close()
