"""Attendance layout families, one synthetic example each (written for these tests; no corpus text).

Each test builds a small document directly (no reader involved) and checks the attendees of the
record the structure stage builds from it.
"""

from pipeline.core.document import DocumentBuilder
from pipeline.structure.attendance import attendance_role
from pipeline.structure.build import build_meeting
from pipeline.structure.structure import structure


def attendees(build):
    b = DocumentBuilder("t.md", "markdown")
    build(b)
    doc = b.build()
    return build_meeting(doc, structure(doc)).attendees


# ------------------------------------------------------------------------------------------ labels

def test_labels_read_as_who_and_status():
    cases = {
        "Commissioners present": "present", "Attendants": "present", "Community members present": "guests", "COMMISSIONERS ABSENT": "absent", "Staff present": "guests",
        "Others Present": "guests", "PUBLIC ATTENDING": "guests", "Governors present": "present",
        "Board members in attendance were": "present", "Present (31)": "present",
        "PRESENT (seven Councillors)": "present", "Roll call": "present", "Late": "present",
        "Missing attendees": "absent", "Members excused": "apologies", "Meeting facilitator": "chair",
        "Minutes-taker": "minutes", "Presiding officer": "chair", "Observers": "guests",
        "Members of the public": "guests", "Officers present": "guests", "Present in person": "present",
        "Attending remotely": "present", "In attendance (staff)": "guests", "Guest speaker": "guests",
        "Management and staff": "guests", "Members of the Public and Media": "guests", "Timekeeper": "present",
    }
    for label, role in cases.items():
        assert attendance_role(label) == role, label
    # a section heading is no attendance label; a body's name only labels names on the same line
    assert attendance_role("Notes", bare=True) is None
    assert attendance_role("Council", bare=True) is None
    assert attendance_role("Council") == "present"
    assert attendance_role("Public comment") is None


def test_semicolon_and_counted_labels():
    def f(b):
        b.add("paragraph", "Orchard Society trustees, 2 March 2023")
        b.add("paragraph", "Present; Hal Brook, Chair (HB), Ida Moss (IM)")
        b.add("paragraph", "PRESENT (two Members): - Ned Ash (NA) and Ola Finch (OF). Secretary: Pia Lark "
                           "In attendance: three members of the public.")
    a = attendees(f)
    assert a.present == ["Hal Brook (HB)", "Ida Moss (IM)", "Ned Ash (NA)", "Ola Finch (OF)", "Pia Lark"]
    assert a.chair == "Hal Brook (HB)"
    assert a.guests == ["three members of the public"]


def test_several_labels_run_together_on_one_line():
    def f(b):
        b.add("paragraph", "Library board, 5 May 2021")
        b.add("paragraph", "ATTENDING: Trustees Quill, Rask, Soto ABSENT: Trustee Vance")
        b.add("paragraph", "STAFF ATTENDING: Director Una Wells, Tom Yarrow")
        b.add("paragraph", "12/04/2021 Attendees: Abe, Bea, Cyd Agenda: plan the fair. Pick a venue.")
    a = attendees(f)
    assert a.present == ["Quill", "Rask", "Soto", "Abe", "Bea", "Cyd"]
    assert a.absent == ["Trustee Vance"]
    assert a.guests == ["Director Una Wells", "Tom Yarrow"]


def test_us_style_groups_and_nested_bullets():
    def f(b):
        b.add("paragraph", "Harbor Commission minutes, June 3, 2019")
        b.add("list_item", "Commissioners Present", level=0, bold=True)
        b.add("list_item", "Dana Fort", level=1)
        b.add("list_item", "Eli Harp", level=1)
        b.add("list_item", "Commissioners Absent", level=0, bold=True)
        b.add("list_item", "Gus Imre", level=1)
        b.add("list_item", "Others Present: Jo Kent (City staff), Lu Marr", level=0)
        b.add("list_item", "Meeting called to order at 9:05am by Eli Harp", level=0)
    a = attendees(f)
    assert a.present == ["Dana Fort", "Eli Harp"]
    assert a.absent == ["Gus Imre"]
    assert a.guests == ["Jo Kent", "Lu Marr"]
    assert a.chair == "Eli Harp"


