"""Text as a phone keyboard types it, made plain before it is read."""

import pytest

from bot.nlp.findings import findings_of_text
from bot.nlp.plain_text import plain


def test_curly_apostrophes_and_full_width_letters_are_made_plain():
    assert plain("he won\u2019t wake up") == "he won't wake up"
    assert plain("\uff4e\uff4f\uff54 \uff42\uff52\uff45\uff41\uff54\uff48\uff49\uff4e\uff47") == "not breathing"
    assert plain("\u201cseeing things\u201d") == '"seeing things"'
    assert plain("") == ""


@pytest.mark.parametrize(
    "text, red_flag",
    [
        ("he won\u2019t wake up", "unresponsive"),
        ("I can\u2019t breathe", "breathing"),
        ("we can\u2019t wake him", "unresponsive"),
        ("he doesn\u2019t know where he is", "confusion"),
    ],
)
def test_a_red_flag_typed_with_a_curly_apostrophe_is_read(text, red_flag):
    """A review of the change (2026-12-01): none of these was read before."""
    assert (red_flag, "present") in {(f["id"], f["assertion"]) for f in findings_of_text(text)}
