"""The list page's option lists and column headers, built as text (``kit.listing``): what
Django's templates gave, hostile labels escaped, the current choice marked."""

from django.http import QueryDict
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from opsbase.kit.listing import header_cells, headers, optgroups_html, options_html, query_with
from opsbase.modules.tasks.selectors import TASK_ROWS

HOSTILE = '"><script>alert(1)</script>'


def _as_template(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_options_are_what_the_template_loop_gave_with_the_current_value_selected():
    choices = [("title", "Title ↑"), ("-title", HOSTILE), ("a&b", gettext_lazy("Status"))]
    loop = (
        '{% for value, label in choices %}<option value="{{ value }}"'
        "{% if value == sort %} selected{% endif %}>{{ label }}</option>{% endfor %}"
    )
    for selected in ("title", "-title", "a&b", "none"):
        built = options_html(choices, selected)
        assert built == _as_template(loop, choices=choices, sort=selected)
        assert built.count(" selected") == (selected != "none")
    assert "<script>" not in options_html(choices, None)


def test_numbers_are_selected_by_value():
    built = options_html([(25, 25), (50, 50), (100, 100)], 50)
    assert built == (
        '<option value="25">25</option><option value="50" selected>50</option>'
        '<option value="100">100</option>'
    )


def test_option_groups_escape_their_labels():
    built = optgroups_html(
        [(HOSTILE, [("x", "Assign")]), ("Status", [("done", mark_safe("<b>Done</b>"))])]
    )
    assert built == (
        '<optgroup label="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        '<option value="x">Assign</option></optgroup>'
        '<optgroup label="Status"><option value="done"><b>Done</b></option></optgroup>'
    )


def test_header_cells_link_sortable_columns_and_mark_the_sorted_one():
    columns = TASK_ROWS.table_columns()
    query = QueryDict(f"q={HOSTILE}&sort=title&page=3")
    built = header_cells(headers(TASK_ROWS, columns, "title", query))
    assert built.count("<th ") == len(columns)
    assert "<script>" not in built
    assert 'aria-sort="ascending"' in built and built.count("aria-sort=") == 1
    title = next(cell for cell in built.split("</th>") if ">Title" in cell)
    assert "bi-arrow-up" in title and "sort=-title" in title and "page=" not in title
    assert "q=%22%3E%3Cscript%3E" in title  # the search kept, URL-encoded
    owner = next(cell for cell in built.split("</th>") if "Owner" in cell)
    assert "<a " not in owner and 'class="text-body-secondary"' in owner


def _query_with_a_copy(query: QueryDict, **changes) -> str:
    """What ``query_with`` replaced: the QueryDict copied, changed and encoded."""
    changed = query.copy()
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    encoded = changed.urlencode()
    return f"?{encoded}" if encoded else "?"


_KEYS = st.sampled_from(["q", "page", "sort", "status", "é", "a b", "x&y"])
_VALUES = st.text(alphabet="ab &=?#%é\u2603", max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(st.tuples(_KEYS, _VALUES), max_size=6),
    changes=st.dictionaries(_KEYS, st.one_of(st.none(), _VALUES, st.integers(0, 99)), max_size=3),
)
def test_query_variants_are_what_a_copied_query_dict_gives(pairs, changes):
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    assert query_with(query, **changes) == _query_with_a_copy(query, **changes)


def test_the_filter_fields_are_what_the_template_loop_gave():
    from opsbase.kit.listing import Control, fields_html

    controls = [
        Control("q", "Search", mark_safe('<input name="q">'), [], "id_q"),
        Control("due", HOSTILE, mark_safe('<input name="due">'), ["Bad date.", HOSTILE], "id_due"),
    ]
    loop = (
        '{% for control in controls %}<div class="col-12 col-sm-6 col-lg-3 mb-3">'
        '<label class="form-label" for="{{ control.id }}">{{ control.label }}</label>'
        "{{ control.html }}{% if control.errors %}"
        '<div class="invalid-feedback d-block" id="{{ control.id }}_error">'
        "{% for error in control.errors %}{{ error }}{% if not forloop.last %} {% endif %}"
        "{% endfor %}</div>{% endif %}</div>{% endfor %}"
    )
    assert fields_html(controls) == _as_template(loop, controls=controls)
    assert "<script>" not in fields_html(controls)
