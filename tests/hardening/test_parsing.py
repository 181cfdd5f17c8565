"""ttm.parsing: one parser per kind of input, strict about what counts as a digit."""

import argparse

import pytest
from django.core.exceptions import ValidationError

from ttm import parsing

NOT_ASCII_DIGITS = ["²", "٣", "３", "1_0", "0x1", "1.0", "1e0", "+1", "-1", "", " ", "\x00", "abc"]


@pytest.mark.parametrize("raw", ["1", "5", " 3 ", 4])
def test_a_level_is_one_to_five(raw):
    assert parsing.level(raw) == int(str(raw).strip())


@pytest.mark.parametrize("raw", [*NOT_ASCII_DIGITS, "0", "6", "05", None])
def test_anything_else_is_not_a_level(raw):
    with pytest.raises(parsing.InvalidInput, match="A level is 1 to 5"):
        parsing.level(raw)


def test_a_round_number_is_a_positive_whole_number():
    assert parsing.round_number("2") == 2
    assert parsing.optional_round_number("") is None
    assert parsing.optional_round_number(None) is None
    assert parsing.optional_round_number("7") == 7


@pytest.mark.parametrize("raw", [*NOT_ASCII_DIGITS, "0", "9" * 40])
def test_anything_else_is_not_a_round_number(raw):
    with pytest.raises(parsing.InvalidInput, match="A round number is a whole number"):
        parsing.round_number(raw)


@pytest.mark.parametrize("raw", [*NOT_ASCII_DIGITS, "0", str(2**63), "9" * 19])
def test_ids_fit_the_database_or_are_refused(raw):
    with pytest.raises(parsing.InvalidInput):
        parsing.object_id(raw)
    assert parsing.id_or_none(raw) is None


def test_an_id_is_read_as_an_integer():
    assert parsing.object_id("42") == 42
    assert parsing.object_id(str(10**18 - 1)) == 10**18 - 1


def test_the_message_quotes_only_the_start_of_a_huge_value():
    with pytest.raises(parsing.InvalidInput) as refused:
        parsing.round_number("x" * 100_000)
    assert len(refused.value.messages[0]) < 120


def test_a_command_argument_reports_the_parser_message():
    parser = argparse.ArgumentParser()
    parser.add_argument("--round", type=parsing.argument_type(parsing.round_number))
    assert parser.parse_args(["--round", "3"]).round == 3
    with pytest.raises(argparse.ArgumentTypeError, match="A round number"):
        parsing.argument_type(parsing.round_number)("²")


@pytest.mark.parametrize("value", [1, 3, 5])
def test_a_checked_level_is_an_int_one_to_five(value):
    assert parsing.checked_level(value) == value


@pytest.mark.parametrize("value", [0, 6, -1, "3", 2.5, 3.0, True, None])
def test_a_checked_level_refuses_text_bools_and_other_numbers(value):
    with pytest.raises(parsing.InvalidInput, match="A level is 1 to 5"):
        parsing.checked_level(value)


def test_a_level_field_reads_levels_through_the_parser_and_words_them_with_labels():
    field = parsing.LevelField(labels=["a", "b", "c", "d", "e"])
    assert field.clean("4") == 4
    assert field.choices[2] == ("3", "3 · c")
    for raw in ["6", "٣", " 3", "3.0"]:
        with pytest.raises(ValidationError):
            field.clean(raw)