def test_roll_call_with_a_status_per_person():
    def f(b):
        b.add("paragraph", "City commission, 4 April 2022")
        b.add("heading", "Roll Call", level=2)
        b.add("paragraph", "Commissioner Oyelaran – present")
        b.add("paragraph", "Commissioner Pike – absent")
        b.add("paragraph", "Commissioner Quarles – excused")
        b.add("paragraph", "Mayor Reyes – present")
    a = attendees(f)
    assert a.present == ["Commissioner Oyelaran", "Mayor Reyes"]
    assert a.absent == ["Commissioner Pike"]
    assert a.apologies == ["Commissioner Quarles"]
    assert a.chair == "Mayor Reyes"  # a mayor presides when nothing else says who chaired


# ------------------------------------------------------------------------------------------ tables

def test_label_cell_then_name_and_initials_cells_over_several_rows():
    def f(b):
        b.add("paragraph", "Glen Community Council, 1 October 2019")
        t = b.new_table()
        b.add_row(t, ["Present:", "Ann Bell", "AB", "Cal Dunn", "CD"])
        b.add_row(t, ["", "Eve Fox (SBC)", "EF", "Guy Hale", "GH"])
        b.add_row(t, ["", "Ivy Jones", "IJ", "", ""])
        b.add("paragraph", "The Meeting was Chaired by Cal Dunn.")
    a = attendees(f)
    assert a.present == ["Ann Bell (AB)", "Cal Dunn (CD)", "Eve Fox (EF)", "Guy Hale (GH)", "Ivy Jones (IJ)"]
    assert a.chair == "Cal Dunn (CD)"


def test_four_column_present_and_apologies_table():
    def f(b):
        b.add("paragraph", "Village Hall Committee, 8 March 2022")
        t = b.new_table()
        b.add_row(t, ["Present", "", "Apologies", ""], header=True)
        b.add_row(t, ["Kit Lowe", "KL", "Max Nash", "MN"])
        b.add_row(t, ["Ora Penn", "OP", "", ""])
    a = attendees(f)
    assert a.present == ["Kit Lowe (KL)", "Ora Penn (OP)"]
    assert a.apologies == ["Max Nash (MN)"]


def test_label_and_names_in_one_cell_of_a_form():
    def f(b):
        b.add("heading", "Team minutes 20 April 2021", level=1)
        t = b.new_table()
        b.add_row(t, ["Date:", "April 20, 2021"])
        b.add_row(t, ["Attending: Kit Lowe, Ora Penn", ""])
        b.add_row(t, ["Absent:", "Max Nash"])
    a = attendees(f)
    assert a.present == ["Kit Lowe", "Ora Penn"]
    assert a.absent == ["Max Nash"]


def test_called_to_order_by_an_office_holder_at_a_time_in_capitals():
    def f(b):
        b.add("heading", "Ranch Board Minutes, 24 February 2022", level=1)
        b.add("paragraph", "Call to Order – The meeting was called to order at 6:00PM by President Lea Ruiz.")
        b.add("paragraph", "Present: Lea Ruiz, Tom Ode")
    assert attendees(f).chair == "Lea Ruiz"


def test_a_name_left_in_brackets_by_an_unresolved_link():
    def f(b):
        b.add("heading", "Hall committee, 13 April 2014", level=1)
        b.add("paragraph", "Present: Kit Lowe, [Ora Penn], Max Nash")
    assert attendees(f).present == ["Kit Lowe", "Ora Penn", "Max Nash"]


def test_a_label_row_then_a_header_row_then_names_in_a_form():
    def f(b):
        b.add("heading", "Team 2 minutes, 30 July 2020", level=1)
        t = b.new_table()
        b.add_row(t, ["3. Attendants:"])
        b.add_row(t, ["Name", "Initials", "Subsystem lead"])
        b.add_row(t, ["Kit Lowe", "KL", "Sensors"])
        b.add_row(t, ["Ora Penn", "OP", "Web"])
    assert [p.split(" (")[0] for p in attendees(f).present] == ["Kit Lowe", "Ora Penn"]


