"""A picker for choices that come from a register that may hold tens of thousands of rows.

With few choices it is a plain <select> (works without JavaScript). With many, the page gets the
chosen option only, and a search box above the list asks `search_url` for the options matching
what is typed (htmx swaps them into the list). The page's size no longer grows with the register.
"""

from django import forms
from django.utils.html import format_html

# Up to this many choices, every one is on the page.
SHORT_LIST = 50
# A search answers with at most this many matches.
SEARCH_LIMIT = 30


def options_html(choices) -> str:
    """<option>s for (value, label) pairs: what a search endpoint answers."""
    return "".join(
        str(format_html('<option value="{}">{}</option>', v, label)) for v, label in choices
    )


class SearchSelect(forms.Select):
    """A <select> whose choices are a queryset (ModelChoiceField) searched by `search_url`."""

    def __init__(self, *, search_url: str, label: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.label = label
        self.is_long = False
        self._prepared = None
        self._head_cache = None

    def _head(self) -> list:
        """The first SHORT_LIST + 1 choices: one query, kept for the render that follows."""
        if self._head_cache is None:
            self._head_cache = list(self.choices.queryset[: SHORT_LIST + 1])
        return self._head_cache

    @property
    def has_choices(self) -> bool:
        return bool(self._head())

    def _small_choices(self, value):
        field = self.choices.field
        queryset = self.choices.queryset
        head = self._head()
        self.is_long = len(head) > SHORT_LIST
        if self.is_long:
            chosen = [v for v in value if v and str(v).isdigit()]
            head = list(queryset.filter(pk__in=chosen)) if chosen else []
        choices = [] if field.empty_label is None else [("", field.empty_label)]
        return choices + [(field.prepare_value(o), field.label_from_instance(o)) for o in head]

    def use_required_attribute(self, initial):
        # Select's own check reads the first choice by iterating the whole queryset; the first
        # choice is the placeholder exactly when the field has an empty label.
        has_placeholder = self.choices.field.empty_label is not None
        return forms.Widget.use_required_attribute(self, initial) and has_placeholder

    def optgroups(self, name, value, attrs=None):
        whole = self.choices
        self.choices = self._prepared if self._prepared is not None else self._small_choices(value)
        try:
            groups = super().optgroups(name, value, attrs)
        finally:
            self.choices = whole
        if self.is_long:
            # The search's matches go into this group (an empty <optgroup> shows its label only).
            groups.append(("Matches of your search", [], len(groups)))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        self._prepared = self._small_choices(self.format_value(value))
        if self.is_long:
            attrs["size"] = 8  # a list box: the matches show as soon as they arrive
        try:
            select = super().render(name, value, attrs, renderer)
        finally:
            self._prepared = None
        if not self.is_long:
            return select
        list_id = self.build_attrs(self.attrs, attrs).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" name="q" class="picker-search" id="{id}_search" '
            'autocomplete="off" placeholder="Type a few letters of a name" '
            'aria-label="Search: {label}" aria-controls="{id}" '
            'hx-get="{url}" hx-trigger="input changed delay:250ms, search" '
            'hx-target="#{id} optgroup:last-of-type" hx-swap="innerHTML" hx-sync="this:replace">',
            id=list_id,
            label=self.label or name.replace("_", " ").split("-")[-1],
            url=self.search_url,
        )
        return format_html('<div class="picker">{}{}</div>', search, select)


def use_search_select(field: forms.ModelChoiceField, search_url: str) -> None:
    """Turn a ModelChoiceField's drop-down into a SearchSelect asking `search_url`."""
    widget = SearchSelect(search_url=search_url, label=field.label or "", attrs=field.widget.attrs)
    widget.choices = field.choices
    field.widget = widget
