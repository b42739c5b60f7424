"""One filter, sort and page mechanism for every list of orders, on pages and in the API.

``TicketListFilter`` narrows a list a selector gives (the selector keeps its scope and its own order): status,
received and due date ranges, district, unit (lead or street, by name or code), catalog (first level, or any level
by code), tier, urgency, channel, overdue, repeat; ``sort`` orders by any column. The filters live in the URL
(a GET form), so a filtered list can be shared and saved (``SavedListFilter``)."""

import copy
import datetime as dt

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessment.clock.overdue import overdue_q
from dispatch.choices import Tier
from dispatch.models import CatalogItem, Unit
from dispatch.selectors import districts

from .choices import Channel, Status, Urgency
from .unit_fields import unit_picker

DATE_INPUT = forms.TextInput(attrs={"type": "date", "autocomplete": "off"})
YES_NO_ANY = [("", "不限"), ("true", "是"), ("false", "否")]
SORTS = (  # (column, URL name, label): every column a list table shows
    ("id", "number", "工单号"),
    ("received_at", "received", "受理时间"),
    ("district__code", "place", "事发地"),
    ("catalog_item__code", "catalog", "目录"),
    ("tier", "tier", "响应级别"),
    ("status", "status", "状态"),
    ("lead_unit__code", "unit", "承办单位"),
    ("due_at", "due", "办结时限"),
)
SORT_LABELS = {name: label for _, name, label in SORTS}


