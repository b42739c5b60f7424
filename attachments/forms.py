"""Form fields for uploads: several files in one input; photos open the phone's camera (capture)."""

from django import forms

from .validation import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, MAX_FILES, MB, PHOTO_MAX_BYTES, PHOTO_TYPES

DOCUMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files (possibly empty); their content is judged by attachments/validation.py."""

    def __init__(self, *args, accept, capture=False, **kwargs):
        attrs = {"accept": accept, "multiple": True}
        if capture:
            attrs["capture"] = "environment"  # the back camera on phones
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def photos_field(label="现场照片", capture=True):
    return MultipleFileField(
        label=label, accept="image/*", capture=capture,
        help_text=f"可拍照或选图，{PHOTO_TYPES}，每张不超过 {PHOTO_MAX_BYTES // MB} MB，一次最多 {MAX_FILES} 个文件")


def documents_field(label="附件文件（可不传）"):
    return MultipleFileField(
        label=label, accept=DOCUMENT_ACCEPT,
        help_text=f"{DOCUMENT_TYPES}，每个不超过 {DOCUMENT_MAX_BYTES // MB} MB")
