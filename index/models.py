"""The typed boundary of the engine: what `bot/` and the CLI see of letters and answers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class LetterRef(BaseModel):
    """What an answer says about the letter a passage comes from."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    date: dt.date | None = None
    lbr: str | None = None
    kenmerk: str | None = None
    url: str | None = None

    def citation(self) -> str:
        """'Lbr. 24/007 · 19 maart 2024' (the parts that are known)."""
        from index.dates import format_dutch

        parts = [self.lbr, format_dutch(self.date) if self.date else None]
        return " · ".join(p for p in parts if p)


class Letter(LetterRef):
    """One member letter as loaded from `letters/`."""

    source: str = Field(description="file name inside the letters directory")
    content_hash: str
    body: str = Field(description="the letter text, Markdown-ish, without front matter")

    def ref(self) -> LetterRef:
        return LetterRef(**self.model_dump(include=set(LetterRef.model_fields)))


class Chunk(BaseModel):
    """A passage of a letter, the unit that is embedded and searched."""

    model_config = ConfigDict(frozen=True)

    letter_id: str
    position: int = Field(description="0-based order of the chunk within its letter")
    heading: str | None = None
    text: str
    page: int | None = None
    page_starts: list[tuple[int, int]] | None = Field(
        None, description="(offset in text, page) where a chunk spans pages"
    )

    def page_at(self, offset: int) -> int | None:
        page = self.page
        for start, number in self.page_starts or []:
            if start <= offset:
                page = number
        return page


class Passage(BaseModel):
    """One search hit: the chunk text, its score and the letter it belongs to."""

    text: str
    highlight: str | None = Field(None, description="the sentence of `text` that best matches")
    score: float
    link: str | None
    letter: LetterRef
    dates: list[dt.date] = Field(default_factory=list, description="dates the passage mentions")


class EventInfo(BaseModel):
    """A dated event a letter mentions, as the answer to "when is the next …?"."""

    term: str = Field(description="what the question asked about, as the member wrote it (\"BOFv\")")
    date: dt.date
    upcoming: bool = Field(description="on or after today; else the latest the letters know, in the past")
    sentence: str
    letter: LetterRef


class Answer(BaseModel):
    question: str
    found: bool
    passages: list[Passage]
    unknown_reference: str | None = Field(
        None, description="a letter number or kenmerk the question names that no indexed letter has"
    )
    event: EventInfo | None = Field(None, description="for \"when is the next …?\": the event date found")
    newer: LetterRef | None = Field(None, description="a newer letter on the same topic than the one quoted")


class FileProblem(BaseModel):
    """A letter file that was skipped or loaded with a caveat, and why."""

    file: str
    reason: str


class ReindexReport(BaseModel):
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks_embedded: int = 0
    letters: int = 0
    chunks: int = 0
    skipped: list[FileProblem] = Field(default_factory=list)
    warnings: list[FileProblem] = Field(default_factory=list)
    added_letters: list[LetterRef] = Field(default_factory=list, exclude=True)
    changed_letters: list[LetterRef] = Field(default_factory=list, exclude=True)
    removed_letters: list[LetterRef] = Field(default_factory=list, exclude=True)


class IndexStatus(BaseModel):
    letters: int
    chunks: int
    built_at: dt.datetime
    model: str
