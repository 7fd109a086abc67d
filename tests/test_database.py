"""DATABASE_URL on a real PostgreSQL server: migrations, shared state, published builds."""

from __future__ import annotations

import os
import subprocess
import threading

import psycopg

from bot.state import State
from conftest import make_engine
from index.database import connect, migrate
from test_replicas import add_new_letter, small_letters
from test_serve import LEDENBOT


def test_migrations_apply_once_even_when_replicas_start_together(database_url):
    results, databases = [], [connect(database_url) for _ in range(4)]
    threads = [threading.Thread(target=lambda d=d: results.append(migrate(d))) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(len, results))[-1] >= 3 and sum(map(len, results)) == sorted(map(len, results))[-1]
    with psycopg.connect(database_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions[:3] == ["0001_state", "0002_builds", "0003_letters"]
    for database in databases:
        database.close()
    env = {**os.environ, "DATABASE_URL": database_url}
    again = subprocess.run([LEDENBOT, "migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout.strip() == "The database is up to date."


def test_migrate_names_a_bad_url_in_one_sentence(tmp_path):
    env = {**os.environ, "DATABASE_URL": "mysql://nope"}
    result = subprocess.run([LEDENBOT, "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "DATABASE_URL must be a postgresql://" in result.stderr


def test_two_replicas_share_state_exactly_once(database_url):
    one, two = State(connect(database_url)), State(connect(database_url))
    migrate(one.db)
    assert one.first_time("Ev1") and not two.first_time("Ev1")
    answer_id = one.save_answer("Wanneer is de ALV?", ["alv"])
    stored = two.answer(answer_id)
    assert stored.letter_ids == ["alv"] and two.vote(stored, "U1", 1) and one.vote(stored, "U1", -1)
    assert [(v.user_id, v.vote) for v in two.votes()] == [("U1", -1)]  # voting again replaces
    assert one.claim_announcement("brief", "C1") and not two.claim_announcement("brief", "C1")
    with one.exclusive("announce") as mine, two.exclusive("announce") as theirs:
        assert mine and not theirs
    with two.exclusive("announce") as theirs:  # released by the first holder
        assert theirs


def test_a_fresh_engine_on_an_empty_disk_serves_the_published_build_without_embedding(tmp_path, embedder,
                                                                                        database_url):
    letters = small_letters(tmp_path / "letters")
    first = make_engine(tmp_path / "one", letters, embedder, database_url=database_url)
    assert first.reindex().chunks_embedded == 2
    fresh = make_engine(tmp_path / "two", letters, embedder, database_url=database_url)
    answer = fresh.ask("Wanneer is het volgende BOFv?")
    assert answer.found and answer.passages[0].letter.id == "bofv"
    assert fresh.reindex().chunks_embedded == 0  # every vector came from the database
    add_new_letter(letters, database_url)
    assert fresh.reindex().chunks_embedded == 1
    assert first.refresh() and first.ask("hondenbelasting afschaffen").passages[0].letter.id == "hondenbelasting"
    with psycopg.connect(database_url) as conn:  # old builds are pruned: the current one and one before
        assert conn.execute("SELECT count(*) FROM builds").fetchone()[0] == 2


def test_the_database_letter_store_keeps_the_directory_contract(tmp_path, database_url):
    from index.db_letter_store import DatabaseLetterStore
    from index.letter_store import DirectoryLetterStore

    database = connect(database_url)
    migrate(database)
    store = DatabaseLetterStore(database)
    letters = small_letters(tmp_path / "letters")
    (letters / "alv.yml").write_text("url: https://vng.nl/brieven/alv-2024\n")
    assert store.seed_from(DirectoryLetterStore(letters)) == 2
    assert store.seed_from(DirectoryLetterStore(letters)) == 0  # only an empty store is seeded
    assert [f.name for f in store.files()] == ["alv.md", "bofv.md"]
    data, sidecar = store.read("alv.md")
    assert data == (letters / "alv.md").read_bytes() and b"alv-2024" in sidecar
    name = store.add("alv.md", b"Tweede brief over de ALV.", {"title": "ALV 2025", "url": ""})
    assert name == "alv-2.md" and store.read(name) == (b"Tweede brief over de ALV.", b"title: ALV 2025\n")
    store.remove("alv.md")
    assert [f.name for f in store.files()] == ["alv-2.md", "bofv.md"]
    assert store.seed_from(DirectoryLetterStore(letters)) == 0  # a removed letter does not come back
