"""The typed boundary of the engine: what `bot/` and the CLI see of letters and answers."""

from __future__ import annotations

import datetime as dt

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Where a letter's date comes from, most to least reliable: its front matter or sidecar (or
# the web page's own date), the date line of its header, a date in its title, its Lbr number
# (year and place in the year's sequence), or the latest full date it mentions.
DateSource = Literal["metadata", "header", "title", "number", "mentioned"]
ESTIMATED = ("title", "number", "mentioned")


class LetterRef(BaseModel):
    """What an answer says about the letter a passage comes from."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    date: dt.date | None = None
    date_source: DateSource | None = Field(None, description="where `date` comes from; title/number/mentioned are estimates")
    lbr: str | None = None
    kenmerk: str | None = None
    url: str | None = None

    @property
    def date_estimated(self) -> bool:
        return self.date is not None and self.date_source in ESTIMATED

    def date_label(self, lang: str = "nl") -> str | None:
        """'19 maart 2024', or for an estimate 'mei 2024 (datum geschat)'."""
        from index.dates import format_date, format_month

        if self.date is None:
            return None
        if self.date_estimated:
            return f"{format_month(self.date, lang)} ({'datum geschat' if lang == 'nl' else 'date estimated'})"
        return format_date(self.date, lang)

    def citation(self, lang: str = "nl") -> str:
        """'Lbr. 24/007 · 19 maart 2024' (the parts that are known)."""
        return " · ".join(p for p in [self.lbr, self.date_label(lang)] if p)


class Letter(LetterRef):
    """One member letter as loaded from `letters/`."""

    source: str = Field(description="file name inside the letters directory")
    field_sources: dict[str, str] = Field(
        default_factory=dict,
        description="where each metadata field came from: front matter, sidecar, page, header, title, number, "
                    "mentioned, file name",
    )
    content_hash: str
    body: str = Field(description="the letter text, Markdown-ish, without front matter")

    def ref(self) -> LetterRef:
        return LetterRef(**self.model_dump(include=set(LetterRef.model_fields)))


PassageKind = Literal["content", "letterhead", "signature"]


class Chunk(BaseModel):
    """A passage of a letter, the unit that is embedded and searched."""

    model_config = ConfigDict(frozen=True)

    letter_id: str
    position: int = Field(description="0-based order of the chunk within its letter")
    kind: PassageKind = Field(
        "content", description="letterhead (labels, number, salutation) and signature blocks are never an answer")
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


class Missing(BaseModel):
    """What the question asks that no letter covers, for a "not in the letters" reply."""

    terms: list[str] = Field(default_factory=list, description="distinctive words no passage has (\"meicirculaire\")")
    periods: list[str] = Field(default_factory=list, description="years, months or dates asked that no letter matches")
    subject: str = Field(description="the member's own words for what is missing: \"de ALV van juni 2023\"")
    sentence: str = Field(description="one sentence saying so, in the question's language")
    offer: str | None = Field(None, description="what the letters do have instead, as one sentence")
    nearest: list[LetterRef] = Field(default_factory=list, description="the letters closest to the question")


class Answer(BaseModel):
    question: str
    found: bool
    passages: list[Passage]
    unknown_reference: str | None = Field(
        None, description="a letter number or kenmerk the question names that no indexed letter has"
    )
    event: EventInfo | None = Field(None, description="for \"when is the next …?\": the event date found")
    newer: LetterRef | None = Field(None, description="a newer letter on the same topic than the one quoted")
    missing: Missing | None = Field(None, description="when not found although the letters cover the topic: what is missing")


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
