"""Generate the DOCX sample written by the project (fictional UK committee minutes).

Run from the repository root::

    python corpus/make_samples.py          # writes corpus/samples/uk-committee_2024-03-12.docx
    python corpus/make_samples.py --check  # fail if the file on disk differs

The other samples (HTML, Markdown, plain text) are written by hand directly in
``corpus/samples/``. Everything here is fictional and released under CC0.
Output is deterministic (fixed core-property dates and zip timestamps; see
``make_renditions.save_docx_deterministic``). The expected annotation
``corpus/expected/uk-committee_2024-03-12.docx.json`` is hand-written and is
never produced by this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from make_renditions import (
    CORPUS,
    add_rich_text,
    mark_header_row,
    page_header_footer,
    save_docx_deterministic,
    set_core_properties,
    write_or_check,
)

SAMPLES = CORPUS / "samples"

UK_TITLE = "Friends of Ashcombe Library"
UK_SUBTITLE = "Minutes of the Committee Meeting held on Tuesday 12 March 2024 at 7.00pm in the Reading Room, Ashcombe Library"

UK_ATTENDANCE = [
    (
        "Present:",
        "Margaret Ellery (ME) (Chair), Jane Smith (JS) (Secretary), Jean Smyth (JSm) "
        "(Treasurer), Tom Oduya (TO), Priya Raman (PR), David Hollins (DH)",
    ),
    ("Apologies:", "Ruth Abernethy (RA), Colin Marsh"),
    ("In attendance:", "Sian Davies (SD), Branch Librarian, Wessex County Libraries"),
]

# (number, heading, [paragraphs], [(sub-number, sub-heading, [paragraphs])])
UK_ITEMS: list[tuple[str, str, list[str], list[tuple[str, str, list[str]]]]] = [
    ("1", "Welcome and apologies", [
        "ME welcomed everyone, in particular SD, who has taken over as Branch Librarian "
        "from Peter Lang. Apologies were received as above. Colin Marsh has also asked to "
        "stand down from the committee for family reasons; the committee thanked him for "
        "six years of running the book sales.",
    ], []),
    ("2", "Minutes of the last meeting", [
        "The minutes of the meeting held on 9 January 2024 were agreed as a true record "
        "and signed by the Chair.",
    ], []),
    ("3", "Matters arising", [], [
        ("3.1", "Book sale float", [
            "JSm confirmed that the float of £100 in coins had been collected from the bank "
            "and is kept in the library safe.",
        ]),
        ("3.2", "Noticeboard", [
            "Dave has repaired the glass door on the outside noticeboard. The lock still "
            "sticks in wet weather; he will look at it again.",
        ]),
    ]),
    ("4", "Treasurer’s report", [
        "JSm presented the accounts to 29 February. The current account stands at "
        "£2,314.67 and the reserve account at £1,500.00. Income since January was £486.20 "
        "(subscriptions £312, donations box £97.45, card sale £76.75). Expenditure was "
        "£158.40, mainly on printing and the annual insurance premium.",
        "The Gift Aid claim for 2023 (about £210) has not yet been submitted; JSm needs "
        "the updated declarations from the membership secretary first.",
        "It was agreed that the Friends would spend up to £350 from the current account "
        "on beanbags and a rug for the children’s corner, as requested by SD.",
    ], []),
    ("5", "Librarian’s report", [
        "SD reported that the self-service kiosk will be replaced during the week of "
        "15 April; the library will stay open but returns will be handled at the desk. "
        "Visits in January and February were up 9% on last year, helped by the warm "
        "space sessions on Tuesday and Thursday afternoons.",
        "The county has confirmed the Summer Reading Challenge theme and the library "
        "will launch it on Saturday 13 July. SD asked whether the Friends could again "
        "fund the medals and certificates (about £120). This was welcomed and will be "
        "confirmed at the next meeting once the price is known.",
        "SD said she would ask the county about extending Saturday opening to 4pm over "
        "the summer.",
    ], []),
    ("6", "Spring book sale", [
        "The sale will be on Saturday 20 April, 10am to 1pm, in the library and the "
        "church hall next door. Donations are coming in well; Jane Smith noted that the "
        "store room is nearly full and asked members not to accept further donations "
        "until after the sorting morning on 6 April.",
        "Priya offered to run a children’s table with pre-loved picture books at 20p each. "
        "Tom and Priya will design the poster and the social media posts.",
        "It was agreed that the cake stall would go ahead, subject to the church hall "
        "confirming that food can be served there.",
    ], []),
    ("7", "Membership and subscriptions", [
        "JS reported 112 paid-up members (94 individual, 18 household), against 121 last "
        "year. Several lapsed members had said they did not know how to renew online.",
        "RESOLVED: that the annual subscription remains at £8 for individuals and £12 for "
        "households for 2024–25.",
        "It was agreed that a renewal reminder with a paper form would go out with the "
        "April newsletter.",
    ], []),
    ("8", "Accessibility of the side entrance", [
        "PR raised again the lack of a handrail on the ramp at the side entrance, which "
        "is used by parents with buggies and by several older members. SD confirmed it "
        "is the county’s responsibility as landlord and that a request was logged in "
        "November with no response.",
        "RESOLVED: that the Secretary writes formally to the county’s Property Services "
        "on behalf of the Friends, copying in the local county councillor.",
    ], []),
    ("9", "Any other business", [
        "TO reported that Ashcombe Town Council’s small grants fund reopens in April. ME "
        "will find out the criteria; the Friends might apply for a contribution to the "
        "author talk planned for the autumn.",
        "DH asked for the committee email list to be updated now that Colin has stood "
        "down.",
    ], []),
    ("10", "Date of next meeting", [
        "Tuesday 14 May 2024 at 7.00pm in the Reading Room.",
        "The meeting closed at 8.35pm.",
    ], []),
]

UK_ACTIONS_COLUMNS = ("Owner", "Action", "Due")
UK_ACTIONS = [
    ("JS", "Write to Wessex County Libraries Property Services about the handrail on the side ramp (item 8)", "31 March"),
    ("JSm", "Submit the 2023 Gift Aid claim once the updated declarations are received", "End of April"),
    ("JSm / SD", "Order beanbags and rug for the children’s corner, up to £350", "30 April"),
    ("TO, PR", "Design the book sale poster and social media posts", "30 March"),
    ("DH", "Draw up the volunteer rota for the book sale (set-up, till, cake stall, clear-up)", "6 April"),
    ("ME", "Find out the criteria for the Town Council small grants fund", "Next meeting"),
    ("JS", "Renewal reminder and paper form to go out with the April newsletter", "April"),
    ("All", "Bring sorted donations to the store room", "19 April"),
]


def render_uk_committee() -> bytes:
    doc = Document()
    set_core_properties(
        doc,
        title=f"{UK_TITLE} – committee minutes 12 March 2024",
        author="Friends of Ashcombe Library",
        when=dt.datetime(2024, 3, 18, 20, 15, 0),
    )
    page_header_footer(doc, "Friends of Ashcombe Library – Committee minutes – DRAFT")
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)

    doc.add_paragraph(UK_TITLE, style="Title")
    sub = doc.add_paragraph(UK_SUBTITLE)
    sub.runs[0].bold = True

    for label, names in UK_ATTENDANCE:
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Cm(3)
        p.paragraph_format.first_line_indent = Cm(-3)
        p.add_run(label).bold = True
        p.add_run("\t" + names)

    for number, heading, paras, subs in UK_ITEMS:
        doc.add_heading(f"{number}. {heading}", level=1)
        for text in paras:
            add_rich_text(doc.add_paragraph(), text)
        for sub_no, sub_heading, sub_paras in subs:
            doc.add_heading(f"{sub_no} {sub_heading}", level=2)
            for text in sub_paras:
                add_rich_text(doc.add_paragraph(), text)

    doc.add_heading("Action summary", level=1)
    table = doc.add_table(rows=1, cols=len(UK_ACTIONS_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, UK_ACTIONS_COLUMNS):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
    mark_header_row(table.rows[0])
    for owner, action, due in UK_ACTIONS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = owner, action, due
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Cm(2.5), Cm(11), Cm(3)

    closing = doc.add_paragraph("Signed …………………………… (Chair)    Date ……………")
    closing.alignment = WD_ALIGN_PARAGRAPH.LEFT
    closing.paragraph_format.space_before = Pt(24)
    return save_docx_deterministic(doc)


def build() -> dict[Path, bytes]:
    return {SAMPLES / "uk-committee_2024-03-12.docx": render_uk_committee()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--check", action="store_true", help="do not write; fail if files differ")
    args = ap.parse_args(argv)
    SAMPLES.mkdir(exist_ok=True)
    return write_or_check(build(), args.check)


if __name__ == "__main__":
    sys.exit(main())
