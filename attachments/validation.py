"""What an uploaded file is, judged on its content (never its name or the browser's type), and what is stored.

Photos: Pillow must open and decode them (JPEG, PNG, WebP, HEIC/HEIF); they are re-encoded as JPEG, the longest
side at most PHOTO_MAX_SIDE, which drops every metadata block (EXIF with GPS, XMP, comments), and get a thumbnail.
Documents: PDF by its magic bytes, Word/Excel/PowerPoint as OOXML zips (docx/xlsx/pptx) or OLE files (doc/xls/ppt).
"""

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput

from .models import Kind

try:  # HEIC from phones, when the wheel with libheif is installed (requirements.txt pins it)
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover
    IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
else:
    register_heif_opener()
    IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB
MAX_FILES = 9  # per upload
PHOTO_MAX_SIDE = 2048
THUMB_SIDE = 320
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {"word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")}
OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
PHOTO_TYPES = "JPEG、PNG、WebP" + ("、HEIC" if "HEIF" in IMAGE_FORMATS else "")
DOCUMENT_TYPES = "PDF、Word、Excel、PowerPoint"


@dataclass
class Checked:
    """A file that passed: what to store (and its thumbnail for a photo)."""

    kind: str
    original_name: str
    content_type: str
    extension: str
    content: bytes
    thumbnail: bytes = b""

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


def check_uploads(photos=(), documents=(), *, photo_field="photos", document_field="documents"):
    """Every file checked before anything is stored: the first bad one is an InvalidInput naming its field."""
    count = len(photos) + len(documents)
    if count > MAX_FILES:
        field = photo_field if photos else document_field
        raise InvalidInput(f"一次最多上传 {MAX_FILES} 个文件，本次选择了 {count} 个", field=field)
    return ([check_photo(f, photo_field) for f in photos]
            + [check_document(f, document_field) for f in documents])


def _name(upload):
    return (getattr(upload, "name", "") or "未命名").rsplit("/", 1)[-1][-200:]


def _read(upload, limit, label, field):
    name = _name(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(f"「{name}」超过{label}大小上限 {limit // MB} MB（{size / MB:.1f} MB）", field=field)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"「{name}」超过{label}大小上限 {limit // MB} MB", field=field)
    if not data:
        raise InvalidInput(f"「{name}」是空文件", field=field)
    return name, data


def check_photo(upload, field="photos"):
    name, data = _read(upload, PHOTO_MAX_BYTES, "照片", field)
    refused = InvalidInput(f"「{name}」不是可识别的图片，照片只支持 {PHOTO_TYPES}", field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise refused
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(f"「{name}」像素过多（{image.width}×{image.height}），请缩小后再上传", field=field)
            image.load()
            image = ImageOps.exif_transpose(image)  # turn it as the camera meant, before the EXIF is dropped
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise refused from error
    stored = _rgb(_shrunk(image, PHOTO_MAX_SIDE))
    thumbnail = _shrunk(stored, THUMB_SIDE)  # from the stored size: a fraction of the original's pixels
    return Checked(Kind.PHOTO, name, "image/jpeg", "jpg", _jpeg(stored, 85), _jpeg(thumbnail, 75))


def _shrunk(image, side):
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    return copy


def _rgb(image):
    """Transparent parts on white; every other mode to plain RGB."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _jpeg(image, quality):
    """A fresh JPEG of the pixels only: no EXIF, XMP, ICC or comment is carried over."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def check_document(upload, field="documents"):
    name, data = _read(upload, DOCUMENT_MAX_BYTES, "文件", field)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    found = _document_type(data, extension)
    if found is None:
        raise InvalidInput(f"「{name}」不是可识别的 {DOCUMENT_TYPES} 文件（按文件内容判断，不看扩展名）", field=field)
    extension, content_type = found
    return Checked(Kind.DOCUMENT, name, content_type, extension, data)


def _document_type(data, extension):
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if data.startswith(OLE_MAGIC):  # the OLE container does not say which program wrote it; the name does
        return (extension, OLE[extension]) if extension in OLE else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for prefix, found in OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return found
    return None
