"""Section-heading layout families, each on a small synthetic document written for the test."""

from pipeline.core.document import DocumentBuilder
from pipeline.structure.build import build_meeting
from pipeline.structure.structure import structure


def _sections(build, fmt="pdf"):
    b = DocumentBuilder("t", fmt)
    build(b)
    doc = b.build()
    m = build_meeting(doc, structure(doc))
    return m.sections, m


def test_roman_numeral_headings_and_unnumbered_lines_among_them_in_plain_text():
    def f(b):
        b.add("heading", "Student Council Minutes", level=1)
        b.add("paragraph", "Monday, March 3, 2008")
        for k, (num, title) in enumerate([("I.", "CALL TO ORDER"), ("II.", "ROLL CALL"), ("III.", "APPOINTMENTS"),
                                          ("IV.", "OLD BUSINESS"), ("V.", "ADJOURNMENT")]):
            b.add("heading", f"{num} {title}", level=1)
            b.add("paragraph", "The chair opened the item and members spoke.")
            if k == 2:
                b.add("heading", "Jane Roe, Sam Poe", level=1)  # nominees' names on a line of their own
                b.add("paragraph", "Both were confirmed.")
    secs, m = _sections(f, "text")
    assert secs == ["CALL TO ORDER", "ROLL CALL", "APPOINTMENTS", "OLD BUSINESS", "ADJOURNMENT"]
    assert [s.number for s in m.section_tree] == ["I", "II", "III", "IV", "V"]


def test_minute_numbers_run_into_their_paragraphs():
    def f(b):
        b.add("paragraph", "MINUTES OF THE PARISH COUNCIL MEETING HELD ON MONDAY 6 MARCH 2023")
        b.add("paragraph", "31/23 Apologies for absence Apologies were received from Cllr Dee. 32/23 Declarations "
                           "of interest None were declared. 33/23 Minutes of the meeting held on 6 February 2023")
        b.add("paragraph", "The minutes were signed as a true record.")
        b.add("paragraph", "34/23 Planning – The clerk reported one new application for a garage.")
        b.add("paragraph", "35/23 Finance.")
        b.add("paragraph", "a) Payments – the payments list was approved.")
        b.add("paragraph", "b) Audit – the auditor has been booked.")
    secs, m = _sections(f, "markdown")
    assert secs == ["Apologies for absence", "Declarations of interest", "Minutes of the meeting held on 6 February 2023",
                    "Planning", "Finance"]
    assert [s.number for s in m.section_tree] == ["31/23", "32/23", "33/23", "34/23", "35/23"]


def test_lettered_sub_items_are_headings_only_when_alone_and_followed_by_text():
    def f(b):
        b.add("paragraph", "Library Board regular meeting, May 5, 2021", bold=True)
        b.add("list_item", "1. Correspondence")
        b.add("list_item", "a. Letter from the county")
        b.add("paragraph", "The board discussed the letter and asked the director to reply.")
        b.add("list_item", "b. Grant award notice")
        b.add("paragraph", "The director reported that the grant had been paid.")
        b.add("list_item", "2. Consent agenda")
        b.add("list_item", "a. Approve the minutes of April 7")
        b.add("list_item", "b. Approve the bills")
        b.add("list_item", "c. Receive the financial report")
        b.add("paragraph", "The consent agenda was approved.")
        b.add("list_item", "3. New business")
        b.add("list_item", "a. Motion made by Trustee Orr, seconded by Trustee Fay, to approve the summer hours plan.")
        b.add("paragraph", "Ayes all.")
    secs, m = _sections(f)
    assert secs == ["Correspondence", "Letter from the county", "Grant award notice", "Consent agenda", "New business"]
    assert [s.parent for s in m.section_tree] == [None, 0, 0, None, None]


def test_title_leaders_and_dashes_cut_the_presenter_and_the_text():
    def f(b):
        b.add("paragraph", "Network board meeting minutes, 13 June 2015", bold=True)
        b.add("paragraph", "Attendees: Ann Lee, Bo Chan")
        b.add("paragraph", "Membership ---------------------------------------- Dana Rowe", bold=True)
        b.add("paragraph", "The list was sent out and an updated list with the new members will follow soon.")
        b.add("paragraph", "Fundraising ........................................ Rebecca Gale", bold=True)
        b.add("paragraph", "We were awarded a grant from the state fund for the regional science fair.")
        b.add("heading", "2. Roll Call – Trustee Picha called the roll", level=2)
        b.add("paragraph", "All present.")
        b.add("heading", "3. Presentations – none", level=2)
    secs, _ = _sections(f)
    assert secs == ["Membership", "Fundraising", "Roll Call", "Presentations – none"]


