"""Photos and documents on an order: judged on their content, stripped of location, all or nothing with the
action they come with, and readable exactly by whoever may read the order."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from attachments.models import Attachment, Stage
from attachments.validation import check_document, check_photo
from core.errors import InvalidInput
from hotline.models import Ticket

from .attachment_helpers import big, docx, heic, jpeg_bytes, ole, pdf, photo, png, text_as_jpg
from .lifecycle_helpers import center, handling, intake, take_call
from .page_helpers import login

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def handled(users, directory, catalog):
    """A sanitation order at 望京, signed and the caller contacted: 望京 is handling it."""
    at = timezone.now() - 6 * HOUR
    ticket = take_call(users, directory, catalog["sanitation"], now=at, then=intake.DISPATCH)
    handling.sign(users["wangjing"], ticket.pk, now=at + HOUR)
    handling.contact_caller(users["wangjing"], ticket.pk, "已联系，约定上门", now=at + 2 * HOUR)
    return Ticket.objects.get(pk=ticket.pk)


def complete_form(**files):
    now = timezone.localtime()
    return {"result": "已清理完毕", "caller_feedback_method": "phone",
            "caller_told_at": (now - HOUR).strftime("%Y-%m-%dT%H:%M"), "caller_feedback": "电话告知已清理", **files}


def post_complete(client, ticket, **files):
    return client.post(reverse("hotline:ticket_action", args=[ticket.pk, "complete"]), complete_form(**files))


def stored_files():
    """Every file name under the storage's tickets/ folder (shared by the tests: compare before and after)."""
    names = []

    def walk(path):
        if not default_storage.exists(path):
            return
        folders, files = default_storage.listdir(path)
        names.extend(f"{path}/{f}" for f in files)
        for folder in folders:
            walk(f"{path}/{folder}")

    walk("tickets")
    return sorted(names)


# --- content, not names ------------------------------------------------------------------------------------------

def test_a_photo_loses_its_gps_and_camera_data_and_gets_a_thumbnail():
    original = Image.open(io.BytesIO(jpeg_bytes(size=(4000, 3000), gps=True)))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload does carry a location

    checked = check_photo(photo(size=(4000, 3000), gps=True))

    stored = Image.open(io.BytesIO(checked.content))
    assert stored.format == "JPEG" and max(stored.size) == 2048
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) and not stored.getexif()
    assert "exif" not in stored.info
    thumb = Image.open(io.BytesIO(checked.thumbnail))
    assert max(thumb.size) == 320


def test_a_png_with_transparency_is_stored_as_a_jpeg():
    checked = check_photo(png())
    assert Image.open(io.BytesIO(checked.content)).format == "JPEG" and checked.content_type == "image/jpeg"


def test_a_phones_heic_photo_is_accepted_and_stored_as_jpeg():
    checked = check_photo(heic())
    assert Image.open(io.BytesIO(checked.content)).format == "JPEG" and checked.original_name == "IMG_0001.HEIC"


def test_an_old_office_file_is_known_by_its_ole_signature_and_its_name():
    assert check_document(ole()).content_type == "application/msword"
    with pytest.raises(InvalidInput, match="不是可识别的"):
        check_document(ole("情况说明.exe"))
    with pytest.raises(InvalidInput, match="不是可识别的图片"):
        check_photo(pdf("照片.jpg"))  # a document in the photo field is no photo


@pytest.mark.parametrize("upload, message", [
    (text_as_jpg(), "不是可识别的图片"),
    (big(), "超过照片大小上限 10 MB"),
])
def test_a_bad_photo_is_refused_in_chinese_beside_the_field_and_the_order_stays_as_it_was(
        client, users, handled, upload, message):
    before, files = (handled.status, handled.events.count()), stored_files()
    response = post_complete(login(client, users["wangjing"]), handled, photos=[photo(), upload])
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="id_complete_photos_error"' in html
    handled.refresh_from_db()
    assert (handled.status, handled.events.count()) == before == ("in_progress", before[1])
    assert not Attachment.objects.exists() and stored_files() == files
    assert not handled.caller_feedbacks.exists()


def test_documents_are_recognised_by_their_content(client, users, handled):
    login(client, users["wangjing"])
    response = client.post(reverse("hotline:ticket_action", args=[handled.pk, "upload"]),
                           {"documents": [pdf(), docx()], "note": "整改材料"})
    assert response.status_code == 302
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    fake = client.post(reverse("hotline:ticket_action", args=[handled.pk, "upload"]),
                       {"documents": [text_as_jpg("报告.pdf")]})
    assert fake.status_code == 400 and "不是可识别的 PDF、Word、Excel、PowerPoint 文件" in fake.content.decode()
    assert Attachment.objects.count() == 2


