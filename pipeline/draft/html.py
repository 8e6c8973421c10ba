"""The draft as one standalone HTML page (``templates/draft.html``): inline CSS, no scripts, no
external resources; every text escaped by Jinja2's autoescape.
"""

from __future__ import annotations

from pathlib import PurePath

from pipeline.draft.model import (
    Draft,
    SectionRef,
    clean_text,
    clean_tree,
    date_differs,
    decision_extra,
    ref_label,
    version_of,
)

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


def _html_env():
    from jinja2 import Environment, PackageLoader

    return Environment(loader=PackageLoader("pipeline.draft", "templates"), autoescape=True, trim_blocks=False,
                       lstrip_blocks=False)


def render_html(draft: Draft) -> str:
    """The draft as one standalone HTML page: inline CSS, no scripts, no external resources."""
    from markupsafe import Markup, escape

    def link(ref: SectionRef, bold: bool = False) -> Markup:
        # the href is built here from an integer index: never from document text
        text = escape(clean_text(ref_label(ref)))
        if bold:
            text = Markup("<strong>") + text + Markup("</strong>")
        return Markup('<a href="#section-%d">') % ref.index + text + Markup("</a>")

    a = draft.attendance
    attendance = [(label, [clean_text(n) for n in names]) for label, names in (
        ("Chair", [a.chair] if a.chair else []), ("Present", a.present), ("Apologies", a.apologies),
        ("Guests", a.guests), ("Absent", a.absent), ("Minutes", [a.minutes] if a.minutes else [])) if names]
    tpl = _html_env().get_template("draft.html")
    clean = Draft.model_validate(clean_tree(draft.model_dump()))
    return tpl.render(d=clean, version=version_of(clean), date_differs=date_differs(clean), source=PurePath(clean.source_file).name, attendance=attendance, link=link,
                      label=ref_label, extra=decision_extra)
