"""A seeded generator of varied, fictional meeting minutes for benchmarks.

    python bench/gen_minutes.py OUT_DIR [--count N] [--seed S] [--formats txt,md,html,docx]

Every body, person, place, supplier and sentence here is invented from the word lists and templates
in this file (nothing is copied from corpus/ or from any real set of minutes). A document has a
title with the body's name and date, an attendance block (present, apologies, in attendance, chair,
minutes), numbered agenda items on varied topics (finance, staffing, events, facilities, IT,
governance, safety, communications, partnerships, training, community, policy), decisions
(agreed / resolved / motions with proposer, seconder and votes), action items with owners and
deadlines, and the date of the next meeting. Layouts vary by format and by "house style" per body.

Vocabulary is deliberately uneven: common minute words ("budget", "agreed", "report") appear in
most documents, topic nouns are drawn with Zipf-like weights, and every document carries a few
invented place and supplier names (syllable-built, e.g. "Brackenholt", "Quillmere Joinery") that
occur in very few documents - the rare words a text search must find.

``generate(out_dir, count, seed)`` writes the files and returns one ``DocSpec`` per file: the
body, its people, the place and supplier words used, so that a benchmark can rename them when it
replicates records (see bench_archive.py).
"""

from __future__ import annotations

import argparse
import html
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

# ------------------------------------------------------------------------------------- word lists

FIRST = """Abigail Adrian Aileen Alistair Amara Anjali Anselm Arlo Astrid Aurelia Barnaby Beatrix Bernadette
Bertram Bronwen Caius Callum Carys Cassian Cecily Clement Cordelia Cosmo Dafydd Delphine Desmond Dorcas
Eamon Edwina Eilidh Elspeth Emrys Esme Evander Fenella Finlay Florence Gareth Georgiana Gideon Gwendolyn
Hamish Harriet Hector Hollis Idris Imogen Inigo Isadora Jemima Joachim Juniper Kasimir Keziah Lachlan
Leonie Linnea Lorcan Lucinda Magnus Malachy Marisol Maximilian Meredith Montague Morwenna Nerys Niamh
Octavia Oisin Ophelia Oswin Parveen Peregrine Petronella Quentin Rafferty Ramona Rhodri Rosalind Rupert
Saoirse Seren Silas Solveig Tabitha Tamsin Thaddeus Theodora Tobias Ulrika Valentina Vaughan Wilhelmina
Winifred Xanthe Yusuf Zenobia Zoltan Priyanka Kwame Oluwaseun Mei Hiroshi Ingrid Tomasz Anneliese Farida
Ravi Siobhan Declan Folasade Henrik Leopold Marguerite Nkechi Ottilie""".split()

SURNAME_A = "Ash Black Brack Bram Cald Crow Dun Elder Fern Gold Hart Hazel Holm Kings Lark Marl Nether Oak Pen Quill Raven Rush Sedge Stan Thorn Wester Whit Wood Yew Ald Birch Clay".split()
SURNAME_B = "bury wood ridge ford field well worth combe ley ton stead holt more wick shaw brook croft by dale hurst".split()

PLACE_A = "Ash Brack Bram Calder Crane Dunn Ebb Fallow Gorse Heron Kelver Lind Mallow Nettle Orme Pebble Quill Rook Saxe Tarn Umber Vell Wrax Yarrow Zell Fenn Glim Hollin Ivel Jessop".split()
PLACE_MID = "er an el in ow ing ash ock um ard".split()
PLACE_B = "holt mere by thorpe wick combe den hithe stow ley ham borough cote dale garth ness well wold".split()
TRADE = "Joinery Roofing Landscapes Electrical Plumbing Printers Catering Security Glazing Scaffolding Audio Fencing Cleaning Consulting Removals Signs".split()

BODY_KINDS = [
    ("Parish Council", "parish"), ("Town Council", "parish"), ("Community Council", "parish"),
    ("Board of Trustees", "charity"), ("Trustee Board", "charity"), ("Management Committee", "charity"),
    ("Committee", "club"), ("Club Committee", "club"), ("Executive Committee", "club"),
    ("Working Group", "wg"), ("Steering Group", "wg"), ("Project Board", "wg"),
    ("Residents' Association", "club"), ("Board of Governors", "charity"), ("Allotment Society Committee", "club"),
]
BODY_TOPICS = ["Rowing", "Chess", "Cycling", "Gardening", "Choral", "Cricket", "Bowls", "Hiking", "Drama",
               "Photography", "Swimming", "Bridge", "Orchestra", "Beekeeping", "Tennis", "Astronomy"]
