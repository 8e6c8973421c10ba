"""The summariser interface: ``summarise(section, doc) -> SectionSummary``. Configuration is taken in
``__init__``; models are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from pipeline.core.errors import MinutebookError
from pipeline.core.record import SectionSummary

if TYPE_CHECKING:  # pragma: no cover

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


class SummariserNotFound(MinutebookError):
    code = "MB015"
    default_hint = ("pass a folder that transformers can load with from_pretrained; "
                    "minutebook never downloads models")


class Summariser:
    """The interface: ``summarise(section, doc) -> SectionSummary``."""

    name = "summariser"

    def summarise(self, section: "SectionText", doc: "Document") -> SectionSummary:  # pragma: no cover
        raise NotImplementedError

    def summarise_many(self, sections: Sequence["SectionText"], doc: "Document") -> list[SectionSummary]:
        return [self.summarise(s, doc) for s in sections]
