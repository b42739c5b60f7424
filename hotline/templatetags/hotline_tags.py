"""Small helpers for the hotline pages."""

from urllib.parse import parse_qsl

from django import template
from django.utils.safestring import mark_safe

from core.permissions import role_may

from .. import row_html
from ..listing import SORT_LABELS, TicketListFilter
from ..services.common import ACTION_LABELS
from ..views.actions import ACTIONS, form_auto_id, form_context

register = template.Library()


@register.simple_tag(takes_context=True)
def action_form(context, action, obj_id=None):
    """The form for an action: the submitted one with its errors if it is this one, else an empty one."""
    bound_action, bound_obj, form = context.get("bound", (None, None, None))
    obj_id = obj_id or None  # a missing template variable arrives as ""
    if bound_action == action and bound_obj == obj_id:
        return form
    spec = ACTIONS[action]
    return spec.form(auto_id=form_auto_id(action, obj_id), **form_context(spec, context.get("ticket"),
                                                                          context.get("user")))


@register.simple_tag(takes_context=True)
def action_fields(context, form, action, key):
    """The form's fields, each through hotline/_field.html. A list repeats one unbound form row after row (督办 in
    each row), the same but for its element ids: its fields are rendered for the first row and given each later
    row's ids (half the time of a district's list of 99 orders went into rendering the same textarea 99 times)."""
    if form.is_bound or not key:
        return _fields_html(context, form)
    rendered = context.render_context.dicts[0].setdefault("action_fields", {})  # the whole page's, as {% include %}
    prefix = form_auto_id(action, key).removesuffix("%s")
    if action not in rendered:
        rendered[action] = (prefix, _fields_html(context, form))
    first_prefix, html = rendered[action]
    return mark_safe(html.replace(first_prefix, prefix))


def _fields_html(context, form):
    field_template = context.template.engine.get_template("hotline/_field.html")
    return mark_safe("".join(field_template.render(context.new({"field": field})) for field in form))


@register.simple_tag
def due(ticket):
    """The order's deadline, with a red badge once an open order is past it (hotline/row_html.py)."""
    return row_html.ticket_due_html(ticket)


@register.simple_tag
def countdown(clock, now=None):
    """A running clock's countdown (hotline/row_html.py)."""
    return row_html.countdown_html(clock, now)


@register.simple_tag
def dispatch_due(due_at):
    """When an order waiting for dispatch must be dispatched by; overdue in red once past."""
    return row_html.dispatch_due_html(due_at)


@register.simple_tag
def ticket_cells(ticket, select=False):
    """A list row's cells (hotline/row_html.py), built in Python: a list page shows up to 300 rows."""
    return row_html.ticket_cells(ticket, select)


@register.filter
def stars(value):
    value = value or 0
    return "★" * value + "☆" * (5 - value)


@register.filter
def widget(field):
    """The field's widget, tied to its error message for screen readers when there is one."""
    if field.errors:
        described = " ".join(filter(None, [f"{field.auto_id}_error", field.field.widget.attrs.get("aria-describedby")]))
        return field.as_widget(attrs={"aria-invalid": "true", "aria-describedby": described})
    return field.as_widget()


@register.filter
def may(user, action):
    """{% if user|may:"intake" %}: the role table, for menu entries."""
    return role_may(user, action)


@register.filter
def action_label(action):
    return ACTION_LABELS.get(action, action)


@register.filter
def person(user):
    """A person's display name; "系统" for what no person did (the SLA sweep, imported or generated history)."""
    if user is None:
        return "系统"
    return user.first_name or user.username


@register.inclusion_tag("hotline/_sort_header.html", takes_context=True)
def sort_header(context, name):
    """A list's column header that sorts by it (?sort=name, again for descending), keeping the filters."""
    current = context["request"].GET.get("sort", "")
    if current == name:
        state, next_sort = "ascending", f"-{name}"
    elif current == f"-{name}":
        state, next_sort = "descending", name
    else:
        state, next_sort = "none", name
    return {"request": context["request"], "label": SORT_LABELS[name], "state": state, "next_sort": next_sort}


LIST_PARAM_LABELS = {"q": "查找", "tab": "分类", **{name: f.label for name, f in TicketListFilter.base_filters.items()}}
LIST_VALUE_LABELS = {name: dict(f.extra["choices"]) for name, f in TicketListFilter.base_filters.items()
                     if "choices" in f.extra and not callable(f.extra["choices"])}
LIST_VALUE_LABELS.update(overdue={"true": "是", "false": "否"}, repeat={"true": "是", "false": "否"})


def _list_value(key, value):
    if key == "sort":
        name = value.removeprefix("-")
        return f"{SORT_LABELS.get(name, name)}{'（降序）' if value.startswith('-') else ''}"
    return LIST_VALUE_LABELS.get(key, {}).get(value, value)


@register.filter
def list_query(query):
    """A list's query string as people read it: 承办单位或街乡镇：望京；紧急程度：较急；排序：办结时限（降序）."""
    pairs = parse_qsl(query or "", keep_blank_values=False)
    return "；".join(f"{LIST_PARAM_LABELS.get(key, key)}：{_list_value(key, value)}" for key, value in pairs)
