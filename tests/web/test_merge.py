"""Two experts' edits of one text against the text both started from (web/review/merge.py)."""

from web.review.merge import merge3, word_diff

BASE = "We track every ticket in Jira, mostly."


def test_a_word_diff_names_what_was_removed_and_added():
    assert word_diff(BASE, "We track each ticket in Jira, mostly.") == [
        ("same", "We track "),
        ("del", "every"),
        ("ins", "each"),
        ("same", " ticket in Jira, mostly."),
    ]


def test_edits_of_different_words_are_merged_cleanly():
    theirs = "We track every bug in Jira, mostly."
    mine = "We track every ticket in Jira, always."
    merged = merge3(BASE, theirs, mine)
    assert merged.text == "We track every bug in Jira, always."
    assert merged.clean


def test_edits_of_the_same_words_keep_theirs_and_say_so():
    merged = merge3(BASE, "We log every ticket in Jira, mostly.", "We file every ticket in Jira.")
    assert merged.text == "We log every ticket in Jira."  # their word; my other edit kept
    assert not merged.clean


def test_one_side_unchanged_or_both_alike_is_the_other_side():
    theirs = "We track every bug in Jira, mostly."
    assert merge3(BASE, theirs, BASE) == merge3(BASE, theirs, theirs)
    assert merge3(BASE, theirs, BASE).text == theirs
    assert merge3(BASE, BASE, "Mine.").text == "Mine."


def test_insertions_at_different_places_are_both_kept():
    theirs = "Honestly, we track every ticket in Jira, mostly."
    mine = "We track every ticket in Jira, mostly. Sometimes Trello."
    merged = merge3(BASE, "Honestly, we" + BASE[2:], mine)
    assert merged.text == theirs[: -len("mostly.")] + "mostly. Sometimes Trello."
    assert merged.clean