CHARITY_TOPICS = ["Food Bank", "Hospice Support", "Youth Trust", "Heritage Trust", "Arts Centre", "Wildlife Trust",
                  "Library Friends", "Carers Network", "Refugee Welcome", "Literacy Project", "Museum Trust"]
WG_TOPICS = ["Digital", "Net Zero", "Accessibility", "Flood Resilience", "Website Renewal", "Volunteer Strategy",
             "Data Protection", "Highways", "Open Spaces", "Records Migration"]

ROLES = {
    "parish": ["Chair", "Clerk", "Vice-Chair", "Responsible Financial Officer", "Councillor"],
    "charity": ["Chair", "Treasurer", "Secretary", "Director", "Trustee"],
    "club": ["Chair", "Secretary", "Treasurer", "Membership Secretary", "Social Secretary", "Committee Member"],
    "wg": ["Chair", "Secretariat", "Project Lead", "Sponsor", "Member"],
}

# uncommon nouns, drawn with Zipf-like weights: the tail of this list is rare across an archive
OBJECTS = """noticeboard website newsletter minibus defibrillator gazebo marquee projector photocopier boiler
laptop router kettle lawnmower trailer bench shelter bollard streetlight playground pavilion greenhouse
dishwasher freezer signage banner lectern microphone amplifier scaffold skip dehumidifier handrail ramp
hearing-loop kiln loom telescope harpsichord rowing-machine stopwatch trophy bunting hedgerow culvert
sandbags grit-bin bike-rack noticeboard-lock padlock keysafe drone beehive polytunnel water-butt compost
wormery sundial weathervane flagpole lychgate bandstand gazebo-cover chessboard scoreboard floodlight
turnstile tannoy lifebuoy kayak dinghy oar sculling-boat hockey-goal bowling-green roller net-posts
easel darkroom enlarger tripod choir-robes music-stands timpani metronome seed-drill scarifier""".split()

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# sentence templates per topic: {obj} uncommon object, {place} invented place, {supplier} invented
# firm, {amount} money, {n} small number, {p} / {q} people, {month} a month, {date} a date
TOPICS: dict[str, dict] = {
    "finance": {
        "headings": ["Finance", "Treasurer's Report", "Accounts and Budget", "Financial Statement",
                     "Payments for Approval", "Budget Monitoring", "Grants and Fundraising"],
        "sentences": [
            "The Treasurer reported a current account balance of {amount} and a reserve of {amount2}.",
            "Expenditure to date is {n}% of the annual budget, slightly ahead of the profile.",
            "Invoices totalling {amount} were presented, including {supplier} for work at {place}.",
            "The budget for next year was discussed; subscription income is expected to fall by {n}%.",
            "A grant of {amount} has been offered by the {place} Community Fund towards the {obj}.",
            "The independent examiner has completed the review of the accounts without qualification.",
            "Bank charges have risen and the Treasurer will compare accounts offered by other banks.",
            "Fundraising for the {obj} appeal has reached {amount} against a target of {amount2}.",
            "The precept request for the coming year was set at {amount} after discussion.",
            "Gift Aid claims of {amount} are outstanding and will be submitted before {month}.",
            "Members queried the cost of insurance, which rose by {n}% at renewal.",
            "Donations received this quarter came mainly from the {place} quiz night.",
        ],
        "decisions": ["approve the payments listed in the schedule", "adopt the draft budget for the year",
                      "accept the grant offer from the {place} Community Fund",
                      "move {amount} from the reserve to the {obj} project",
                      "appoint {supplier} as independent examiner for the year"],
        "actions": ["circulate the management accounts", "submit the Gift Aid claim",
                    "obtain quotes for the {obj} from at least three suppliers", "update the bank mandate",
                    "prepare the draft budget for the next meeting", "chase the unpaid invoice from {supplier}"],
    },
    "staffing": {
        "headings": ["Staffing", "Staff and Volunteers", "Recruitment", "Volunteer Update", "Personnel",
                     "Clerk's Contract"],
        "sentences": [
            "The coordinator has resigned and will leave at the end of {month}.",
            "Interviews for the part-time administrator post will be held on {date}.",
            "{n} new volunteers joined this month, mostly through the {place} open day.",
            "The Clerk's hours were reviewed; the workload has grown since the {obj} project began.",
            "A pay award of {n}% was noted in line with the national agreement.",
            "Volunteer rotas for the {obj} remain thin on weekday mornings.",
            "{p} thanked the staff for their work over a demanding period.",
            "The appraisal process will be simplified and completed before {month}.",
            "Pension auto-enrolment duties were confirmed as met for all employees.",
        ],
        "decisions": ["advertise the administrator post at {n} hours a week",
                      "extend the coordinator's contract until {month}",
                      "adopt the revised volunteer agreement"],
        "actions": ["draft the job description", "arrange exit interview", "update the volunteer rota",
                    "book the interview room at {place}", "write to the pension provider"],
    },
    "events": {
        "headings": ["Events", "Summer Fete", "Annual Dinner", "Open Day", "Events Programme", "Christmas Fair",
                     "Centenary Celebrations"],
        "sentences": [
            "The summer fete at {place} raised {amount} and attracted about {n}0 visitors.",
            "Bookings for the annual dinner are slow; {n} tickets have been sold so far.",
            "A {obj} will be hired from {supplier} for the open day on {date}.",
            "The quiz night was well attended and the raffle raised {amount}.",
            "Plans for the centenary include an exhibition, a walk to {place} and a tea party.",
            "The band has confirmed for the evening; the {obj} must be tested beforehand.",
            "Risk assessments for the fair are being prepared by {p}.",
            "Weather disrupted the {place} event and the organisers were thanked for adapting.",
        ],
        "decisions": ["hold the Christmas fair on {date}", "set ticket prices for the dinner at {amount}",
                      "book {supplier} for the fete"],
        "actions": ["book the hall for the fair", "order bunting and the {obj}", "publicise the quiz night",
                    "prepare the event risk assessment", "contact stallholders at {place}"],
    },
    "facilities": {
        "headings": ["Premises", "Buildings and Grounds", "Facilities", "Maintenance", "Village Hall",
                     "Clubhouse", "Property Report"],
        "sentences": [
            "The roof of the {place} pavilion is leaking again and a survey has been requested.",
            "{supplier} quoted {amount} to replace the {obj}.",
            "The boiler was serviced and the heating now works throughout the building.",
            "Damp in the store room has damaged the {obj} and some archive boxes.",
            "The car park resurfacing is scheduled for {month}, weather permitting.",
            "The lease on the {place} unit expires next year and renewal terms are awaited.",
            "Cleaning standards in the kitchen were raised by several hirers.",
            "The accessible ramp at the main entrance has been repaired by {supplier}.",
            "Hedges along the {place} boundary need cutting before the nesting season.",
        ],
        "decisions": ["accept the quote from {supplier} for the {obj}", "renew the lease of the {place} unit",
                      "close the pavilion during the repairs"],
        "actions": ["obtain three quotes for the roof", "arrange the boiler service", "report the damp to the landlord",
                    "inspect the {obj} at {place}", "book {supplier} for the hedge cutting"],
    },
    "it": {
        "headings": ["IT and Website", "Digital Update", "Technology", "Website", "Systems and Data",
                     "Email and Accounts"],
        "sentences": [
            "The website has been moved to a new host and pages load much faster.",
            "Members reported trouble logging in to the booking system from phones.",
            "The office {obj} and the old laptop will be replaced under the digital plan.",
            "Shared drive permissions were reviewed and former trustees removed.",
            "Two-factor authentication is now required for all email accounts.",
            "{supplier} offered a support contract at {amount} a year.",
            "The newsletter mailing list was migrated and {n} bounced addresses removed.",
            "Backups of the membership database are now taken nightly and tested monthly.",
            "The wifi in the {place} room drops out when more than {n} people connect.",
        ],
        "decisions": ["accept the support contract from {supplier}", "require two-factor authentication",
                      "move the booking system to the new platform"],
        "actions": ["reset the shared drive permissions", "test the backups", "fix the login problem on phones",
                    "update the website contact page", "buy a replacement {obj}"],
    },
    "governance": {
        "headings": ["Governance", "Constitution", "Annual General Meeting", "Membership", "Elections",
                     "Standing Orders", "Declarations of Interest"],
        "sentences": [
            "The draft revised constitution was circulated and comments are invited by {date}.",
            "Membership stands at {n}0, a small increase on last year.",
            "The AGM will be held on {date} at the {place} hall; nominations close two weeks before.",
            "{p} declared an interest in the {place} item as a neighbouring resident.",
            "The register of interests was updated for two new members.",
            "The quorum was confirmed and the meeting was properly convened.",
            "Terms of reference for the {obj} sub-group were reviewed.",
            "{q} will stand down as {role} at the AGM after {n} years.",
        ],
        "decisions": ["adopt the revised standing orders", "co-opt {q} to fill the vacancy",
                      "hold the AGM on {date}", "approve the terms of reference of the {obj} sub-group"],
        "actions": ["circulate the AGM papers", "update the register of interests", "file the annual return",
                    "publish the revised constitution", "invite nominations for officers"],
    },
    "safety": {
        "headings": ["Health and Safety", "Safeguarding", "Risk Register", "Safety", "Security",
                     "Incidents"],
        "sentences": [
            "An incident at {place} was reported when a visitor tripped on the loose {obj}.",
            "The fire alarm test was completed and the extinguishers were serviced by {supplier}.",
            "The safeguarding policy was reviewed; {n} volunteers still need DBS checks.",
            "The risk register was updated and two new risks added for the winter.",
            "The defibrillator at {place} was checked and its pads replaced.",
            "There has been vandalism at the {obj} and the police have been informed.",
            "First aid training will be offered to all key holders in {month}.",
            "Lone working arrangements for staff at {place} were discussed.",
        ],
        "decisions": ["adopt the revised safeguarding policy", "install CCTV at the {place} entrance",
                      "replace the damaged {obj}"],
        "actions": ["complete the DBS checks", "update the risk register", "book the fire safety inspection",
                    "repair the loose {obj}", "send the incident report to the insurers"],
    },
    "comms": {
        "headings": ["Communications", "Publicity", "Newsletter", "Social Media", "Press and Media"],
        "sentences": [
            "The spring newsletter went to {n}00 households and several replies came back.",
            "Followers on social media have grown steadily since the {place} campaign.",
            "A press release about the {obj} will go to the local paper.",
            "Posters for the open day will be printed by {supplier}.",
            "The annual report design was agreed and printing costs {amount}.",
            "Members asked for the minutes to be published sooner on the website.",
        ],
        "decisions": ["publish the minutes within ten days", "print {n}00 copies of the newsletter"],
        "actions": ["draft the press release", "post the open day on social media", "order the posters",
                    "edit the spring newsletter", "update the noticeboard at {place}"],
    },
    "partners": {
        "headings": ["Partnerships", "Correspondence", "External Bodies", "Reports from Partners",
                     "District and County Matters"],
        "sentences": [
            "A letter from the {place} district council about the planning consultation was noted.",
            "The partnership with the {place} school continues, with {n} pupils volunteering.",
            "The county councillor reported on highways works on the {place} road.",
            "The neighbouring club proposed sharing the {obj} and the costs of upkeep.",
            "A memorandum of understanding with {supplier} is being drafted.",
            "The regional federation asked for feedback on its strategy by {date}.",
        ],
        "decisions": ["sign the memorandum of understanding", "respond to the planning consultation",
                      "share the {obj} with the neighbouring club"],
        "actions": ["reply to the district council", "send feedback to the federation",
                    "arrange a meeting with the {place} school", "draft the memorandum"],
    },
    "training": {
        "headings": ["Training", "Learning and Development", "Coaching", "Induction"],
        "sentences": [
            "A new induction pack for volunteers is nearly ready.",
            "{n} members completed the coaching course at {place}.",
            "Training on the new finance software will be given by {supplier}.",
            "Mentoring for new trustees was suggested and welcomed.",
            "The workshop on the {obj} was postponed to {month}.",
        ],
        "decisions": ["fund two places on the coaching course", "adopt the induction pack"],
        "actions": ["book the first aid course", "finish the induction pack", "arrange the trustee mentoring"],
    },
    "community": {
        "headings": ["Community Matters", "Residents' Concerns", "Public Participation", "Open Forum",
                     "Environment"],
        "sentences": [
            "Residents raised concerns about speeding traffic through {place}.",
            "The litter pick along the {place} brook collected {n}0 bags of rubbish.",
            "A request to plant trees on the green near the {obj} was welcomed.",
            "Parking near the school at {place} remains a problem at pick-up time.",
            "The community fridge scheme will start at the {place} hall in {month}.",
            "Flooding near the culvert at {place} was reported after the storm.",
        ],
        "decisions": ["support the tree planting scheme", "ask the county for a speed survey at {place}"],
        "actions": ["write to the highways authority about {place}", "organise the next litter pick",
                    "report the blocked culvert", "contact residents about the fridge scheme"],
    },
    "policy": {
        "headings": ["Policies", "Policy Review", "Data Protection", "Complaints", "Insurance and Legal"],
        "sentences": [
            "The data protection policy was reviewed against the regulator's latest guidance.",
            "A complaint from a hirer about the {obj} was investigated and answered.",
            "The insurance schedule was renewed with {supplier} at {amount}.",
            "Retention periods for paper records were agreed and old files will be shredded.",
            "The equal opportunities policy needs updating to reflect current law.",
            "Legal advice on the {place} boundary dispute cost {amount}.",
        ],
        "decisions": ["adopt the data protection policy", "renew the insurance with {supplier}",
                      "shred paper records older than {n} years"],
        "actions": ["update the equal opportunities policy", "reply to the complaint",
                    "shred the old records", "seek legal advice on the {place} boundary"],
    },
}
TOPIC_NAMES = list(TOPICS)

