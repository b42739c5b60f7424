"""Page lists of any length without counting every row: the count stops at COUNT_CAP ("共 10000+ 条")."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most COUNT_CAP + 1 rows; pages past the cap are not offered.

    ``floor``: a cheaper queryset of rows that are all in the list (a district's orders at its addresses, found by
    one column where the list tests each order): when it alone passes the cap, the list is counted as "more"
    without testing its rows."""

    def __init__(self, object_list, per_page, *, floor=None, **options):
        super().__init__(object_list, per_page, **options)
        self.floor = floor

    @cached_property
    def found(self):
        """Rows found, at most COUNT_CAP + 1 (one more than the cap says "more")."""
        if self.floor is not None and _capped_count(self.floor) > COUNT_CAP:
            return COUNT_CAP + 1
        return _capped_count(self.object_list)

    @cached_property
    def count(self):
        return min(self.found, COUNT_CAP)

    @property
    def capped(self):
        return self.found > COUNT_CAP


def _capped_count(queryset):
    return queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
