"""The explorer's own controls: checkbox lists with all/none, unit tags, and a probe of the width the charts have.

Each control keeps the small interface the explorer (and its tests and benchmark) drive: `options` as
(label, value) pairs, `value` as a tuple of values, `description`. Values are never sent to the browser as
indices into a list that can change, which is what made ipywidgets' SelectMultiple fail in the browser with
"Error setting state: Cannot set properties of undefined (setting 'selected')": the kernel echoes a selection's
indices back as it receives them, before checking them, so a selection made while the kernel was narrowing the
list's options came back pointing past the end of the new, shorter list.
"""

from __future__ import annotations

import math

import anywidget
import ipywidgets as W
import traitlets

from analytics.config import resource

_COMPACT = {"description_width": "initial"}


class Choices(W.VBox):
    """A titled list of checkboxes with "all" and "none" buttons; `value` is the tuple of checked values, in the
    options' order. Setting `value` or `options` from Python updates the boxes without echoing back."""

    value = traitlets.Tuple()
    options = traitlets.List([])
    description = traitlets.Unicode()
    all_label = traitlets.Unicode("all")
    none_label = traitlets.Unicode("none")

    def __init__(self, **kwargs):
        self._title = W.Label(style={"font_weight": "bold"})
        self._all = W.Button(layout=W.Layout(width="auto", height="24px"))
        self._none = W.Button(layout=W.Layout(width="auto", height="24px"))
        self._boxes: list[W.Checkbox] = []
        self._list = W.Box(layout=W.Layout(flex_flow="row wrap", width="100%"))
        self._setting = False
        super().__init__([W.HBox([self._title, self._all, self._none], layout=W.Layout(align_items="center")),
                          self._list], layout=W.Layout(width="100%"))
        self.add_class("ca-choices")
        self._all.on_click(lambda _b: self._set_checked([v for _, v in self.options]))
        self._none.on_click(lambda _b: self._set_checked([]))
        for name, value in kwargs.items():
            setattr(self, name, value)
        self._relabel_buttons(None)

    @traitlets.observe("description")
    def _retitle(self, change) -> None:
        self._title.value = change["new"]

    @traitlets.observe("all_label", "none_label")
    def _relabel_buttons(self, _change) -> None:
        self._all.description, self._none.description = self.all_label, self.none_label

    @traitlets.observe("options")
    def _rebuild(self, change) -> None:
        old = [v for _, v in change["old"]] if isinstance(change["old"], list) else []
        new = [v for _, v in change["new"]]
        if old == new and len(self._boxes) == len(new):  # relabelled: the same boxes, new words
            for box, (text, _v) in zip(self._boxes, change["new"], strict=True):
                box.description = text
        else:
            chosen = set(self.value)
            self._boxes = [W.Checkbox(value=v in chosen, description=text, indent=False, style=_COMPACT,
                                      layout=W.Layout(width="auto", margin="0 12px 0 0"))
                           for text, v in change["new"]]
            for box in self._boxes:
                box.observe(self._on_box, names="value")
            self._list.children = self._boxes
        kept = tuple(v for v in self.value if v in set(new))
        if kept != self.value:
            self.value = kept

    @traitlets.validate("value")
    def _ordered(self, proposal) -> tuple:
        wanted = set(proposal["value"])
        return tuple(v for _, v in self.options if v in wanted)

    @traitlets.observe("value")
    def _tick(self, change) -> None:
        chosen = set(change["new"])
        self._setting = True
        try:
            for box, (_text, v) in zip(self._boxes, self.options, strict=True):
                box.value = v in chosen
        finally:
            self._setting = False

    def _on_box(self, _change) -> None:
        if not self._setting:
            self.value = tuple(v for box, (_t, v) in zip(self._boxes, self.options, strict=True) if box.value)

    def _set_checked(self, values: list) -> None:
        self.value = tuple(values)


class UnitTags(W.VBox):
    """Units as removable tags, added by typing a name or code (the browser offers matching units), with a "none"
    button and a "default" button (the explorer's default choice, e.g. the unit's children); `value` is the tuple
    of unit ids."""

    value = traitlets.Tuple()
    options = traitlets.List([])  # (label, unit id), every unit the tags may hold
    description = traitlets.Unicode()
    none_label = traitlets.Unicode("none")
    default_label = traitlets.Unicode("default")
    placeholder = traitlets.Unicode()

    def __init__(self, default=None, **kwargs):
        self._default = default
        self._title = W.Label(style={"font_weight": "bold"})
        self._tags = W.TagsInput(allow_duplicates=False, layout=W.Layout(width="100%"))
        self._none = W.Button(layout=W.Layout(width="auto", height="24px"))
        self._reset = W.Button(layout=W.Layout(width="auto", height="24px"))
        self._setting = False
        self._ids: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        super().__init__([W.HBox([self._title, self._reset, self._none], layout=W.Layout(align_items="center")),
                          self._tags], layout=W.Layout(width="100%"))
        self.add_class("ca-unit-tags")
        self._tags.observe(self._on_tags, names="value")
        self._none.on_click(lambda _b: setattr(self, "value", ()))
        self._reset.on_click(lambda _b: self._default and setattr(self, "value", tuple(self._default())))
        for name, value in kwargs.items():
            setattr(self, name, value)
        self._relabel_buttons(None)

    @traitlets.observe("description")
    def _retitle(self, change) -> None:
        self._title.value = change["new"]

    @traitlets.observe("none_label", "default_label", "placeholder")
    def _relabel_buttons(self, _change) -> None:
        self._none.description, self._reset.description = self.none_label, self.default_label
        self._tags.placeholder = self.placeholder or "\u200b"

    @traitlets.observe("options")
    def _allow(self, change) -> None:
        self._labels = {v: text for text, v in change["new"]}
        self._ids = {text: v for text, v in change["new"]}
        kept = tuple(v for v in self.value if v in self._labels)
        self._setting = True
        try:
            self._tags.value = []
            self._tags.allowed_tags = list(self._ids)
        finally:
            self._setting = False
        if kept != self.value:
            self.value = kept
        else:
            self._show(kept)

    @traitlets.validate("value")
    def _known(self, proposal) -> tuple:
        return tuple(dict.fromkeys(v for v in proposal["value"] if v in self._labels))

    @traitlets.observe("value")
    def _show_value(self, change) -> None:
        self._show(change["new"])

    def _show(self, values: tuple) -> None:
        tags = [self._labels[v] for v in values]
        if list(self._tags.value) != tags:
            self._setting = True
            try:
                self._tags.value = tags
            finally:
                self._setting = False

    def _on_tags(self, change) -> None:
        if not self._setting:
            self.value = tuple(self._ids[t] for t in change["new"] if t in self._ids)


class WidthProbe(anywidget.AnyWidget):
    """Reports the width its element has in the page (`width`, CSS pixels), whenever it changes by a few pixels.

    plotly's FigureWidget draws itself once at the width it finds, and never follows its container; the explorer
    reads this width to choose how many charts go side by side and how wide each is."""

    _esm = resource("explore", "static", "width_probe.js")
    width = traitlets.Int(0).tag(sync=True)


def grid_columns(width: int, *, min_chart: int, gap: int, max_columns: int) -> tuple[int, int]:
    """(columns, chart width) for charts of at least `min_chart` px in `width` px with `gap` px between them."""
    if width <= 0:
        return 1, min_chart
    columns = max(1, min(max_columns, math.floor((width + gap) / (min_chart + gap))))
    return columns, max(240, math.floor((width - gap * (columns - 1)) / columns))


__all__ = ["Choices", "UnitTags", "WidthProbe", "grid_columns"]
