from django.core.exceptions import ValidationError

from core.errors import validation_text


def test_it_gives_a_single_message_as_it_is() -> None:
    assert validation_text(ValidationError("The program is closed.")) == "The program is closed."


def test_it_joins_a_list_of_messages_with_spaces() -> None:
    exc = ValidationError(["Too many mentees.", "Pick someone else."])
    assert validation_text(exc) == "Too many mentees. Pick someone else."


def test_it_joins_field_errors_and_fills_in_their_parameters() -> None:
    exc = ValidationError(
        {
            "capacity": [ValidationError("At most %(n)s.", params={"n": 5})],
            "end_date": ["Ends before it starts."],
        }
    )
    assert validation_text(exc) == "At most 5. Ends before it starts."
