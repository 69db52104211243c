"""STORAGE_URL: what it turns into (core/storage.py), what it refuses, and what settings make of it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.storage import ObjectStorage, storage_origin, storage_settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_minio_url_gives_the_storage_options():
    url = "s3://pdplatform:p%40ss%2Fword@minio:9000/pdplatform-media?secure=0&region=eu-1&expire=120&public_endpoint=http://localhost:9000"
    assert storage_settings(url) == {
        "access_key": "pdplatform",
        "secret_key": "p@ss/word",
        "bucket_name": "pdplatform-media",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-1",
        "querystring_expire": 120,
        "public_endpoint_url": "http://localhost:9000",
    }
    assert storage_origin(url) == "http://localhost:9000"


def test_a_cloud_url_is_https_and_the_storage_is_private_by_default():
    options = storage_settings("s3://KEY:SECRET@storage.example.org/media")
    assert options["endpoint_url"] == "https://storage.example.org"
    storage = ObjectStorage(**options)
    assert (storage.default_acl, storage.querystring_auth, storage.file_overwrite) == (None, True, False)
    assert (storage.querystring_expire, storage.region_name, storage.addressing_style) == (
        300,
        "us-east-1",
        "path",
    )
    assert storage.url("cohorts/submissions/a b.pdf") == "/media/cohorts/submissions/a%20b.pdf"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://KEY:SECRET@host/bucket", "STORAGE_URL must look like s3://key:secret@host[:port]/bucket"),
        ("s3://KEY:SECRET@host", "STORAGE_URL must look like s3://key:secret@host[:port]/bucket"),
        ("s3://KEY:SECRET@host/bucket?acl=public-read", "STORAGE_URL: unknown option 'acl'"),
    ],
)
def test_a_wrong_url_stops_the_start_with_what_is_wrong(url, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_settings(url)
    assert str(refused.value) == message


def test_settings_put_the_bucket_in_default_storage_and_its_origin_in_the_csp():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(json.dumps([s.STORAGES['default']['BACKEND'], d['img-src'][-1], d['media-src'][-1]]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pdplatform.settings",
        "STORAGE_URL": "s3://k:s@minio:9000/media?secure=0&public_endpoint=http://files.example.org:9000",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "core.storage.ObjectStorage",
        "http://files.example.org:9000",
        "http://files.example.org:9000",
    ]