def test_bold_is_no_signal_in_a_document_set_in_bold():
    def f(b):
        b.add("paragraph", "REGULAR MEETING OF THE VILLAGE BOARD, June 2, 2025", bold=True)
        b.add("list_item", "1) Call to Order", bold=True)
        b.add("list_item", "2) Minutes", bold=True)
        b.add("list_item", "a) Motion made by Trustee Ode, seconded by Trustee Fry, that the minutes be approved.",
              bold=True)
        b.add("paragraph", "Ayes All", bold=True)
        b.add("list_item", "3) Liaison Reports", bold=True)
        b.add("paragraph", "Trustee Fry said the parade went well.", bold=True)
        b.add("paragraph", "Respectfully Submitted", bold=True)
    secs, _ = _sections(f)
    assert secs == ["Call to Order", "Minutes", "Liaison Reports"]


def test_markers_fields_and_form_lines_are_not_headings():
    def f(b):
        b.add("heading", "Trustees meeting of 3 May 2016", level=1)
        b.add("heading", "1 Minutes of the last meeting", level=2)
        b.add("paragraph", "Accepted.")
        b.add("heading", "ACTION:AB/CD", level=3)
        b.add("paragraph", "Minute-taker: Gil Pratt", bold=True)
        b.add("heading", "2 Storage of chairs", level=2)
        b.add("paragraph", "Held over.")
        b.add("heading", "Signed_____________________", level=3)
        b.add("heading", "(Microchip)", level=3)
    secs, _ = _sections(f)
    assert secs == ["Minutes of the last meeting", "Storage of chairs"]


def test_bold_list_items_head_their_items_only_without_headings_of_the_format():
    def plain(b):
        b.add("paragraph", "Minutes from Monday, January 8, 2018")
        b.add("list_item", "Opening Business", level=0, bold=True)
        b.add("list_item", "Commissioners present: Ann Orr, Ben Fry", level=1)
        b.add("list_item", "Updates", level=0, bold=True)
        b.add("list_item", "The banners were put up.", level=1)
        b.add("list_item", "Meeting adjourned at 10:05am", level=0, bold=True)
    assert _sections(plain)[0] == ["Opening Business", "Updates"]

    def headed(b):
        b.add("heading", "Society AGM", level=1)
        for t in ("1 Apologies", "2 Chair's Report", "3 Elections"):
            b.add("heading", t, level=2)
            b.add("list_item", "Jo Bell (JB)", level=1, bold=True)
            b.add("list_item", "JB said they would run events.", level=2)
    assert _sections(headed)[0] == ["Apologies", "Chair's Report", "Elections"]


def test_capitalised_part_headings():
    def f(b):
        b.add("heading", "Minutes of the Parish Council Meeting", level=1)
        b.add("paragraph", "Held on the 16th November 2000 at 7.30pm")
        b.add("paragraph", "MATTERS ARISING")
        b.add("paragraph", "1. Gravel on the drive still not removed.")
        b.add("paragraph", "2. Village sign. Quotes to be obtained for a new one.")
        b.add("paragraph", "CORRESPONDENCE")
        b.add("paragraph", "1. Award scheme. Noted.")
        b.add("paragraph", "2. Request for a litter bin. Agreed.")
    secs, _ = _sections(f, "html")
    assert secs == ["MATTERS ARISING", "CORRESPONDENCE"]


def test_template_part_labels_in_table_rows():
    def f(b):
        t = b.new_table()
        for cells in (["Meeting Date:", "31/07/2019"], ["Attendees:", "Ann, Bo"], ["Agenda:", "PIC"],
                      ["1. Kick-off", "Ann"], ["2. Demo", "Bo"], ["Discussion: (Items shared)"],
                      ["The client explained the project."]):
            b.add_row(t, cells)
    secs, _ = _sections(f, "docx")
    assert secs == ["Agenda", "Discussion: (Items shared)"]


def test_numbered_heading_in_a_row_with_an_empty_action_column():
    def f(b):
        b.add("heading", "COMMUNITY COUNCIL MEETING 8th MAY 2019", level=1)
        b.add("heading", "4. MATTERS ARISING", level=1)
        b.add("paragraph", "Nothing arose.")
        t = b.new_table()
        b.add_row(t, ["5. CORRESPONDENCE", ""])
        b.add_row(t, ["i) Remittance advice for the precept.", "Noted"])
        b.add("heading", "6. LIGHTING", level=1)
    secs, _ = _sections(f)
    assert secs == ["MATTERS ARISING", "CORRESPONDENCE", "LIGHTING"]


def test_organisation_line_above_a_bigger_title_and_its_running_header():
    def f(b):
        b.add("heading", "ST. ANNE'S CHURCH, UPTON", level=2)
        b.add("heading", "MINUTES OF THE ANNUAL MEETING held in the Church on Monday 5th March 2018", level=1)
        b.add("heading", "1. Electoral Roll", level=2)
        b.add("paragraph", "The roll has 120 names.")
        b.add("heading", "MINUTES OF THE ANNUAL MEETING 2018", level=2)  # page 2's running header
        b.add("heading", "2. Elections", level=2)
    secs, m = _sections(f)
    assert secs == ["Electoral Roll", "Elections"]
    assert m.meeting_date == "2018-03-05"


