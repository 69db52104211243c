"""Upload and link checks for course content: uploads are checked by their content (core/uploads.py)."""

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.uploads import IMAGES, OFFICE, VIDEOS, UploadCheck

MB = 1024 * 1024

http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)

COVER_KINDS = IMAGES - {"gif"}
MATERIAL_KINDS = OFFICE | {"pdf", "zip", "jpg", "png", "mp3", "txt"}

validate_cover_upload = UploadCheck(allowed=COVER_KINDS, max_bytes=5 * MB)
validate_video_upload = UploadCheck(allowed=VIDEOS, max_bytes=500 * MB)
validate_material_upload = UploadCheck(allowed=MATERIAL_KINDS, max_bytes=50 * MB)
