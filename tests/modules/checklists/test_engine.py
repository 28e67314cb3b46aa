"""The forms engine's rules as properties (hypothesis): tolerances, visibility, required
answers; and the field list's own checks."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from opsbase.modules.checklists.engine import SchemaError, clean_fields, evaluate

decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False)


def number_field(low, high, required=True):
    return clean_fields(
        [
            {
                "key": "x",
                "type": "number",
                "label": "X",
                "required": required,
                "unit": "mm",
                "min": str(low),
                "max": str(high),
            }
        ]
    )


@settings(max_examples=200, deadline=None)
@given(low=decimals, high=decimals, value=decimals)
def test_a_number_within_its_tolerance_passes(low, high, value):
    low, high = min(low, high), max(low, high)
    assume(low <= value <= high)

    evaluation = evaluate(number_field(low, high), {"x": str(value)})

    assert evaluation.valid and evaluation.result == "pass" and not evaluation.flags


@settings(max_examples=200, deadline=None)
@given(low=decimals, high=decimals, value=decimals)
def test_a_number_outside_its_tolerance_is_flagged_and_fails(low, high, value):
    low, high = min(low, high), max(low, high)
    assume(value < low or value > high)

    evaluation = evaluate(number_field(low, high), {"x": str(value)})

    assert evaluation.valid
    assert evaluation.result == "fail"
    assert set(evaluation.flags) == {"x"}


@settings(max_examples=200, deadline=None)
@given(
    controller=st.sampled_from(["pass", "fail"]),
    wanted=st.sampled_from(["pass", "fail"]),
    kinds=st.lists(
        st.sampled_from(["text", "number", "choice", "date", "photo", "signature", "pass_fail"]),
        min_size=1,
        max_size=5,
    ),
)
def test_hidden_fields_are_never_required_and_never_kept(controller, wanted, kinds):
    fields = [{"key": "gate", "type": "pass_fail", "label": "Gate", "required": True}]
    for n, kind in enumerate(kinds):
        spec = {
            "key": f"f{n}",
            "type": kind,
            "label": f"F{n}",
            "required": True,
            "show_if": {"field": "gate", "equals": wanted},
        }
        if kind == "choice":
            spec["choices"] = ["a"]
        fields.append(spec)
    fields = clean_fields(fields)
    answers = {"gate": controller, **{f"f{n}": "" for n in range(len(kinds))}}

    evaluation = evaluate(fields, answers)

    if controller == wanted:
        assert set(evaluation.errors) == {f"f{n}" for n in range(len(kinds))}
    else:
        assert evaluation.valid
        assert set(evaluation.values) == {"gate"}


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=50))
def test_a_field_shown_under_a_hidden_one_is_hidden_too(text):
    fields = clean_fields(
        [
            {"key": "a", "type": "choice", "label": "A", "choices": ["yes", "no"]},
            {"key": "b", "type": "text", "label": "B", "show_if": {"field": "a", "equals": "yes"}},
            {
                "key": "c",
                "type": "text",
                "label": "C",
                "required": True,
                "show_if": {"field": "b", "equals": text},
            },
        ]
    )

    evaluation = evaluate(fields, {"a": "no", "b": text, "c": ""})

    assert evaluation.valid and evaluation.visible == ["a"]


def test_a_missing_required_answer_is_an_error_not_a_flag():
    evaluation = evaluate(number_field(1, 2), {})

    assert evaluation.errors == {"x": ["This field is required."]}
    assert not evaluation.flags


def test_a_failed_pass_fail_answer_fails_the_form():
    fields = clean_fields([{"key": "v", "type": "pass_fail", "label": "Visual"}])

    assert evaluate(fields, {"v": "fail"}).result == "fail"
    assert evaluate(fields, {"v": "pass"}).result == "pass"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("number", "eight"),
        ("date", "31/02/2026"),
        ("choice", "Purple"),
        ("pass_fail", "maybe"),
        ("signature", "data:image/jpeg;base64,AAAA"),
        ("photo", "not an image"),
    ],
)
def test_a_value_not_of_its_type_is_refused(kind, value):
    spec = {"key": "f", "type": kind, "label": "F"}
    if kind == "choice":
        spec["choices"] = ["Red"]

    evaluation = evaluate(clean_fields([spec]), {"f": value})

    assert set(evaluation.errors) == {"f"}


def test_the_field_list_names_each_problem():
    with pytest.raises(SchemaError) as refused:
        clean_fields(
            [
                {"key": "Bad Key", "type": "number", "label": "", "min": "5", "max": "1"},
                {"key": "c", "type": "choice", "label": "C"},
                {
                    "key": "d",
                    "type": "text",
                    "label": "D",
                    "show_if": {"field": "later", "equals": "x"},
                },
                {"key": "c", "type": "colour", "label": "E"},
            ]
        )

    assert set(refused.value.problems) == {
        "fields.1.key",
        "fields.1.label",
        "fields.1.max",
        "fields.2.choices",
        "fields.3.show_if",
        "fields.4.key",
        "fields.4.type",
    }


def test_tolerances_are_kept_as_exact_decimals():
    (field,) = number_field(Decimal("8.480"), Decimal("8.520"))

    assert (field["min"], field["max"]) == ("8.480", "8.520")
    assert evaluate([field], {"x": "8.5201"}).result == "fail"
