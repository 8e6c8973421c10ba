"""The built-in stages, registered by name in this one place (spaCy's ``factories.py``: registrations
gathered where they cannot loop). Each stage is thin: it calls the module that does the work and
declares the fields of ``State`` it reads and writes.

    extract -> structure -> detect -> sections -> themes -> summarise [-> vectors]

``build_pipeline(names)`` is how the library, the CLI, the batch tagger and the web draft get a
checked ``Pipeline``; ``vectors`` (one embedding per section, for the archive's search) is added by
``tag``.
"""

from __future__ import annotations

import importlib
import re
from typing import Sequence

from pipeline.core.runner import Pipeline
from pipeline.core.stage import State, registered, stage

DEFAULT_STAGES = ("extract", "structure", "detect", "sections", "themes", "summarise")


def build_pipeline(names: Sequence[str] | None = None, *, plugins: Sequence[str] = ()) -> Pipeline:
    """A checked pipeline of the named stages (default: ``DEFAULT_STAGES``). ``plugins`` are modules
    imported first so that the stages they register can be named. ``run_all`` splits a file that holds
    several meetings (``pipeline.structure.meetings``)."""
    for module in plugins:
        importlib.import_module(module)
    return Pipeline(list(names or DEFAULT_STAGES), registry=registered(), splitter=_split_meetings)


def _split_meetings(document):
    from pipeline.structure.meetings import split_document

    return split_document(document)


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


@stage("sections", requires=("document", "meeting"), assigns=("sections",))
def sections_stage(state: State) -> None:
    """Each section's own text split into sentences (spaCy's sentences when detect ran)."""
    from pipeline.structure.sections import section_texts

    state.sections = section_texts(state.document, state.meeting, state.parsed)


@stage("themes", requires=("document", "meeting", "sections"), assigns=("themes",))
def themes_stage(state: State) -> None:
    from pipeline.themes.tagger import shared_tagger

    tagger = shared_tagger(state.options.get("themes_file"))
    detail = tagger.tag(state.sections, state.document)
    state.meeting.theme_detail = detail
    state.meeting.themes = {d.section: [lab.label for lab in d.labels] for d in detail if d.labels}
    state.meeting.models["encoder"] = tagger.model_name


@stage("summarise", requires=("document", "meeting", "sections"), assigns=("summaries",))
def summarise_stage(state: State) -> None:
    from pipeline.summarise.registry import get_summariser, summarise_sections

    summariser = get_summariser(state.options.get("summariser"))
    # attendance and action-list sections are the draft's attendance and actions parts, not discussion
    discussion = [s for s in state.sections if not _record_section(s.heading)]
    state.meeting.summaries = summarise_sections(discussion, state.document, summariser)
    state.meeting.models["summariser"] = getattr(summariser, "name", "extractive")


@stage("vectors", requires=("document", "meeting", "sections"), assigns=("vectors",))
def vectors_stage(state: State) -> None:
    from pipeline.themes.vectors import section_vectors

    state.vectors = section_vectors(state.meeting, state.document, state.sections)


def _record_section(heading: str) -> bool:
    """'Members', 'Attendance', 'Apologies', 'Actions', 'Action items': sections that hold a list the
    record already has in structured form."""
    from pipeline.detect.actions import is_action_heading
    from pipeline.structure.attendance import attendance_role

    h = re.sub(r"^\W*\d+(\.\d+)*[.)]?\s*", "", heading).strip().rstrip(":")
    return is_action_heading(h) or attendance_role(h) in ("present", "apologies", "absent", "guests")
