from datetime import timedelta

import pytest

from opsbase.kernel.accounts.templatetags.account_tags import duration_words


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=10), "1 minute"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=90), "90 minutes"),
        (None, ""),
    ],
)
def test_duration_words(span, words):
    assert duration_words(span) == words
