"""常用筛选: a user saves a list's filters under a name, and deletes them."""

from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.urls import Resolver404, resolve

from core.errors import InvalidInput

from ..listing import TicketListFilter
from ..models import SavedListFilter

MAX_PER_LIST = 20
LIST_VIEWS = {"worklist", "dispatch_queue", "callback_queue", "search", "district_tickets", "deadlines"}
KEPT_KEYS = {"tab", "q", *TicketListFilter.base_filters}  # the page number is not part of a filter


def _list_path(path):
    try:
        match = resolve(path or "")
    except Resolver404:
        match = None
    if match is None or match.namespace != "hotline" or match.url_name not in LIST_VIEWS:
        raise InvalidInput("只能保存工单列表的筛选条件", field="list_path")
    return path


def save_filter(user, *, list_path, name, query):
    """Saves (or replaces, by name) the list's current filters; returns the SavedListFilter."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请为常用筛选起一个名称", field="name")
    if len(name) > 40:
        raise InvalidInput("名称不能超过40个字", field="name")
    list_path = _list_path(list_path)
    params = QueryDict(query or "")
    kept = urlencode([(key, value) for key in params for value in params.getlist(key) if key in KEPT_KEYS and value])
    if not kept:
        raise InvalidInput("当前列表没有筛选条件可保存", field="name")
    if len(kept) > 1000:
        raise InvalidInput("筛选条件过长，无法保存", field="name")
    with transaction.atomic():
        mine = SavedListFilter.objects.select_for_update().filter(user=user, list_path=list_path)
        existing = mine.filter(name=name).first()
        if existing is None and mine.count() >= MAX_PER_LIST:
            raise InvalidInput(f"每个列表最多保存{MAX_PER_LIST}个常用筛选，请先删除不用的", field="name")
        saved, _ = SavedListFilter.objects.update_or_create(user=user, list_path=list_path, name=name,
                                                            defaults={"query": kept})
    return saved


def delete_filter(user, saved_id):
    deleted, _ = SavedListFilter.objects.filter(user=user, pk=saved_id).delete()
    if not deleted:
        raise InvalidInput("该常用筛选不存在", field="saved")
