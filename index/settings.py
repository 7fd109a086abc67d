"""Engine settings from the environment (and a local `.env`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.store import ANN_THRESHOLD


def _default_cache() -> Path:
    return Path.home() / ".cache" / "ledenbot"


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    embedding_model: str | None = Field(
        None,
        validation_alias=AliasChoices("EMBEDDING_MODEL", "embedding_model"),
        description="sentence-transformers id or path; empty = built-in offline multilingual-e5-small",
    )
    encoder: str | None = Field(
        None,
        validation_alias=AliasChoices("LEDENBOT_ENCODER", "encoder"),
        description="how the built-in model runs: onnx-int8 (default), onnx-fp32 or torch",
    )
    letters_dir: Path = Field(Path("letters"), validation_alias=AliasChoices("LETTERS_DIR", "letters_dir"))
    index_dir: Path = Field(Path(".ledenbot/index"), validation_alias=AliasChoices("INDEX_DIR", "index_dir"))
    cache_dir: Path = Field(
        default_factory=_default_cache, validation_alias=AliasChoices("LEDENBOT_CACHE_DIR", "cache_dir")
    )
    relevance_margin: float = Field(
        0.03,
        validation_alias=AliasChoices("LEDENBOT_RELEVANCE_MARGIN", "relevance_margin"),
        description="how much closer than off-topic text a passage must be to count as an answer",
    )
    max_question_chars: int = Field(
        2000, validation_alias=AliasChoices("LEDENBOT_MAX_QUESTION_CHARS", "max_question_chars")
    )
    max_letter_mb: float = Field(5.0, validation_alias=AliasChoices("LEDENBOT_MAX_LETTER_MB", "max_letter_mb"))
    fetch_allow_private: bool = Field(
        False,
        validation_alias=AliasChoices("LEDENBOT_FETCH_ALLOW_PRIVATE", "fetch_allow_private"),
        description="let staff add letters from private/intranet addresses (off: only public web addresses)",
    )
    fetch_timeout: float = Field(20.0, validation_alias=AliasChoices("LEDENBOT_FETCH_TIMEOUT", "fetch_timeout"))
    ann_threshold: int = Field(
        ANN_THRESHOLD,
        validation_alias=AliasChoices("LEDENBOT_ANN_THRESHOLD", "ann_threshold"),
        description="from this many passages on, the vector index is HNSW instead of exact",
    )

    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
        description="postgresql://…: letters, builds and bot state in PostgreSQL (shared by replicas)",
    )

    @field_validator("embedding_model", "encoder", "database_url", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