def test_chair_said_in_the_paragraph_that_holds_the_labelled_lists():
    def f(b):
        b.add("heading", "Ranch Board Minutes, 24 February 2022", level=1)
        b.add("paragraph", "The meeting was called to order at 6PM by President Lea Ruiz. Board Members present: "
                           "Lea Ruiz, Tom Ode. Community members present: Eli Parr.")
    a = attendees(f)
    assert (a.chair, a.present, a.guests) == ("Lea Ruiz", ["Lea Ruiz", "Tom Ode"], ["Eli Parr"])


def test_tick_columns_per_status():
    def f(b):
        b.add("paragraph", "Lake Association board, 9 May 2020")
        t = b.new_table()
        b.add_row(t, ["Name", "Present", "Apologies", "Absent"], header=True)
        b.add_row(t, ["Rae Stone", "✓", "", ""])
        b.add_row(t, ["Sol Tate", "", "✓", ""])
        b.add_row(t, ["Uma Voss", "", "", "✓"])
    a = attendees(f)
    assert (a.present, a.apologies, a.absent) == (["Rae Stone"], ["Sol Tate"], ["Uma Voss"])


def test_tick_columns_per_person():
    def f(b):
        b.add("paragraph", "Project team log, 3 February 2021")
        t = b.new_table()
        b.add_row(t, ["Week", "Wes Abbot", "Xia Bryn", "Yan Cole", "Zed Dorn"], header=True)
        b.add_row(t, ["1", "✓", "✓", "✓", "✓"])
        b.add_row(t, ["2", "✓", "", "✓", "✓"])
    a = attendees(f)
    assert a.present == ["Wes Abbot", "Yan Cole", "Zed Dorn"]
    assert a.absent == ["Xia Bryn"]


def test_register_with_a_column_per_meeting_and_a_key():
    def f(b):
        b.add("paragraph", "Governing Body, 14 November 2023")
        b.add("heading", "Attendance", level=2)
        t = b.new_table()
        b.add_row(t, ["Governor", "12 Sep", "10 Oct", "14 Nov", "12 Dec"], header=True)
        b.add_row(t, ["Ada Quinn", "P", "P", "P", ""])
        b.add_row(t, ["Bo Rudd", "P", "A", "S", ""])
        b.add_row(t, ["Cy Sand", "A", "P", "A", ""])
        b.add("paragraph", "Key: P = present, S = sent apologies, A = absent without apologies")
    a = attendees(f)
    assert a.present == ["Ada Quinn"]
    assert a.apologies == ["Bo Rudd"]
    assert a.absent == ["Cy Sand"]


def test_label_column_with_the_names_beside_and_around_it():
    def f(b):
        b.add("paragraph", "Board meeting, 20 March 2014")
        t = b.new_table()
        b.add_row(t, ["Date", "20th March 2014"])
        b.add_row(t, ["", "Dee Ellis (Chair), Fay Gold,"])
        b.add_row(t, ["Attendees", "Hal Ince, Ian Jory"])
        b.add_row(t, ["", "Kay Lamb (Clerk), Len Moor"])
        b.add_row(t, ["Invited", "Mo Nye"])
    a = attendees(f)
    assert a.present == ["Dee Ellis", "Fay Gold", "Hal Ince", "Ian Jory"]
    assert a.guests == ["Kay Lamb", "Len Moor", "Mo Nye"]
    assert a.chair == "Dee Ellis"


def test_label_value_header_table_with_facilitator_and_note_taker():
    def f(b):
        t = b.new_table()
        b.add_row(t, ["Meeting Date:", "31/07/2019"])
        b.add_row(t, ["Meeting Facilitator:", "Noa Orr", "Note taker:", "Pat Quin"])
        b.add_row(t, ["Attendees:", "Noa Orr, Pat Quin, Ray Sims"])
    a = attendees(f)
    assert a.present == ["Noa Orr", "Pat Quin", "Ray Sims"]
    assert a.chair == "Noa Orr"
    assert a.minutes == "Pat Quin"


