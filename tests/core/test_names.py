"""One owner each for name keys, "the same task" and owner splitting (they used to disagree)."""

from __future__ import annotations

from pipeline.core.names import name_key, words_of
from pipeline.core.tasks import same_task
from pipeline.detect.owners import is_group, split_owners


def test_one_name_key_folds_accents_titles_and_brackets():
    assert name_key("Cllr Mrs Ánne Fenwick (AF)") == name_key("anne fenwick") == "anne fenwick"
    assert name_key("Ian Ho-Smith") == "ian ho-smith"
    assert name_key("Dr  José  Núñez") == "jose nunez"
    assert words_of("MS") == ["ms"]  # initials alone are not a title
    assert name_key("@anguyen") == "anguyen" and name_key("Anh Nguyen (@anguyen)") == "anh nguyen"


def test_the_evaluation_and_the_archive_use_the_same_key():
    import pipeline.archive.archive as archive
    import pipeline.evaluate as evaluate
    import pipeline.structure.build as build

    assert archive.name_key is evaluate.name_key is build.name_key is name_key


def test_one_same_task_rule():
    assert same_task("find out the criteria", "Find out the criteria for the small grants fund")
    assert same_task("Send the minutes to members", "send minutes to members")
    assert not same_task("Book the hall", "Pay the hall invoice")
    assert not same_task("Clerk to book the hall", "Book the hall for June")
    assert not same_task("", "anything at all")


def test_one_owner_splitter_for_detection_and_warnings():
    assert split_owners("All – Lizzie/Nicc to send") == ["All", "Lizzie", "Nicc"]
    assert split_owners("Graham, Sarah and team") == ["Graham", "Sarah", "team"]
    assert split_owners("n/a") == []
    assert [is_group(x) for x in ("All", "the team", "Trustees", "Lizzie")] == [True, True, True, False]
