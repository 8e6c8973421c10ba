"""The built-in stages, registered by name. Each is thin: it calls the module that does the work."""

from __future__ import annotations

from .components import State, stage


@stage("extract", requires=("path",), assigns=("document",))
def extract_stage(state: State) -> None:
    from .extract import ReadOptions, read_document

    opts = state.options
    state.document = read_document(state.path, as_format=opts.get("as_format"),
                                   options=ReadOptions(encoding=opts.get("encoding"),
                                                       max_bytes=opts.get("max_bytes", ReadOptions.max_bytes),
                                                       max_pages=opts.get("max_pages", ReadOptions.max_pages)))


@stage("structure", requires=("document",), assigns=("structure", "meeting"))
def structure_stage(state: State) -> None:
    from .build import build_meeting
    from .structure import structure

    state.structure = structure(state.document)
    state.meeting = build_meeting(state.document, state.structure)


@stage("detect", requires=("document", "structure", "meeting"), assigns=("people", "actions", "decisions"))
def detect_stage(state: State) -> None:
    from .detect import detect
    from .nlp import shared_spacy

    detect(state.document, state.structure, state.meeting, nlp=shared_spacy())
