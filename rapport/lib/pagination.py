from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q


def paginate(request, queryset, per_page: int | None = None):
    """The page of `queryset` asked for by ?page=N (a bad number gives the nearest valid page)."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


# Counting stops here: "more than 1,000" costs the same in a register of 1,000 or 100,000.
COUNT_CAP = 1000


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list: links carry the first or last row's id
    (?before=ID, ?after=ID, ?page=last), so the last page costs what the first does."""

    object_list: list
    has_next: bool = False
    has_previous: bool = False
    next_after: int | None = None
    previous_before: int | None = None
    count: int = 0  # capped at COUNT_CAP + 1
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def count_text(self) -> str:
        return f"more than {COUNT_CAP:,}" if self.count > COUNT_CAP else f"{self.count:,}"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def keyset_page(request, queryset, *, sort: str, per_page: int | None = None) -> KeysetPage:
    """The page of `queryset` asked for by ?after=ID, ?before=ID or ?page=last, in the order of
    its annotation `sort` then pk. Every page is one indexed range and LIMIT, plus a count that
    stops at COUNT_CAP; an id not in the list (deleted, or foreign) gives the first page."""
    per_page = per_page or settings.PAGE_SIZE
    after, before = _int(request.GET.get("after")), _int(request.GET.get("before"))
    anchor_id = after if after is not None else before
    anchor = None
    if anchor_id is not None:
        anchor = queryset.filter(pk=anchor_id).values_list(sort, flat=True).first()
        if anchor is None:
            after = before = None
    if before is not None:
        rows = list(
            queryset.filter(**{f"{sort}__lte": anchor})  # the range an index can start from
            .filter(Q(**{f"{sort}__lt": anchor}) | Q(pk__lt=before))
            .order_by(f"-{sort}", "-pk")[: per_page + 1]
        )
        has_previous, has_next = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
    elif after is None and request.GET.get("page") == "last":
        rows = list(queryset.order_by(f"-{sort}", "-pk")[: per_page + 1])
        has_previous, has_next = len(rows) > per_page, False
        rows = rows[:per_page][::-1]
    else:
        if after is not None:
            queryset_after = queryset.filter(**{f"{sort}__gte": anchor}).filter(
                Q(**{f"{sort}__gt": anchor}) | Q(pk__gt=after)
            )
        else:
            queryset_after = queryset
        rows = list(queryset_after.order_by(sort, "pk")[: per_page + 1])
        has_previous, has_next = after is not None, len(rows) > per_page
        rows = rows[:per_page]
    return KeysetPage(
        object_list=rows,
        has_next=has_next and bool(rows),
        has_previous=has_previous and bool(rows),
        next_after=rows[-1].pk if rows else None,
        previous_before=rows[0].pk if rows else None,
        count=queryset.order_by()[: COUNT_CAP + 1].count(),
    )