def test_at_most_nine_files_go_in_one_upload(client, users, handled):
    response = login(client, users["wangjing"]).post(
        reverse("hotline:ticket_action", args=[handled.pk, "upload"]), {"photos": [photo() for _ in range(10)]})
    assert response.status_code == 400 and "一次最多上传 9 个文件，本次选择了 10 个" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_failure_after_the_files_were_stored_removes_them_with_the_rolled_back_rows(users, handled, monkeypatch):
    files = stored_files()

    def fail(rows):
        assert len(stored_files()) == len(files) + 2  # the photo and its thumbnail were written
        raise RuntimeError("数据库写入失败")

    monkeypatch.setattr(Attachment.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        handling.complete(users["wangjing"], handled.pk, result="已清理", caller_feedback_method="phone",
                          caller_told_at=timezone.now(), caller_feedback="已告知", photos=[photo()])
    assert stored_files() == files
    ticket = Ticket.objects.get(pk=handled.pk)
    assert ticket.status == "in_progress" and not ticket.events.filter(action="complete").exists()


# --- upload points and the timeline ------------------------------------------------------------------------------

def test_a_street_completes_with_a_photo_and_the_timeline_shows_its_thumbnail(client, users, handled):
    response = post_complete(login(client, users["wangjing"]), handled, photos=[photo("清理后.jpg", gps=True)])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.stage == Stage.COMPLETE and attachment.event.action == "complete"
    assert attachment.unit == users["wangjing"].unit and len(attachment.sha256) == 64
    html = client.get(reverse("hotline:ticket", args=[handled.pk])).content.decode()
    assert f'src="/attachments/{attachment.pk}/thumbnail/"' in html and f'href="/attachments/{attachment.pk}/"' in html
    image = client.get(f"/attachments/{attachment.pk}/")
    assert image["Content-Type"] == "image/jpeg" and image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Disposition"].startswith("inline")
    assert not Image.open(io.BytesIO(b"".join(image.streaming_content))).getexif()


def test_contact_carries_before_photos(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], then=intake.DISPATCH)
    handling.sign(users["wangjing"], ticket.pk)
    handling.contact_caller(users["wangjing"], ticket.pk, "已到现场", photos=[photo("清理前.jpg")])
    attachment = Attachment.objects.get()
    assert attachment.stage == Stage.CONTACT and attachment.event.action == "contact"


def test_the_agent_attaches_the_callers_photos_at_intake(client, users, directory, catalog):
    street = directory["110105026"]
    response = login(client, users["agent"]).post(reverse("hotline:intake"), {
        "caller_phone": "13812341234", "channel": "wechat", "district": street.parent_id, "street": street.name,
        "address": "花家地小区3号楼", "content": "楼下垃圾堆放多日", "request_type": "complaint", "urgency": "normal",
        "catalog_item": catalog["sanitation"].pk, "submit": "dispatch", "photos": [photo("市民拍摄.jpg")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    assert attachment.stage == Stage.INTAKE and attachment.event.action == "intake"
    assert attachment.ticket.lead_unit == street


def test_a_bad_photo_at_intake_records_no_order(client, users, directory, catalog):
    street = directory["110105026"]
    response = login(client, users["agent"]).post(reverse("hotline:intake"), {
        "caller_phone": "13812341234", "channel": "wechat", "district": street.parent_id, "street": street.name,
        "address": "花家地小区3号楼", "content": "楼下垃圾堆放多日", "request_type": "complaint", "urgency": "normal",
        "catalog_item": catalog["sanitation"].pk, "submit": "dispatch", "photos": [text_as_jpg()]})
    assert response.status_code == 400 and "不是可识别的图片" in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_only_a_unit_handling_the_order_may_upload(client, users, handled):
    assert login(client, users["chengguan"]).post(
        reverse("hotline:ticket_action", args=[handled.pk, "upload"]), {"photos": [photo()]}).status_code == 404
    assert login(client, users["dispatcher"]).post(
        reverse("hotline:ticket_action", args=[handled.pk, "upload"]), {"photos": [photo()]}).status_code == 403
    assert not Attachment.objects.exists()


# --- who may read a file ------------------------------------------------------------------------------------------

def test_a_file_is_visible_exactly_to_whoever_sees_the_order(client, users, handled):
    from attachments import services

    services.upload(users["wangjing"], handled.pk, photos=[photo()], documents=[pdf()])
    image, document = Attachment.objects.order_by("kind")  # document, photo
    image, document = (document, image) if image.kind == "document" else (image, document)
    urls = [f"/attachments/{image.pk}/", f"/attachments/{image.pk}/thumbnail/", f"/attachments/{document.pk}/"]
    for username in ("wangjing", "wangjing_leader", "dispatcher", "leader", "chaoyang", "chengguan", "heating",
                     "auditor", "agent"):
        login(client, users[username])
        page = client.get(reverse("hotline:ticket", args=[handled.pk])).status_code
        statuses = {client.get(url).status_code for url in urls}
        assert statuses == {page}, (username, page, statuses)
    assert client.get(f"/attachments/{document.pk}/thumbnail/").status_code == 404  # documents have none
    login(client, users["dispatcher"])
    response = client.get(f"/attachments/{document.pk}/")
    assert response["Content-Disposition"].startswith("attachment") and "filename" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]  # a PDF opened from here runs no script of this site
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the login page


def test_a_unit_whose_part_ended_does_not_see_the_next_units_photos(client, users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], then=intake.DISPATCH)
    handling.return_order(users["wangjing"], ticket.pk, "非本单位职责")
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory["D002"])
    handling.sign(users["chengguan"], ticket.pk)
    from attachments import services

    services.upload(users["chengguan"], ticket.pk, photos=[photo()])
    attachment = Attachment.objects.get()
    assert login(client, users["chengguan"]).get(f"/attachments/{attachment.pk}/").status_code == 200
    login(client, users["wangjing"])
    assert client.get(reverse("hotline:ticket", args=[ticket.pk])).status_code == 200  # its own records
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


