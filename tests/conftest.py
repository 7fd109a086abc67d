"""Shared fixtures: the real offline model (loaded once) and a real index of letters/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.api import Engine
from index.embedding import Embedder
from index.settings import EngineSettings

REPO = Path(__file__).resolve().parent.parent
LETTERS = REPO / "letters"
SEED = LETTERS / "seed-update-vng-inzet-kabinetsformatie.md"
CACHE = Path(os.environ.get("LEDENBOT_CACHE_DIR", Path.home() / ".cache" / "ledenbot"))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder.load(None, CACHE)


def make_engine(index_dir: Path, letters_dir: Path, embedder: Embedder, **settings) -> Engine:
    return Engine(
        EngineSettings(index_dir=index_dir, letters_dir=letters_dir, cache_dir=CACHE, **settings),
        embedder=embedder,
    )


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory, embedder) -> Engine:
    """An engine over a real on-disk index of the shipped letters (built once)."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    engine = make_engine(index_dir, LETTERS, embedder)
    engine.reindex()
    return engine


@pytest.fixture()
def letters_copy(tmp_path) -> Path:
    """A private, writable copy of the shipped letters."""
    target = tmp_path / "letters"
    shutil.copytree(LETTERS, target)
    return target


def write_letter(directory: Path, name: str, title: str, body: str, **front) -> Path:
    lines = ["---", f'title: "{title}"'] + [f'{k}: "{v}"' for k, v in front.items()] + ["---", body]
    path = directory / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole test session (tests/pg_server.py)."""
    from pg_server import PostgresServer

    server = PostgresServer().start()
    yield server
    server.close()


@pytest.fixture()
def database_url(postgres) -> str:
    """A fresh, empty database on the session's server."""
    return postgres.new_database()
