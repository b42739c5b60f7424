"""Page lists of any length without counting every row: the count stops at COUNT_CAP ("共 10000+ 条"), or at a
list's own lower cap (a word search's WORD_COUNT_CAP, hotline/text_search.py)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most ``cap`` + 1 rows (COUNT_CAP unless given); pages past the cap are not
    offered.

    ``floor``: a cheaper queryset of rows that are all in the list (a district's orders at its addresses, found by
    one column where the list tests each order): when it alone passes the cap, the list is counted as "more"
    without testing its rows. ``counted``: the same rows as ``object_list``, in a query cheaper to count (a word
    search finds a page's rows and the count's cap of them by different routes). ``found`` may be set beforehand
    by a caller who already knows it (a short page, or every row up to the cap read in one query)."""

    def __init__(self, object_list, per_page, *, floor=None, counted=None, cap=None, **options):
        super().__init__(object_list, per_page, **options)
        self.floor = floor
        self.counted = object_list if counted is None else counted
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def found(self):
        """Rows found, at most cap + 1 (one more than the cap says "more")."""
        if self.floor is not None and _capped_count(self.floor, self.cap) > self.cap:
            return self.cap + 1
        return _capped_count(self.counted, self.cap)

    @cached_property
    def count(self):
        return min(self.found, self.cap)

    @property
    def capped(self):
        return self.found > self.cap


def _capped_count(queryset, cap):
    return queryset.order_by().values("pk")[: cap + 1].count()


def page_number(page, per_page, cap=None):
    """The page a request asks for (``?page=``) as a number within the pages a capped list can offer (``cap``:
    COUNT_CAP unless given): 1 when it is not a number. Past the list's last page the paginator still serves its
    last page."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), -(-(COUNT_CAP if cap is None else cap) // per_page))