PROCEDURAL_OPEN = [("Apologies for Absence", ["Apologies were received and accepted from {apologies}."]),
                   ("Declarations of Interest", ["There were no declarations of interest.",
                                                 "{p} declared a personal interest in item {k}."]),
                   ("Minutes of the Previous Meeting", ["The minutes of the meeting held on {prev} were approved as a true record and signed by the Chair.",
                                                        "The minutes of {prev} were agreed with one correction to item {k}."]),
                   ("Matters Arising", ["There were no matters arising not covered elsewhere on the agenda.",
                                        "{p} confirmed that the {obj} had been delivered."])]
PROCEDURAL_CLOSE = [("Any Other Business", ["{p} raised the state of the {obj} at {place}.",
                                            "There was no other business.",
                                            "{q} thanked everyone for their help with the {place} event."]),
                    ("Date of Next Meeting", ["The next meeting will be held on {next} at {time} in the {place} room."])]


# ------------------------------------------------------------------------------------------ model


@dataclass
class Body:
    name: str
    kind: str
    people: list[tuple[str, str]]  # (name, role)
    style: int


@dataclass
class DocSpec:
    """What the generator put into one file (for renaming replicas)."""

    path: str
    body: str
    kind: str
    meeting_date: str
    people: list[str]  # full names, in roster order
    places: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