# --- leaves that need an on-site photo ----------------------------------------------------------------------------

@pytest.fixture
def photo_leaf(catalog):
    leaf = catalog["sanitation"]
    leaf.photo_required_to_complete = True
    leaf.save(update_fields=["photo_required_to_complete"])
    return leaf


def test_a_photo_required_leaf_blocks_completion_without_one_and_says_so_before(client, users, photo_leaf, handled):
    login(client, users["wangjing"])
    page = client.get(reverse("hotline:ticket", args=[handled.pk])).content.decode()
    assert 'id="photo-needed"' in page and "办结须至少上传一张现场照片" in page
    response = post_complete(client, handled)
    assert response.status_code == 400
    assert "「环境卫生」类诉求办结时须至少上传一张现场照片" in response.content.decode()
    assert Ticket.objects.get(pk=handled.pk).status == "in_progress"
    assert post_complete(client, handled, photos=[photo()]).status_code == 302
    assert Ticket.objects.get(pk=handled.pk).status == "completed"


def test_a_photo_uploaded_while_handling_lets_the_completion_through(client, users, photo_leaf, handled):
    from attachments import services

    services.upload(users["wangjing"], handled.pk, photos=[photo("整改前.jpg")])
    login(client, users["wangjing"])
    assert 'id="photo-needed"' not in client.get(reverse("hotline:ticket", args=[handled.pk])).content.decode()
    assert post_complete(client, handled).status_code == 302


def test_the_callers_intake_photo_is_no_on_site_photo(users, directory, photo_leaf):
    street = directory["110105026"]
    ticket, _ = intake.take_call(
        users["agent"], channel="wechat", caller_phone="13812341234", address="花家地小区3号楼",
        district=street.parent, street=street, content="垃圾堆放", request_type="complaint",
        catalog_item=photo_leaf, then=intake.DISPATCH, photos=[photo("市民拍摄.jpg")])
    handling.sign(users["wangjing"], ticket.pk)
    handling.contact_caller(users["wangjing"], ticket.pk, "已联系")
    with pytest.raises(InvalidInput) as refused:
        handling.complete(users["wangjing"], ticket.pk, result="已清理", caller_feedback_method="phone",
                          caller_told_at=timezone.now(), caller_feedback="已告知")
    assert refused.value.field == "photos"


def test_the_ticket_page_query_count_does_not_grow_with_attachments(client, users, handled,
                                                                    django_assert_num_queries):
    from attachments import services

    login(client, users["wangjing"])
    url = reverse("hotline:ticket", args=[handled.pk])
    services.upload(users["wangjing"], handled.pk, photos=[photo()])
    client.get(url)
    # as tests/test_action_checks.py counts the page (the whistle form's ticks for the catalog's units included),
    # the attachments one query more, however many there are
    with django_assert_num_queries(23):
        assert client.get(url).status_code == 200
    services.upload(users["wangjing"], handled.pk, photos=[photo() for _ in range(4)], documents=[pdf(), docx()])
    with django_assert_num_queries(23):
        html = client.get(url).content.decode()
    assert html.count("/thumbnail/") == 5
