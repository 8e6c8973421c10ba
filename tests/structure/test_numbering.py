"""Item numbers and the titles cut from what follows them (synthetic lines, written for the test)."""

import pytest

from pipeline.structure.numbering import item_title, roman_value, run_in_title, split_number


@pytest.mark.parametrize("line,num,style", [
    ("4. Finance", "4", "arabic1"),
    ("4.1 Budget", "4.1", "arabic2"),
    ("IV. Old business", "IV", "ROMAN"),
    ("XII. Unit reports", "XII", "ROMAN"),
    ("(a) Hall hire", "a", "letter"),
    ("b) Street lights", "b", "letter"),
    ("(iii) Grants", "iii", "roman"),
    ("C. New business", "C", "LETTER"),
    ("41/22 Apologies", "41/22", "minute"),
    ("4-A Bridge repairs", "4-A", "sub"),
    ("10A. Risk assessment", "10A", "arabic1"),
])
def test_numbering_styles(line, num, style):
    n = split_number(line)
    assert n is not None and (n.num, n.style) == (num, style)


@pytest.mark.parametrize("line", ["2019 budget agreed", "10:30 Coffee", "IIII. Bad numeral", "(4. odd"])
def test_not_item_numbers(line):
    assert split_number(line) is None


def test_roman_values():
    assert [roman_value(r) for r in ("i", "iv", "IX", "xiv", "XL", "iiii", "vx")] == [1, 4, 9, 14, 40, None, None]


@pytest.mark.parametrize("rest,title", [
    ("Grants ---------------------- Jo Bloggs", "Grants"),  # a leader, then the presenter
    ("Roll Call – Chair Ames called the roll of members", "Roll Call"),  # a dash, then a sentence
    ("Presentations – none", "Presentations – none"),
    ("Bridge - see page 4, budget v2 by March", "Bridge - see page 4, budget v2 by March"),
    ("Amendment: Rename the Treasurer", "Amendment: Rename the Treasurer"),  # the colon is part of the title
    ("Apologies: Apologies were sent by Cllr Dee", "Apologies"),  # the colon introduces the item's text
    ("Date of Next Meeting – Tuesday 4th May at 7pm", "Date of Next Meeting"),
    ("Treasury.", "Treasury"),
])
def test_item_titles(rest, title):
    got = item_title(rest)
    assert got is not None and got[0] == title


def test_run_in_titles():
    assert run_in_title("Street Lights The two lamps on Mill Lane are still out.")[0] == "Street Lights"
    assert run_in_title("Apologies for Absence Apologies were received from Ann Dee.")[0] == "Apologies for Absence"
    assert run_in_title("Hall Lettings JT had circulated the new rates.")[0] == "Hall Lettings"
    assert run_in_title("Planning and roads Nothing new was reported.")[0] == "Planning and roads"
    assert item_title("Grounds. Anyone who can help should tell the clerk.", run_in=True)[0] == "Grounds"
    # a sentence is not a title followed by text
    assert run_in_title("The Chairman welcomed County Councillor Ross to the meeting.") is None
    assert item_title("From now on only small fixes such as broken links may be pushed.", run_in=True) is None