def test_role_and_name_table_under_a_label():
    def f(b):
        b.add("paragraph", "Rowing club parents, August 2, 2016")
        b.add("paragraph", "Attendance", bold=True)
        t = b.new_table()
        b.add_row(t, ["President", "Tia Umber"])
        b.add_row(t, ["Vice President/Website", "Vic Wren"])
        b.add_row(t, ["Captain", "Will Xu"])
        b.add("paragraph", "Fundraising", bold=True)
        b.add("paragraph", "The raffle raised $200.")
    a = attendees(f)
    assert a.present == ["Tia Umber", "Vic Wren", "Will Xu"]
    assert a.chair is None  # a president is not said to have chaired


def test_markdown_table_of_names_initials_affiliations_and_handles():
    def f(b):
        b.add("heading", "Community call 2022-07-06", level=1)
        b.add("heading", "Attendees", level=2)
        t = b.new_table()
        b.add_row(t, ["Name", "Initials", "Affiliation", "GH Username"], header=True)
        b.add_row(t, ["Yuri Zane", "YZ", "Acme", "yzane"])
        b.add_row(t, ["Abi van Berg", "AvB", "Beta Labs", "abivb"])
        b.add_row(t, ["", "", "", ""])
        b.add("paragraph", "11 people present")
    a = attendees(f)
    assert a.present == ["Yuri Zane (YZ)", "Abi van Berg (AvB)"]
    assert a.guests == []


def test_attendee_list_with_affiliations_on_their_own_lines():
    def f(b):
        b.add("heading", "Task group call", level=1)
        b.add("heading", "Attendees", level=3)
        b.add("list_item", "Cleo Dart", level=1)
        b.add("heading", "(Gamma", level=6)
        b.add("heading", "Systems)", level=6)
        b.add("list_item", "Dov Egan", level=1)
        b.add("heading", "(Delta)", level=6)
        b.add("heading", "Agenda", level=3)
    a = attendees(f)
    assert a.present == ["Cleo Dart", "Dov Egan"]


def test_one_attendee_a_line_with_the_organisation_after_a_comma():
    def f(b):
        b.add("heading", "Steering group", level=1)
        b.add("heading", "Attendees", level=2)
        b.add("list_item", "Eda Faro, Red Kite Inc")
        b.add("list_item", "Gil Hart, Upstream")
        b.add("list_item", "Ivo Jain, Open Sky Labs")
    a = attendees(f)
    assert a.present == ["Eda Faro", "Gil Hart", "Ivo Jain"]


# ------------------------------------------------------------------------------------- apologies

def test_apologies_inside_an_agenda_item():
    def f(b):
        b.add("paragraph", "Trust board, 20 March 2014")
        b.add("paragraph", "Present: Kai Lind, Mia Noor, Ned Ott, Pam Rye")
        b.add("heading", "1. Welcome and Apologies", level=3)
        b.add("paragraph", "Mia Noor, Ned Ott")
        b.add("paragraph", "The Chair welcomed everyone.")
        b.add("heading", "2. Apologies for absence and declarations", level=3)
        b.add("paragraph", "Apologies had been received from Ros Tam (RT) who was detained at work.")
    a = attendees(f)
    assert a.present == ["Kai Lind", "Pam Rye"]
    assert a.apologies == ["Mia Noor", "Ned Ott", "Ros Tam (RT)"]


def test_apologies_heading_with_a_lead_marker_and_a_first_name():
    def f(b):
        b.add("paragraph", "Society AGM, 29 April 2026")
        b.add("paragraph", "Present: Sam Ure (SU), Tess Vale (TV), Ugo Webb (UW)")
        b.add("heading", "1 Apologies", level=2)
        b.add("paragraph", "SU")
        b.add("list_item", "Ugo")
        b.add("heading", "2 Minutes", level=2)
    a = attendees(f)
    assert a.apologies == ["Ugo Webb (UW)"]
    assert a.present == ["Sam Ure (SU)", "Tess Vale (TV)"]


