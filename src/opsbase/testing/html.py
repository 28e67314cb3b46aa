"""An HTML checker for rendered pages: what the shell's rules forbid, and what breaks a page.

``html_problems(html)`` lists, in words, what is wrong with a page as it was answered:

* tags left open, closed twice or crossed (elements whose end tag HTML lets out are closed
  as a browser would);
* the same ``id`` twice;
* an inline ``<script>`` (no ``src``), a ``<style>`` element, a ``style=`` or ``on…=``
  attribute (the strict Content-Security-Policy refuses them);
* a link, form or asset on another host (nothing loads from a CDN), and ``href="#"``;
* an image without ``alt``; a form control or button nobody can name (no label, no text, no
  ``aria-label``/``aria-labelledby``/``title``);
* a whole document without ``lang`` on ``<html>``.

Tests of every page use it (``tests/web``, and the matrix generator of
``opsbase.testing.matrix`` for a module's pages): ``assert html_problems(html) == []``.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Elements whose end tag may be left out: closed when their parent (or a sibling) ends.
OPTIONAL_END = frozenset(
    [
        "li",
        "dt",
        "dd",
        "p",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "option",
        "optgroup",
        "colgroup",
    ]
)
LABELLED = frozenset({"select", "textarea"})
UNLABELLED_INPUTS = frozenset({"hidden", "submit", "button", "reset", "image"})
_FOREIGN = re.compile(r"^(https?:)?//", re.IGNORECASE)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[tuple[str, int]] = []
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str, int]] = []  # (tag, id, line) needing a label
        self.buttons: list[dict] = []  # open buttons: their text and attributes
        self.in_label = 0
        self.document = False
        self.lang = False

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self._line()
        if tag == "html":
            self.document = True
            self.lang = bool(values.get("lang"))
        if tag in OPTIONAL_END and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()  # <li>…<li>: the first one ends here
        if tag not in VOID:
            self.stack.append((tag, line))
        if "id" in values:
            self.ids[values["id"]] += 1
        for name, value in values.items():
            if name == "style":
                self.problems.append(f"line {line}: style= attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"line {line}: inline handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and _FOREIGN.match(value):
                self.problems.append(f"line {line}: <{tag} {name}> on another host: {value}")
        if values.get("href") == "#":
            self.problems.append(f'line {line}: <{tag} href="#"> leads nowhere')
        if tag == "script" and "src" not in values:
            self.problems.append(f"line {line}: inline <script>")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "img" and "alt" not in values:
            self.problems.append(f"line {line}: <img> without alt")
        if tag == "label":
            self.in_label += 1
            if values.get("for"):
                self.label_for.add(values["for"])
        named = any(values.get(a) for a in ("aria-label", "aria-labelledby", "title"))
        needs_label = tag in LABELLED or (
            tag == "input" and values.get("type", "text") not in UNLABELLED_INPUTS
        )
        if needs_label and not named and not self.in_label:
            self.controls.append((tag, values.get("id", ""), line))
        if tag == "button" or (tag == "input" and values.get("type") in ("submit", "button")):
            entry = {"line": line, "text": values.get("value", ""), "named": named}
            if tag == "input":
                self._button_done(entry)
            else:
                self.buttons.append(entry)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        line = self._line()
        if tag in VOID:
            return
        if tag == "label":
            self.in_label = max(0, self.in_label - 1)
        if tag == "button" and self.buttons:
            self._button_done(self.buttons.pop())
        if not any(open_tag == tag for open_tag, _line in self.stack):
            self.problems.append(f"line {line}: </{tag}> closes nothing open")
            return
        while self.stack:
            open_tag, opened = self.stack.pop()
            if open_tag == tag:
                return
            if open_tag not in OPTIONAL_END:
                self.problems.append(
                    f"line {line}: </{tag}> ends <{open_tag}> of line {opened}, still open"
                )

    def handle_data(self, data: str) -> None:
        if self.buttons and data.strip():
            self.buttons[-1]["text"] += data.strip()

    def _button_done(self, button: dict) -> None:
        if not button["text"] and not button["named"]:
            self.problems.append(f"line {button['line']}: a button with no name (text, label)")

    def finish(self) -> list[str]:
        self.close()
        for tag, line in self.stack:
            if tag not in OPTIONAL_END:
                self.problems.append(f"line {line}: <{tag}> is never closed")
        for value, count in sorted(self.ids.items()):
            if count > 1:
                self.problems.append(f'id="{value}" is used {count} times')
        for tag, control_id, line in self.controls:
            if not control_id or control_id not in self.label_for:
                self.problems.append(f"line {line}: <{tag}> has no label")
        if self.document and not self.lang:
            self.problems.append("<html> has no lang")
        return self.problems


def html_problems(html: str | bytes) -> list[str]:
    """What is wrong with the page *html* (see the module docstring); empty when nothing."""
    checker = _Checker()
    checker.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    return checker.finish()
