"""The built-in stages, registered by name. Each is thin: it calls the module that does the work."""

from __future__ import annotations

from pipeline.core.stage import State, stage


@stage("extract", requires=("path",), assigns=("document",))
def extract_stage(state: State) -> None:
    from pipeline.extract import ReadOptions, read_document

    opts = state.options
    # every ReadOptions limit can be set through the options (batch Limits, API callers); unset keeps the default
    fields = {k: opts[k] for k in ReadOptions.__dataclass_fields__ if opts.get(k) is not None}
    state.document = read_document(state.path, as_format=opts.get("as_format"), options=ReadOptions(**fields))


@stage("structure", requires=("document",), assigns=("structure", "meeting"))
def structure_stage(state: State) -> None:
    from pipeline.structure.build import build_meeting
    from pipeline.structure.structure import structure

    state.structure = structure(state.document)
    state.meeting = build_meeting(state.document, state.structure)


@stage("detect", requires=("document", "structure", "meeting"), assigns=("parsed", "people", "actions", "decisions"))
def detect_stage(state: State) -> None:
    from pipeline.detect.detect import detect
    from pipeline.detect.nlp import shared_spacy

    state.parsed = detect(state.document, state.structure, state.meeting, nlp=shared_spacy())


@stage("themes", requires=("document", "meeting", "parsed"), assigns=("sections", "themes"))
def themes_stage(state: State) -> None:
    from pipeline.structure.sections import section_texts
    from pipeline.themes.tagger import shared_tagger

    if state.sections is None:
        state.sections = section_texts(state.document, state.meeting, state.parsed)
    tagger = shared_tagger(state.options.get("themes_file"))
    detail = tagger.tag(state.sections, state.document)
    state.meeting.theme_detail = detail
    state.meeting.themes = {d.section: [lab.label for lab in d.labels] for d in detail if d.labels}
    state.meeting.models["encoder"] = tagger.model_name


@stage("summarise", requires=("document", "meeting", "parsed"), assigns=("sections", "summaries"))
def summarise_stage(state: State) -> None:
    from pipeline.structure.sections import section_texts
    from pipeline.summarise.summarise import get_summariser, summarise_sections

    if state.sections is None:
        state.sections = section_texts(state.document, state.meeting, state.parsed)
    summariser = get_summariser(state.options.get("summariser"))
    # attendance and action-list sections are the draft's attendance and actions parts, not discussion
    discussion = [s for s in state.sections if not _record_section(s.heading)]
    state.meeting.summaries = summarise_sections(discussion, state.document, summariser)
    state.meeting.models["summariser"] = getattr(summariser, "name", "extractive")


def _record_section(heading: str) -> bool:
    """'Members', 'Attendance', 'Apologies', 'Actions', 'Action items': sections that hold a list the
    record already has in structured form."""
    import re

    from pipeline.detect.actions import _ACTION_SECTION
    from pipeline.structure.attendance import attendance_role

    h = re.sub(r"^\W*\d+(\.\d+)*[.)]?\s*", "", heading).strip().rstrip(":")
    return bool(_ACTION_SECTION.match(h)) or attendance_role(h) in ("present", "apologies", "absent", "guests")
