"""Keyset (cursor) paging of the ticket API: any page a client can reach costs one index range read.

The order is newest first by (received_at, id), unique, so a cursor is the (received_at, id) of a page's edge row
and the next page is the rows strictly past it: no OFFSET, no row skipped or shown twice when many orders share a
receipt time. The count stops at COUNT_CAP ("10 000+")."""

import base64
import binascii
import datetime as dt

from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

OLDER, NEWER = "n", "p"  # a next cursor reads older rows, a previous cursor newer ones


def encode_cursor(direction, received_at, pk):
    return base64.urlsafe_b64encode(f"{direction}|{received_at.isoformat()}|{pk}".encode()).decode()


def decode_cursor(text):
    """(direction, received_at, pk); ValueError when the text is no cursor this API made."""
    try:
        direction, at, pk = base64.urlsafe_b64decode(text.encode("ascii")).decode().split("|")
        received_at, pk = dt.datetime.fromisoformat(at), int(pk)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise ValueError(text) from error
    if direction not in (OLDER, NEWER) or received_at.tzinfo is None:
        raise ValueError(text)
    return direction, received_at, pk


def _page_ids(queryset, ordering, limit):
    """The ids of a page, chosen first: sorting the scope's orders reads only their keys, not the joined units,
    leaf and the address-access test every row of the list carries (a street's 9 000 orders: each tested twice
    before the sort kept 51)."""
    return list(queryset.select_related(None).order_by(*ordering).values_list("pk", flat=True)[:limit])


class KeysetPagination(CursorPagination):
    """Newest first, 50 rows a page (``?limit=`` up to 200); ``next``/``previous`` are links with a cursor. The page's
    ids are chosen first; ``rows`` reads their rows (the view's ``page_rows`` when it has one: the list already
    holds only ids in scope), in that order."""

    ordering = ("-received_at", "-id")
    page_size, page_size_query_param, max_page_size, COUNT_CAP = 50, "limit", 200, 10_000
    invalid_cursor_message = "翻页游标无效：请使用上一次返回的 next 或 previous 链接"

    def paginate_queryset(self, queryset, request, view=None):
        if "offset" in request.query_params:
            raise ValidationError({"offset": ["不支持按偏移量翻页：请使用返回的 next / previous 链接"]})
        self.request, self.base_url, self.view = request, request.build_absolute_uri(), view
        self.page_size = self.get_page_size(request)
        text = request.query_params.get(self.cursor_query_param)
        try:
            direction, at, pk = decode_cursor(text) if text else (None, None, None)
        except ValueError:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if direction == NEWER:  # read upwards from the edge, then show newest first
            edge = queryset.filter(Q(received_at__gt=at) | Q(received_at=at, pk__gt=pk), received_at__gte=at)
            ids = _page_ids(edge, ("received_at", "id"), self.page_size + 1)
            more, self.page = len(ids) > self.page_size, self.rows(queryset, ids[: self.page_size][::-1])
            self.has_older, self.has_newer = True, more
        else:
            if direction == OLDER:
                queryset_page = queryset.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk),
                                                received_at__lte=at)
            else:
                queryset_page = queryset
            ids = _page_ids(queryset_page, self.ordering, self.page_size + 1)
            self.page = self.rows(queryset, ids[: self.page_size])
            self.has_older, self.has_newer = len(ids) > self.page_size, bool(text)
        counted = getattr(self.view, "capped_count", None)  # the view's cheaper count of the same rows
        self.count = (counted(queryset, self.COUNT_CAP) if counted else
                      queryset.order_by().values("pk")[: self.COUNT_CAP + 1].count())
        return self.page

    def rows(self, queryset, ids):
        if hasattr(self.view, "page_rows"):
            return self.view.page_rows(ids)
        by_id = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _link(self, direction, row):
        return replace_query_param(self.base_url, self.cursor_query_param,
                                   encode_cursor(direction, row.received_at, row.pk))

    def get_next_link(self):
        return self._link(OLDER, self.page[-1]) if self.has_older and self.page else None

    def get_previous_link(self):
        if not self.has_newer:
            return None
        if not self.page:  # a cursor past the end: back to the first page
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(NEWER, self.page[0])

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count"] = min(self.count, self.COUNT_CAP)
        response.data["count_is_exact"] = self.count <= self.COUNT_CAP
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"] = {"type": "integer", "description": f"至多{self.COUNT_CAP}"}
        schema["properties"]["count_is_exact"] = {"type": "boolean"}
        schema["required"] = [*schema.get("required", []), "count", "count_is_exact"]
        return schema