def test_apologies_none_and_received_and_accepted():
    def f(b):
        b.add("paragraph", "Parent council, 3 May 2023")
        b.add("paragraph", "Apologies: none")
        b.add("paragraph", "Apologies were received and accepted from Vera Wise.")
    a = attendees(f)
    assert a.apologies == ["Vera Wise"]


# ---------------------------------------------------------------------------------------- guests

def test_guests_staff_public_and_head_counts():
    def f(b):
        b.add("paragraph", "Residents' AGM, 24 April 2025")
        t = b.new_table()
        b.add_row(t, ["Attended:", "Xan Yeo, Zia Abel Around forty residents."])
        b.add("paragraph", "Also in attendance: Bram Cole (Treasurer's assistant)")
        b.add("paragraph", "Observers: Cass, Drew")
    a = attendees(f)
    assert a.present == ["Xan Yeo", "Zia Abel"]
    assert a.guests == ["Around forty residents", "Bram Cole", "Cass", "Drew"]


def test_speakers_under_public_comment_are_members_of_the_public():
    def f(b):
        b.add("paragraph", "Village board, November 24, 2025")
        b.add("paragraph", "Present: Mayor Ames, Trustee Bix, Trustee Cobb")
        b.add("list_item", "5) Public Comment (3 Minutes per Speaker)", level=0)
        b.add("paragraph", "Mayor Ames noted the agenda.")
        b.add("paragraph", "Dora Egan asked when the draft will be ready.")
        b.add("paragraph", "Finn Gale, 12 High Street said the lights are out.")
        b.add("list_item", "6) Consent Agenda", level=0)
        b.add("paragraph", "Hugo Ives asked for a vote.")
    a = attendees(f)
    assert a.guests == ["Dora Egan", "Finn Gale"]
    assert a.chair == "Mayor Ames"


# ------------------------------------------------------------------------------------------ chair

def test_chair_from_who_called_the_meeting_to_order():
    def f(b):
        b.add("paragraph", "Student senate, January 4, 2007")
        b.add("paragraph", "Vice President Ivo Juno called the meeting to order at 6:00 p.m.")
        b.add("paragraph", "Present: Juno, Kerr, Lowe")
        b.add("paragraph", "Late: Moss")
        b.add("paragraph", "Absent: Nagy")
    a = attendees(f)
    assert a.present == ["Juno", "Kerr", "Lowe", "Moss"]
    assert a.absent == ["Nagy"]
    assert a.chair == "Juno"


def test_chair_forms():
    forms = {
        "Cllr Opal Pike took the chair.": "Cllr Opal Pike",
        "Opal Pike presided.": "Opal Pike",
        "The meeting was chaired by Opal Pike.": "Opal Pike",
        "The Chair of the Association, Opal Pike, welcomed all participants.": "Opal Pike",
        "The vicar, Rev Opal Pike, welcomed everyone and opened the meeting with prayer.": "Rev Opal Pike",
        "Chair: Opal Pike": "Opal Pike",
    }
    for sentence, chair in forms.items():
        def f(b, sentence=sentence):
            b.add("paragraph", "Club meeting, 1 May 2020")
            b.add("paragraph", sentence)
        assert attendees(f).chair == chair, sentence


def test_chair_abstains_and_prefers_the_chair_over_a_co_chair():
    def f(b):
        b.add("paragraph", "Working group, 2 June 2020")
        b.add("paragraph", "Present: Quin Ross, Rita Shaw")
        b.add("paragraph", "The working group led by Rita Shaw reported.")
    assert attendees(f).chair is None

    def g(b):
        b.add("paragraph", "Task group, 26 June 2019")
        b.add("list_item", "Chair – Sid Tull")
        b.add("list_item", "Co-chair – Uri Vann")
    assert attendees(g).chair == "Sid Tull"