def test_list_items_that_fill_the_gaps_in_numbered_headings():
    def f(b):
        b.add("heading", "LIBRARY BOARD REGULAR MEETING", level=1)
        b.add("list_item", "1. Call to order – President Kay called the meeting to order at 7 p.m.")
        b.add("heading", "2. Roll Call", level=1)
        b.add("paragraph", "All present.")
        b.add("heading", "3. Public comments", level=1)
        b.add("paragraph", "None.")
        b.add("list_item", "4. Treasurer's Report – Trustee Lim reported on the levy.")
        b.add("list_item", "5. Secretary's Report – all in order.")
        b.add("heading", "6. Adjournment", level=1)
        b.add("heading", "Action list from the last meeting", level=1)
        b.add("list_item", "1. Ann - order the posters")
        b.add("list_item", "2. Bo - book the room")
    secs, _ = _sections(f)
    assert secs == ["Call to order", "Roll Call", "Public comments", "Treasurer's Report", "Secretary's Report",
                    "Adjournment", "Action list from the last meeting"]


def test_agenda_items_repeated_as_the_minutes_headings():
    def f(b):
        b.add("heading", "Task Group Call", level=1)
        b.add("heading", "Meeting Agenda", level=2)
        b.add("heading", "1. Pull requests", level=3)
        b.add("heading", "2. Release plan", level=3)
        b.add("heading", "3. Licensing", level=3)
        b.add("heading", "Discussion", level=2)
        b.add("heading", "1. Pull requests", level=4)
        b.add("list_item", "Merged two.")
        b.add("heading", "2. Release plan", level=4)
        b.add("list_item", "Due in June.")
    secs, _ = _sections(f)
    assert secs == ["Meeting Agenda", "Discussion", "Pull requests", "Release plan"]


def test_pdf_headings_that_break_off_are_sentence_pieces():
    def f(b):
        b.add("heading", "Task Group Call", level=1)
        b.add("heading", "Charter", level=2)
        b.add("heading", "The task group will", level=3)
        b.add("list_item", "Develop a test framework.")
        b.add("heading", "see the /documents folder", level=3)
        b.add("heading", "Attendees", level=2)
    assert _sections(f)[0] == ["Charter", "Attendees"]


def test_bold_metadata_labels_with_a_colon_are_not_headings():
    def f(b):
        b.add("heading", "Group 3 Meeting Minutes", level=1)
        b.add("paragraph", "Date and time of meeting:", bold=True)
        b.add("paragraph", "13:00 20/04/2016")
        b.add("paragraph", "Participants:", bold=True)
        b.add("paragraph", "Ann, Bo, Cy")
        b.add("paragraph", "Approval of minutes:", bold=True)
        b.add("paragraph", "Fine.")
        b.add("paragraph", "Attendance", bold=True)
        b.add("paragraph", "All three were there, and the chair thanked them for coming in the exam week.")
    assert _sections(f, "markdown")[0] == ["Approval of minutes", "Attendance"]


def test_a_log_whose_sections_are_its_days_keeps_its_date_headings():
    def f(b):
        b.add("heading", "Council updates for October 2024", level=1)
        b.add("heading", "2024-10-02", level=2)
        b.add("paragraph", "Release management:")
        b.add("list_item", "RC3 released.")
        b.add("heading", "2024-10-09", level=2)
        b.add("list_item", "Nothing new.")
    assert _sections(f, "markdown")[0] == ["2024-10-02", "2024-10-09"]


def test_paragraphs_that_open_with_a_title_and_a_dash_are_sections_when_they_make_the_layout():
    def f(b):
        b.add("heading", "Hill Farm Residents Board Minutes", level=1)
        b.add("paragraph", "Present: Ana Lima – Treasurer")
        b.add("paragraph", "Call to Order – The meeting was called to order at 7pm by the President.")
        b.add("heading", "Committee Reports", level=1)
        b.add("paragraph", "Garden Group – Nothing to report.")
        b.add("paragraph", "Roads – Winter has left potholes on the lane; repairs will wait for spring.")
        b.add("paragraph", "Water Supply – The well was tested in March and passed.")
    secs, _ = _sections(f)
    assert secs == ["Call to Order", "Committee Reports", "Garden Group", "Roads", "Water Supply"]


def test_one_title_and_dash_paragraph_alone_is_not_a_heading():
    def f(b):
        b.add("heading", "Hill Farm Residents Board Minutes", level=1)
        b.add("heading", "Reports", level=1)
        b.add("paragraph", "Roads – Winter has left potholes on the lane; repairs will wait for spring.")
        b.add("paragraph", "The treasurer said the accounts were in order.")
    secs, _ = _sections(f)
    assert secs == ["Reports"]
