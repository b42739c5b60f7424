"""Where attachments live: the filesystem under var/ by default, S3-compatible storage when the bucket is set, and
compose runs MinIO for it. Read the way an operator meets them: a process started with a given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from .attachment_helpers import photo

ROOT = Path(__file__).resolve().parents[1]
PRINT_STORAGE = ("import json, django; django.setup(); from django.core.files.storage import storages;"
                 "s = storages['default'];"
                 "print(json.dumps([type(s).__module__ + '.' + type(s).__name__,"
                 " str(getattr(s, 'location', '')), getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', '')]))")


def storage_in(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "ATTACHMENTS_DIR"}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 60, DEBUG="0")
    result = subprocess.run([sys.executable, "-c", PRINT_STORAGE], cwd=ROOT, env=clean, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_attachments_are_files_under_var(tmp_path):
    backend, location, _, _ = storage_in(VAR_DIR=str(tmp_path))
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"
    assert location == str(tmp_path / "attachments")


def test_with_a_bucket_attachments_go_to_s3_compatible_storage():
    backend, _, bucket, endpoint = storage_in(AWS_STORAGE_BUCKET_NAME="hotline-attachments",
                                              AWS_S3_ENDPOINT_URL="http://minio:9000",
                                              AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s")
    assert backend == "storages.backends.s3.S3Storage"
    assert (bucket, endpoint) == ("hotline-attachments", "http://minio:9000")


def test_compose_gives_the_app_a_private_minio_bucket():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "minio" in services and "minio-bucket" in services
    env = services["web"]["environment"]
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000" and env["AWS_STORAGE_BUCKET_NAME"]
    assert "mc anonymous set none" in services["minio-bucket"]["entrypoint"]


S3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
    "bucket_name": "hotline-attachments", "region_name": "us-east-1", "access_key": "test", "secret_key": "test",
    "default_acl": "private", "file_overwrite": False}}


@pytest.mark.django_db
def test_a_photo_goes_to_the_bucket_and_streams_back_through_the_check(client, users, directory, catalog):
    """The same upload and download on S3 (moto stands in for MinIO): nothing lands on disk, the file streams."""
    import boto3

    from attachments.models import Attachment
    from hotline.services import handling, intake

    from .lifecycle_helpers import take_call
    from .page_helpers import login

    with mock_aws(), override_settings(STORAGES={**storages.backends, "default": S3}):  # Django resets the storages
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="hotline-attachments")
        ticket = take_call(users, directory, catalog["sanitation"], then=intake.DISPATCH)
        handling.sign(users["wangjing"], ticket.pk)
        handling.contact_caller(users["wangjing"], ticket.pk, "已到现场", photos=[photo()])
        attachment = Attachment.objects.get()
        keys = [o["Key"] for o in boto3.client("s3", region_name="us-east-1").list_objects_v2(
            Bucket="hotline-attachments")["Contents"]]
        assert sorted(keys) == sorted([attachment.file.name, attachment.thumbnail.name])
        response = login(client, users["wangjing"]).get(reverse("attachments:file", args=[attachment.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
        assert login(client, users["chengguan"]).get(
            reverse("attachments:file", args=[attachment.pk])).status_code == 404
