"""Pages of a list whose count never grows with the table.

Counting every match of a broad search over years of notices costs as much as
finding them all, and nobody reads page 200: a list counts at most ``limit``
items and offers at most ``limit / per_page`` pages, saying when there are more
so people know to narrow it. Every long list in the portal pages through this.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Fifty pages of twenty.
LIMIT = 1000


class BoundedPaginator(Paginator):
    """A ``Paginator`` over at most ``limit`` items; ``more`` says whether there are others.

    One query counts them, itself stopped at ``limit + 1`` rows. When there are
    more, ``over_limit(object_list, limit)``, if given, is what is paged instead:
    a narrower list that is cheaper to sort
    (``opportunities.queries.ranked_among_newest``).
    """

    def __init__(self, object_list, per_page, *, limit=None, over_limit=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = LIMIT if limit is None else limit
        self.over_limit = over_limit

    @cached_property
    def _counted(self):
        # Unordered and only the keys: counting needs neither the sort nor the
        # annotations (a search's rank), which would make it rank every match.
        counted = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        # Counting comes before any page is sliced (Paginator.validate_number).
        if counted > self.limit and self.over_limit is not None:
            self.object_list = self.over_limit(self.object_list, self.limit)
        return counted

    @cached_property
    def count(self):
        return min(self._counted, self.limit)

    @cached_property
    def more(self):
        """Whether more than ``limit`` items match: only the first ``limit`` are paged."""
        return self._counted > self.limit
