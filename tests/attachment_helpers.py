"""Files for the attachment tests, made on the spot: real photos (one with GPS in its EXIF), real documents, fakes."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageDraw

GPS_BEIJING = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (39.0, 59.0, 54.0),
               ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (116.0, 28.0, 12.0)}


def jpeg_bytes(size=(800, 600), color=(40, 120, 200), gps=False):
    image = Image.new("RGB", size, (200, 215, 225))  # a sky, a street and a green bin: something to look at
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=(110, 110, 115))
    draw.rectangle((width // 3, height // 3, width // 2, height * 5 // 6), fill=(30, 140, 70))
    draw.ellipse((width * 2 // 3, height // 10, width * 5 // 6, height // 3), fill=color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS_BEIJING)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def photo(name="现场.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def png(name="现场.png", size=(300, 200)):
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text_as_jpg(name="伪装.jpg"):
    """A text file that calls itself a JPEG (name and browser type)."""
    return SimpleUploadedFile(name, "这不是图片，只是文字".encode() * 20, content_type="image/jpeg")


def pdf(name="处理说明.pdf"):
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    return SimpleUploadedFile(name, body + b"trailer<</Root 1 0 R>>\n%%EOF\n", content_type="application/pdf")


def docx(name="整改报告.docx"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def big(name="超大.jpg", size=10 * 1024 * 1024 + 1):
    return SimpleUploadedFile(name, b"\xff\xd8\xff" + b"0" * (size - 3), content_type="image/jpeg")


def heic(name="IMG_0001.HEIC"):
    """A photo as an iPhone saves it (HEIC), written by pillow-heif."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 160, 90)).save(out, "HEIF")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/heic")


def ole(name="情况说明.doc"):
    """An old Word file: the OLE container's signature and some sectors."""
    return SimpleUploadedFile(name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, content_type="")