def parse_moment(text, *, end):
    """A local date (a whole day: ``end`` takes the next midnight, so the day is included) or an ISO date-time
    (taken as given); None when the text is neither."""
    text = (text or "").strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class MomentField(forms.CharField):
    def __init__(self, *, end, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        moment = parse_moment(value, end=self.end)
        if moment is None:
            raise forms.ValidationError("请输入日期（如 2026-11-01）或日期时间（如 2026-11-01T08:00）")
        return moment


class MomentFilter(django_filters.Filter):
    """received_from / received_to: a date or an ISO date-time; a date ``to`` includes its whole day."""

    field_class = MomentField

    def __init__(self, *, end, **kwargs):
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(lookup_expr="lt" if end else "gte", end=end, **kwargs)


class SortFilter(django_filters.OrderingFilter):
    """?sort=due or ?sort=-received: one column, then the id, so that pages never overlap."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        prefix = self.parent.prefix if self.parent else ""
        ordering = [_through(self.get_ordering_value(param), prefix) for param in value]
        return queryset.order_by(*ordering, "-pk" if value[0].startswith("-") else "pk")


def _through(ordering, prefix):
    """An order's column as the sort of rows that belong to orders ("-received_at" through "ticket__"). Those rows
    are few (running clocks, pending whistles), so they are sorted as an expression, which keeps the planner from
    walking the orders' own index backwards through a million orders to find them."""
    if not prefix:
        return ordering
    column = F(prefix + ordering.lstrip("-"))
    expression = Coalesce(column, column)
    return expression.desc() if ordering.startswith("-") else expression.asc()


class TicketListFilter(django_filters.FilterSet):
    prefix = ""  # the path from the listed rows to their order: "ticket__" for clocks, whistles (see ``over``)
    # One column of the order (or of the row's order through its foreign key): no row can repeat, so no DISTINCT,
    # which would sort every matching row whole before the page (a district's 17 000 open orders: 6 s).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label="状态", distinct=False,
                                                 widget=forms.CheckboxSelectMultiple)
    received_from = MomentFilter(field_name="received_at", end=False, label="受理日期起")
    received_to = MomentFilter(field_name="received_at", end=True, label="受理日期止")
    due_from = MomentFilter(field_name="due_at", end=False, label="办结时限起")
    due_to = MomentFilter(field_name="due_at", end=True, label="办结时限止")
    district = django_filters.ModelChoiceFilter(queryset=districts(), label="区", empty_label="全部区")
    unit = django_filters.CharFilter(method="filter_unit", label="承办单位或街乡镇",
                                     widget=unit_picker("any", name_only=True, placeholder="名称或代码，如 望京"))
    catalog1 = django_filters.ModelChoiceFilter(queryset=CatalogItem.objects.none(), method="filter_catalog1",
                                                field_name="catalog_item__parent__parent",
                                                label="一级目录", empty_label="全部目录")
    catalog = django_filters.CharFilter(method="filter_catalog", label="目录编码（任一级）")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="响应级别", empty_label="全部级别")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label="紧急程度", empty_label="全部")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="渠道", empty_label="全部渠道")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="超期",
                                           widget=forms.Select(choices=YES_NO_ANY))
    repeat = django_filters.BooleanFilter(field_name="repeat_of", lookup_expr="isnull", exclude=True,
                                          label="重复诉求", widget=forms.Select(choices=YES_NO_ANY))
    # API clients' exact codes (kept from the first API)
    street = django_filters.CharFilter(field_name="street__code", label="街乡镇代码")
    lead_unit = django_filters.CharFilter(field_name="lead_unit__code", label="主办单位代码")
    sort = SortFilter(fields=[(column, name) for column, name, _ in SORTS], field_labels=SORT_LABELS, label="排序")

    PAGE_FIELDS = ("status", "received_from", "received_to", "due_from", "due_to", "district", "unit", "catalog1",
                   "catalog", "tier", "urgency", "channel", "overdue", "repeat")

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self.filters["catalog1"].queryset = CatalogItem.objects.filter(version__is_current=True, level=1)

    @classmethod
    def over(cls, relation):
        """The same filters and sort for rows that each belong to one order (clocks, whistles, whistle calls):
        every field is reached through ``relation`` ("ticket", "whistle__ticket"), so the rows' own index and
        order drive the query and the order's columns are joined, not a subquery over every order."""
        prefix = f"{relation}__"
        subclass = type(f"{cls.__name__}Over{relation.title()}", (cls,), {"prefix": prefix})
        subclass.base_filters = copy.deepcopy(cls.base_filters)
        for name, filter_ in subclass.base_filters.items():
            if filter_.field_name and name != "sort":
                filter_.field_name = prefix + filter_.field_name
        return subclass

    def _q(self, **lookups):
        return Q(**{self.prefix + path: value for path, value in lookups.items()})

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        units = Unit.objects.filter(Q(code=value) | Q(name__contains=value) | Q(short_name=value))
        ids = list(units.values_list("pk", flat=True)[:50])
        return queryset.filter(self._q(lead_unit_id__in=ids) | self._q(street_id__in=ids))

    def filter_catalog1(self, queryset, name, item):
        return self._within_catalog(queryset, item.code)

    def filter_catalog(self, queryset, name, value):
        return self._within_catalog(queryset, value.strip())

    def _within_catalog(self, queryset, code):
        """Orders filed under the catalog entry ``code`` or below it (any catalog version). The entries are looked
        up first: an IN list of ids is what the planner can estimate (through the tree's joins it guessed one
        leaf where a first level has a hundred, and walked 600 000 orders to find 8 000 running clocks)."""
        items = CatalogItem.objects.filter(Q(code=code) | Q(parent__code=code) | Q(parent__parent__code=code))
        return queryset.filter(self._q(catalog_item_id__in=list(items.values_list("pk", flat=True))))

    def filter_overdue(self, queryset, name, value):
        late = overdue_q(self.now, due=f"{self.prefix}due_at", done=f"{self.prefix}completed_at")
        return queryset.filter(late) if value else queryset.exclude(late)

    @property
    def kept_params(self):
        """The list's own parameters the filter form carries along: its tab and its sort."""
        data = self.data or {}
        return [(key, data.get(key)) for key in ("tab", "sort") if data.get(key)]

    @property
    def page_fields(self):
        """The form's fields a page shows (the API's code filters and the sort are not among them)."""
        return [self.form[name] for name in self.PAGE_FIELDS]

    @property
    def active(self):
        """How many filters (not the sort) the list is narrowed by."""
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for name in self.PAGE_FIELDS if self.form.cleaned_data.get(name) not in (None, "", []))

    @property
    def searched(self):
        return bool((self.data or {}).get("q", "").strip())


def filtered(request, queryset, *, relation=None, now=None):
    """(the FilterSet bound to the request's GET, its filtered and sorted queryset). Invalid filters are left out
    of the list and shown beside their field (``filterset.errors``). ``relation``: the rows are not orders but
    belong to one (``TicketListFilter.over``)."""
    filter_class = TicketListFilter.over(relation) if relation else TicketListFilter
    filterset = filter_class(request.GET, queryset=queryset, now=now)
    return filterset, filterset.qs