class Words:
    """Seeded random choices with the word lists above."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        w = [1.0 / (i + 1) ** 0.9 for i in range(len(OBJECTS))]
        self._obj_w = w

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(SURNAME_A)}{self.rng.choice(SURNAME_B)}"

    def place(self) -> str:
        """An invented place name; half of them have three syllables, so most are rare in an archive."""
        mid = self.rng.choice(PLACE_MID) if self.rng.random() < 0.5 else ""
        return self.rng.choice(PLACE_A) + mid + self.rng.choice(PLACE_B)

    def supplier(self) -> str:
        return f"{self.place()} {self.rng.choice(TRADE)}"

    def obj(self) -> str:
        return self.rng.choices(OBJECTS, weights=self._obj_w)[0].replace("-", " ")

    def amount(self) -> str:
        v = self.rng.choice([self.rng.randint(20, 999), self.rng.randint(10, 400) * 10, self.rng.randint(1, 90) * 250])
        cur = self.rng.choice(["£", "£", "$", "€"])
        return f"{cur}{v:,}"


def make_body(rng: random.Random, w: Words) -> Body:
    kind_name, kind = rng.choice(BODY_KINDS)
    if kind == "parish":
        name = f"{w.place()} {kind_name}"
    elif kind == "charity":
        name = f"{w.place()} {rng.choice(CHARITY_TOPICS)} {kind_name}"
    elif kind == "wg":
        name = f"{rng.choice(WG_TOPICS)} {kind_name}"
        if rng.random() < 0.6:
            name = f"{w.place()} {name}"
    else:
        name = f"{w.place()} {rng.choice(BODY_TOPICS)} {kind_name}" if "Association" not in kind_name \
            else f"{w.place()} {kind_name}"
    n = rng.randint(6, 13)
    names: list[str] = []
    while len(names) < n:
        p = w.person()
        if p not in names and p.split()[0] not in {x.split()[0] for x in names}:
            names.append(p)
    roles = ROLES[kind]
    people = [(names[i], roles[i] if i < len(roles) - 1 else roles[-1]) for i in range(n)]
    return Body(name, kind, people, rng.randint(0, 3))


def _fmt_date(d: date, style: int) -> str:
    if style == 0:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == 1:
        return f"{d.strftime('%A')} {d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == 2:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return d.isoformat()


# --------------------------------------------------------------------------------------- one doc


@dataclass
class Item:
    heading: str
    paras: list[str]
    decisions: list[str]
    actions: list[tuple[str, str, str]]  # (owner, task, due)


def _fill(t: str, ctx: dict, w: Words, spec: DocSpec) -> str:
    rng = w.rng
    vals = dict(ctx)
    if "{place}" in t:
        vals["place"] = rng.choice(spec.places)
    if "{supplier}" in t:
        vals["supplier"] = rng.choice(spec.suppliers)
    vals["obj"] = w.obj()
    vals["amount"] = w.amount()
    vals["amount2"] = w.amount()
    vals["n"] = rng.randint(2, 19)
    vals["k"] = rng.randint(3, 9)
    vals["p"] = rng.choice(ctx["present"])
    vals["q"] = rng.choice(ctx["present"])
    vals["month"] = rng.choice(MONTHS)
    vals["date"] = _fmt_date(ctx["mdate"] + timedelta(days=rng.randint(7, 80)), 0)
    vals["role"] = rng.choice(ROLES[ctx["kind"]])
    return t.format(**vals)


def make_doc(rng: random.Random, body: Body, mdate: date, path: str) -> tuple[str, list[Item], dict, DocSpec]:
    w = Words(rng)
    spec = DocSpec(path=path, body=body.name, kind=body.kind, meeting_date=mdate.isoformat(),
                   people=[p for p, _ in body.people],
                   places=[w.place() for _ in range(rng.randint(2, 4))],
                   suppliers=[w.supplier() for _ in range(rng.randint(1, 3))])
    people = list(body.people)
    absent = rng.sample(people[1:], k=min(len(people) - 2, rng.randint(0, 3)))
    present = [p for p in people if p not in absent]
    ctx = {"present": [p for p, _ in present], "kind": body.kind, "mdate": mdate,
           "apologies": ", ".join(p for p, _ in absent) or "nobody",
           "prev": _fmt_date(mdate - timedelta(days=rng.choice([28, 30, 35, 42, 56, 91])), 0)}
    topics = rng.sample(TOPIC_NAMES, k=rng.randint(3, 6))
    spec.topics = topics
    items: list[Item] = []
    for h, ts in PROCEDURAL_OPEN[: rng.randint(2, 4)]:
        if h.startswith("Apologies") and not absent:
            items.append(Item(h, ["No apologies were received."], [], []))
        else:
            items.append(Item(h, [_fill(rng.choice(ts), ctx, w, spec)], [], []))
    for t in topics:
        topic = TOPICS[t]
        heading = rng.choice(topic["headings"])
        paras = [_fill(s, ctx, w, spec) for s in rng.sample(topic["sentences"], k=rng.randint(2, min(5, len(topic["sentences"]))))]
        decisions = [_fill(d, ctx, w, spec) for d in rng.sample(topic["decisions"], k=rng.randint(0, min(2, len(topic["decisions"]))))]
        acts = []
        for a in rng.sample(topic["actions"], k=rng.randint(0, min(3, len(topic["actions"])))):
            owner = rng.choice(ctx["present"])
            due = mdate + timedelta(days=rng.randint(7, 90))
            acts.append((owner, _fill(a, ctx, w, spec), _fmt_date(due, rng.choice([0, 0, 2]))))
        items.append(Item(heading, paras, decisions, acts))
    nxt = mdate + timedelta(days=rng.choice([28, 35, 42, 56, 91]))
    ctx["next"] = _fmt_date(nxt, 1)
    ctx["time"] = rng.choice(["7.00pm", "7.30pm", "6.30 pm", "10am", "2.00pm", "19:00"])
    aob_h, aob_t = PROCEDURAL_CLOSE[0]
    if rng.random() < 0.7:
        items.append(Item(aob_h, [_fill(rng.choice(aob_t), ctx, w, spec)], [], []))
    items.append(Item(PROCEDURAL_CLOSE[1][0], [_fill(PROCEDURAL_CLOSE[1][1][0], ctx, w, spec)], [], []))
    meta = {"present": present, "absent": absent, "title": f"{body.name}",
            "date": _fmt_date(mdate, body.style % 3), "guests": [w.person()] if rng.random() < 0.3 else []}
    return body.name, items, meta, spec


def _decision_text(rng: random.Random, d: str, present: list[str]) -> str:
    k = rng.random()
    if k < 0.4:
        return f"RESOLVED: to {d}."
    if k < 0.7:
        return f"It was agreed to {d}."
    a, b = rng.sample(present, 2) if len(present) > 1 else (present[0], present[0])
    f, ag = rng.randint(4, 9), rng.randint(0, 2)
    return f"Motion to {d}. Proposed by {a}, seconded by {b}. Carried {f} for, {ag} against."


def _action_line(rng: random.Random, owner: str, task: str, due: str, style: int) -> str:
    if style == 0:
        return f"ACTION: {owner} to {task} by {due}."
    if style == 1:
        return f"Action - {owner} - {task} - {due}"
    if style == 2:
        return f"{owner} will {task} by {due}."
    return f"Action {owner}: {task} (due {due})."


# ------------------------------------------------------------------------------------- renderers


def render_text(rng, items, meta, style) -> str:
    lines = [meta["title"].upper() if style % 2 else meta["title"],
             f"Minutes of the meeting held on {meta['date']}", ""]
    present = meta["present"]
    chair = present[0][0]
    lines.append("Present: " + ", ".join(f"{p} ({r})" if r in ("Chair", "Clerk", "Treasurer") else p for p, r in present))
    if meta["absent"]:
        lines.append("Apologies: " + ", ".join(p for p, _ in meta["absent"]))
    if meta["guests"]:
        lines.append("In attendance: " + ", ".join(meta["guests"]))
    lines.append(f"Chair: {chair}")
    lines.append("")
    for i, it in enumerate(items, 1):
        lines.append(f"{i}. {it.heading}" if style != 3 else f"Item {i} - {it.heading}")
        lines.extend(it.paras)
        lines.extend(_decision_text(rng, d, [p for p, _ in present]) for d in it.decisions)
        lines.extend(_action_line(rng, o, t, d, style) for o, t, d in it.actions)
        lines.append("")
    lines.append(f"Minutes taken by {present[-1][0]}")
    return "\n".join(lines) + "\n"


def render_markdown(rng, items, meta, style) -> str:
    out = [f"# {meta['title']}", "", f"**Date:** {meta['date']}", ""]
    present = meta["present"]
    out.append("**Attendees:** " + ", ".join(f"{p} ({r})" if r not in ("Councillor", "Member", "Trustee", "Committee Member") else p for p, r in present))
    if meta["absent"]:
        out.append("")
        out.append("**Apologies:** " + ", ".join(p for p, _ in meta["absent"]))
    out.append("")
    table_actions: list[tuple[str, str, str]] = []
    for i, it in enumerate(items, 1):
        out.append(f"## {i}. {it.heading}")
        out.append("")
        for para in it.paras:
            out.append(f"- {para}" if style % 2 else para)
            if not style % 2:
                out.append("")
        if style % 2:
            out.append("")
        for d in it.decisions:
            out.append(f"**Decision:** {_decision_text(rng, d, [p for p, _ in present])}")
            out.append("")
        if style >= 2:
            table_actions += it.actions
        else:
            for o, t, d in it.actions:
                out.append(f"- **Action:** {o} to {t} by {d}")
            if it.actions:
                out.append("")
    if table_actions:
        out += ["## Actions", "", "| Owner | Action | Due |", "|---|---|---|"]
        out += [f"| {o} | {t} | {d} |" for o, t, d in table_actions]
        out.append("")
    return "\n".join(out) + "\n"


def render_html(rng, items, meta, style) -> str:
    e = html.escape
    present = meta["present"]
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">", f"<title>{e(meta['title'])}</title></head><body>",
           f"<h1>{e(meta['title'])}</h1>", f"<p>Minutes of the meeting held on {e(meta['date'])}</p>",
           "<p><strong>Present:</strong> " + e(", ".join(p for p, _ in present)) + "</p>"]
    if meta["absent"]:
        out.append("<p><strong>Apologies:</strong> " + e(", ".join(p for p, _ in meta["absent"])) + "</p>")
    out.append(f"<p><strong>Chair:</strong> {e(present[0][0])}</p>")
    for i, it in enumerate(items, 1):
        out.append(f"<h2>{i}. {e(it.heading)}</h2>")
        out += [f"<p>{e(p)}</p>" for p in it.paras]
        out += [f"<p><em>{e(_decision_text(rng, d, [p for p, _ in present]))}</em></p>" for d in it.decisions]
        if it.actions:
            if style % 2:
                out.append("<table><tr><th>Owner</th><th>Action</th><th>Due</th></tr>")
                out += [f"<tr><td>{e(o)}</td><td>{e(t)}</td><td>{e(d)}</td></tr>" for o, t, d in it.actions]
                out.append("</table>")
            else:
                out.append("<ul>" + "".join(f"<li>ACTION: {e(o)} to {e(t)} by {e(d)}</li>" for o, t, d in it.actions) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_docx(rng, items, meta, style, path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading(meta["title"], level=0)
    d.add_paragraph(f"Minutes of the meeting held on {meta['date']}")
    present = meta["present"]
    d.add_paragraph("Present: " + ", ".join(p for p, _ in present))
    if meta["absent"]:
        d.add_paragraph("Apologies: " + ", ".join(p for p, _ in meta["absent"]))
    for i, it in enumerate(items, 1):
        d.add_heading(f"{i}. {it.heading}", level=1)
        for p in it.paras:
            d.add_paragraph(p)
        for x in it.decisions:
            d.add_paragraph(_decision_text(rng, x, [p for p, _ in present]))
        for o, t, due in it.actions:
            d.add_paragraph(f"ACTION: {o} to {t} by {due}")
    d.save(str(path))


# -------------------------------------------------------------------------------------------- api


def make_bodies(seed: int, n: int) -> list[Body]:
    rng = random.Random(seed * 7919 + 1)
    w = Words(rng)
    bodies, names = [], set()
    while len(bodies) < n:
        b = make_body(rng, w)
        if b.name not in names:
            names.add(b.name)
            bodies.append(b)
    return bodies


def generate(out_dir: str | Path, count: int, *, seed: int = 1, formats: tuple[str, ...] = ("txt", "md", "html"),
             bodies: int = 40, start: date = date(2016, 1, 1), years: int = 9) -> list[DocSpec]:
    """Write ``count`` minutes into ``out_dir`` (created) and return what each one contains."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bs = make_bodies(seed, bodies)
    specs = []
    for i in range(count):
        body = bs[i % len(bs)]
        mdate = start + timedelta(days=rng.randint(0, 365 * years))
        fmt = formats[i % len(formats)]
        slug = "".join(c if c.isalnum() else "-" for c in body.name.lower())[:40].strip("-")
        path = out / f"{i:05d}_{slug}_{mdate.isoformat()}.{fmt}"
        _, items, meta, spec = make_doc(rng, body, mdate, str(path))
        style = body.style
        if fmt == "txt":
            path.write_text(render_text(rng, items, meta, style), encoding="utf-8")
        elif fmt == "md":
            path.write_text(render_markdown(rng, items, meta, style), encoding="utf-8")
        elif fmt == "html":
            path.write_text(render_html(rng, items, meta, style), encoding="utf-8")
        elif fmt == "docx":
            render_docx(rng, items, meta, style, path)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        specs.append(spec)
    return specs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default="txt,md,html")
    ap.add_argument("--bodies", type=int, default=40)
    args = ap.parse_args()
    specs = generate(args.out_dir, args.count, seed=args.seed, formats=tuple(args.formats.split(",")), bodies=args.bodies)
    (args.out_dir / "manifest.json").write_text(json.dumps([asdict(s) for s in specs], indent=1), encoding="utf-8")
    print(f"wrote {len(specs)} documents to {args.out_dir}")


if __name__ == "__main__":
    main()
