"""Form fields for choosing units with the picker (static/js/pickers.js): typed as a name, a short name, a code
or the picked「名称（区）」, cleaned into Unit objects (dispatch/unit_search.py reads the text)."""

from django import forms
from django.urls import reverse_lazy

from core.errors import InvalidInput
from dispatch.unit_search import unit_from_text, units_from_text


def unit_picker(scope, *, multiple=False, name_only=False, placeholder="输入名称或代码，如 望京"):
    """A text input the picker script turns into a searchable list of units of ``scope`` (with their district);
    ``name_only``: a pick writes the bare name (the page knows the district otherwise, or matches by name)."""
    attrs = {"data-unit-picker": scope, "data-search-url": reverse_lazy("hotline:unit_search"),
             "autocomplete": "off", "placeholder": placeholder, "maxlength": 300 if multiple else 120}
    if multiple:
        attrs["data-multiple"] = "true"
    if name_only:
        attrs["data-write"] = "name"
    return forms.TextInput(attrs=attrs)


class UnitPickerField(forms.CharField):
    """One unit (``multiple``: a list of units) of ``scope``; blank → None (or []); unknown or ambiguous → an
    error in Chinese beside the field."""

    def __init__(self, *, scope="dispatch", multiple=False, placeholder="输入名称或代码，如 望京", **kwargs):
        self.scope, self.multiple = scope, multiple
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300 if multiple else 120)
        super().__init__(widget=unit_picker(scope, multiple=multiple, placeholder=placeholder), **kwargs)

    def clean(self, value):
        text = super().clean(value)
        read = units_from_text if self.multiple else unit_from_text
        try:
            return read(text, field="", label=str(self.label).split("（")[0], scope=self.scope)
        except InvalidInput as error:
            raise forms.ValidationError(error.message, code="unknown_unit") from error