def test_chair_given_as_a_handle_is_the_listed_person():
    def f(b):
        b.add("heading", "2024-04-12", level=1)
        b.add("heading", "Attendance", level=2)
        b.add("paragraph", "Council: Wim, Xena Yale, Yoav Zorn")
        b.add("paragraph", "Missing attendees: Abel")
        b.add("heading", "Notes", level=2)
        b.add("list_item", "Check-in")
        b.add("list_item", "Facilitator: xyale", level=1)
        b.add("list_item", "Scribe: wim", level=1)
    a = attendees(f)
    assert a.present == ["Wim", "Xena Yale", "Yoav Zorn"]
    assert a.absent == ["Abel"]
    assert a.chair == "Xena Yale"
    assert a.minutes == "Wim"


def test_chair_is_not_added_to_present_when_there_is_no_list():
    def f(b):
        b.add("paragraph", "Annual meeting, 20 February 2018")
        b.add("paragraph", "Rev Ada Bloom welcomed everyone and opened the meeting.")
    a = attendees(f)
    assert a.chair == "Rev Ada Bloom"
    assert a.present == []


# ----------------------------------------------------------------------------------------- absent

def test_absent_sentences():
    def f(b):
        b.add("paragraph", "Committee, 5 April 2016")
        b.add("paragraph", "Present: Cara Dean, Eli Ford")
        b.add("paragraph", "Apologies: Gia Holt. Ian Jude was not present and had moved away.")
        b.add("paragraph", "As Eli Ford was not present for item 3, it was deferred.")
        b.add("paragraph", "Kim not here, Lou not here")
    a = attendees(f)
    assert a.apologies == ["Gia Holt"]
    assert a.absent == ["Ian Jude", "Kim", "Lou"]


# ------------------------------------------------------------------------------- more layouts

def test_list_ending_in_were_present_and_compound_guest_labels():
    def f(b):
        b.add("paragraph", "Port commission, 16 July 2020")
        b.add("paragraph", "Board President Lane called the meeting to order at 2:00.")
        b.add("paragraph", "Commissioners Present: President Ira Lane, Vice-President Jo Mott, Secretary / Treasurer "
                           "Kai Nunn, and Lee Orme were present.")
        b.add("paragraph", "Management and Staff: Mae Pruitt, Port Manager")
        b.add("paragraph", "Members of the Public and Media: Ned Quist attended.")
    a = attendees(f)
    assert a.present == ["President Ira Lane", "Vice-President Jo Mott", "Secretary/Treasurer Kai Nunn", "Lee Orme"]
    assert a.guests == ["Mae Pruitt", "Ned Quist"]
    assert a.chair == "President Ira Lane"


def test_short_lines_taken_for_headings_and_a_head_count_line():
    def f(b):
        b.add("paragraph", "Parish council, 2 March 2010")
        b.add("paragraph", "Present: Mrs R Sole, Mr D Tate. T. Vane: Borough Councillor")
        b.add("paragraph", "4 members of the public")
        b.add("paragraph", "1. Apologies for absence")
        b.add("heading", "Cllr J Ware", level=1, style="layout")
        b.add("paragraph", "Apologies also received from Cllr K Yule")
        b.add("heading", "Police Matters", level=1, style="layout")
    a = attendees(f)
    assert a.present == ["Mrs R Sole", "Mr D Tate"]
    assert a.guests == ["T. Vane", "4 members of the public"]
    assert a.apologies == ["Cllr J Ware", "Cllr K Yule"]


def test_chair_elected_for_the_meeting_and_named_twice():
    def f(b):
        b.add("paragraph", "Parish council, 12 November 2002")
        b.add("paragraph", "Present: G. Amis, D. Bond. In the absence of the Chairman the members present elected "
                           "G. Amis to chair the meeting.")
        b.add("paragraph", "Minutes: D. Bond proposed that the minutes be signed.")
    a = attendees(f)
    assert a.chair == "G. Amis"
    assert a.minutes is None

    def g(b):
        b.add("paragraph", "Committee minutes, 3 June 2018")
        b.add("paragraph", "Chaired by Ken Lomax")
        b.add("paragraph", "Committee Chair Lomax called the meeting to order at 7:23 p.m.")
    assert attendees(g).chair == "Ken Lomax"


