"""The topic pages' forms: they parse; topics/services.py decides (its errors land beside these fields)."""

from django import forms

from attachments.forms import photos_field
from hotline.forms import needed
from hotline.unit_fields import UnitPickerField

DATE = {"data-picker": "date", "autocomplete": "off", "placeholder": "如 2027-03-31"}


class TopicForm(forms.Form):
    """选题: one of the month's top problems becomes a topic."""

    catalog_items = forms.CharField(widget=forms.HiddenInput)  # the picked leaf's id (or several, comma-separated)
    title = needed(forms.CharField(label="题目", required=False, max_length=200))
    goal = needed(forms.CharField(label="治理目标", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3})))
    lead_unit = needed(UnitPickerField(label="牵头单位", scope="dispatch", placeholder="输入名称或代码，如 城管执法局"))
    streets = needed(UnitPickerField(label="涉及街乡镇", scope="street", multiple=True,
                                     placeholder="多个用顿号分隔，如 望京街道、酒仙桥街道"))
    deadline = needed(forms.DateField(label="完成时限", required=False, widget=forms.TextInput(attrs=DATE),
                                      error_messages={"invalid": "日期格式应为 YYYY-MM-DD，例如 2027-03-31"}))

    def clean_catalog_items(self):
        parts = [p.strip() for p in self.cleaned_data["catalog_items"].split(",") if p.strip()]
        if not parts or not all(p.isdigit() and len(p) < 19 for p in parts):
            raise forms.ValidationError("请选择派单目录中的三级事项")
        return [int(p) for p in parts]


class ReportForm(forms.Form):
    text = needed(forms.CharField(label="进展情况", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3})))
    photos = photos_field("现场照片（可不传）")


class CloseForm(forms.Form):
    summary = needed(forms.CharField(label="结题总结", required=False, max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 4})))
