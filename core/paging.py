"""Page lists of any length without counting every row: the count stops at COUNT_CAP ("共 10000+ 条")."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most COUNT_CAP + 1 rows; pages past the cap are not offered."""

    @cached_property
    def found(self):
        """Rows found, at most COUNT_CAP + 1 (one more than the cap says "more")."""
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @cached_property
    def count(self):
        return min(self.found, COUNT_CAP)

    @property
    def capped(self):
        return self.found > COUNT_CAP
