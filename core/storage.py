"""Media in an S3-compatible bucket (MinIO, a cloud bucket) when STORAGE_URL is set; see decision 0361.

`ObjectStorage` is django-storages' `S3Storage` with the platform's choices, so every file goes through
`default_storage` whether it is a local folder or a bucket:

- every object is private (no ACL is sent, `querystring_auth` on): the bucket answers 403 to anyone
  without a signature; a file leaves only through a view that authorized the request, which answers
  with a redirect to a short-lived signed URL (`signed_url`, core/files.py);
- `url()` is the platform's own media address (MEDIA_URL + name), exactly as with local files, so a
  page never holds a signed URL that expires while it is cached; the public folders
  (pdplatform/media.py) answer there with a fresh signed redirect;
- signed URLs may be made for another address than the one the servers use (`public_endpoint_url`:
  the browser reaches MinIO at http://localhost:9000 while the containers reach http://minio:9000);
- a store that does not answer fails fast (`connect_timeout`, two attempts), so an upload during an
  outage gets its clear message in seconds, not after minutes of retries.

`storage_settings(url)` turns STORAGE_URL (`s3://key:secret@host:port/bucket?region=…&secure=0`) into
the storage's OPTIONS; pdplatform/settings.py calls it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

# What a store that cannot be reached or refuses a request raises (with OSError for a local disk).
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)

_QUERY_OPTIONS = {
    "region": ("region_name", str),
    "expire": ("querystring_expire", int),
    "public_endpoint": ("public_endpoint_url", str),
    "addressing": ("addressing_style", str),
    "connect_timeout": ("connect_timeout", int),
}


def storage_settings(url: str) -> dict:
    """OPTIONS for ObjectStorage from `s3://key:secret@host:port/bucket?region=…&secure=0&expire=300
    &public_endpoint=http://localhost:9000` (key and secret percent-encoded)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname or not parts.path.strip("/"):
        raise ImproperlyConfigured("STORAGE_URL must look like s3://key:secret@host[:port]/bucket")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    secure = query.pop("secure", "1").lower() not in {"0", "false", "no", "off"}
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    options: dict = {
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
        "bucket_name": parts.path.strip("/"),
        "endpoint_url": f"{'https' if secure else 'http'}://{host}",
    }
    for name, value in query.items():
        if name not in _QUERY_OPTIONS:
            raise ImproperlyConfigured(f"STORAGE_URL: unknown option {name!r}")
        option, kind = _QUERY_OPTIONS[name]
        options[option] = kind(value)
    return options


def storage_origin(url: str) -> str:
    """The scheme://host[:port] browsers fetch signed URLs from (for the Content-Security-Policy)."""
    options = storage_settings(url)
    return options.get("public_endpoint_url") or options["endpoint_url"]


class ObjectStorage(S3Storage):
    # Private by default: no ACL on the objects, signed reads, never overwrite a stored object.
    default_acl = None
    querystring_auth = True
    querystring_expire = 300
    file_overwrite = False
    addressing_style = "path"  # MinIO and most S3-compatible stores; AWS accepts it too
    signature_version = "s3v4"
    public_endpoint_url = ""
    connect_timeout = 3

    def get_default_settings(self):
        defaults = super().get_default_settings()
        # The class attributes above win over django-storages' AWS_* fallbacks; OPTIONS win over both.
        for name in (
            "default_acl",
            "querystring_auth",
            "querystring_expire",
            "file_overwrite",
            "addressing_style",
            "signature_version",
        ):
            defaults[name] = getattr(type(self), name)
        defaults["region_name"] = defaults["region_name"] or "us-east-1"
        defaults["public_endpoint_url"] = type(self).public_endpoint_url
        defaults["connect_timeout"] = type(self).connect_timeout
        return defaults

    def __init__(self, **options):
        super().__init__(**options)
        self.client_config = Config(
            s3={"addressing_style": self.addressing_style},
            signature_version=self.signature_version,
            connect_timeout=self.connect_timeout,
            read_timeout=30,
            retries={"max_attempts": 2, "mode": "standard"},
        )
        self._signer = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The platform's media address, as for local files; only the public folders answer there."""
        return settings.MEDIA_URL + filepath_to_uri(self._normalize_name(name))

    def signed_url(self, name: str, *, response: dict[str, str], expire: int | None = None) -> str:
        """A GET URL for `name` valid `expire` seconds (querystring_expire by default); `response` sets
        the headers the store answers with (ResponseContentType, ResponseContentDisposition, …)."""
        if self._signer is None:
            session = self._create_session()
            self._signer = session.client(
                "s3",
                region_name=self.region_name,
                endpoint_url=self.public_endpoint_url or self.endpoint_url,
                config=self.client_config,
            )
        params = {"Bucket": self.bucket_name, "Key": self._normalize_name(name), **response}
        return self._signer.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expire or self.querystring_expire
        )


def is_object_storage(storage) -> bool:
    return hasattr(storage, "signed_url")