def test_register_with_a_column_per_person_by_initials():
    def f(b):
        b.add("paragraph", "Full Governing Body, 16 July 2024")
        b.add("paragraph", "Governors: Ann Bligh (AB), Cal Dorr (CD), Eve Finch (EF), Gus Hay (GH)")
        t = b.new_table()
        b.add_row(t, ["Attendance", "AB", "CD", "EF", "GH"], header=True)
        b.add_row(t, ["FGB 12/09/23", "Y", "Y", "N", "Y"])
        b.add_row(t, ["FGB 16/07/24", "Y", "N", "Y", "Y"])
        b.add_row(t, ["FGB 10/10/24", "", "", "", ""])
        b.add("paragraph", "Key: Y = Yes (in attendance), N = No (not in attendance)")
    a = attendees(f)
    assert a.present == ["Ann Bligh (AB)", "Eve Finch (EF)", "Gus Hay (GH)"]
    assert a.absent == ["Cal Dorr (CD)"]


def test_attendance_checklist_ticked_and_unticked():
    def f(b):
        b.add("heading", "Team meeting 3", level=1)
        b.add("heading", "Attendance", level=2)
        b.add("heading", "4 out of 5", level=5)
        for box, name in (("x", "Ida Jung"), ("x", "Kofi Lam"), ("x", "Mo Ng"), ("x", "Oz Pike"), (" ", "Quy Ro")):
            b.add("list_item", f"[{box}] {name}")
        b.add("heading", "Agenda", level=2)
        b.add("list_item", "[x] Confirm the weekly time")
    a = attendees(f)
    assert a.present == ["Ida Jung", "Kofi Lam", "Mo Ng", "Oz Pike"]
    assert a.absent == ["Quy Ro"]


def test_column_per_role_with_roles_in_capitals_and_names_run_together():
    def f(b):
        b.add("heading", "Minutes of the parish council meeting on 24th May 2018", level=2)
        t = b.new_table()
        b.add_row(t, ["Present:", "Members of the Public:", "Apologies:"])
        b.add_row(t, ["Ned Oaks (NO) CHAIR", "Dai Cole", "Chas Rowe"])
        b.add_row(t, ["Kat Dray (KD)", "Ola Vine Pat Gray Cllr Ari Fenn", ""])
        b.add_row(t, ["Cath Fell (CF) CLERK", "", ""])
    a = attendees(f)
    assert a.present == ["Ned Oaks (NO)", "Kat Dray (KD)", "Cath Fell (CF)"]
    assert a.guests == ["Dai Cole", "Ola Vine", "Pat Gray", "Cllr Ari Fenn"]
    assert a.apologies == ["Chas Rowe"]
    assert a.chair == "Ned Oaks (NO)"


def test_label_line_then_names_with_plural_title_and_took_the_chair():
    def f(b):
        b.add("paragraph", "Community council minutes, 8 May 2019")
        b.add("paragraph", "PRESENT")
        b.add("paragraph", "Cllrs. Aled Bevan, Cai Dafis, Elin Ffowc and County Councillor Gwyn Hughes")
        b.add("paragraph", "1. Apologies received from Cllrs. Iolo Jones, Kai Lloyd and Mair Morgan")
        b.add("paragraph", "Cllr. Aled Bevan took the Chair.")
    a = attendees(f)
    assert a.present == ["Aled Bevan", "Cai Dafis", "Elin Ffowc"]
    assert a.guests == ["County Councillor Gwyn Hughes"]
    assert a.apologies == ["Iolo Jones", "Kai Lloyd", "Mair Morgan"]
    assert a.chair == "Aled Bevan"
