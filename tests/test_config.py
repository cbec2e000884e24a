"""Configuration from the environment."""
import threading

from safety.config import _secret_key, normalise_database_url


def test_a_generated_secret_key_is_the_same_for_processes_starting_together(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys, barrier = [], threading.Barrier(12)

    def start():
        barrier.wait()
        keys.append(_secret_key(tmp_path / "instance"))

    threads = [threading.Thread(target=start) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) >= 64
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]
    assert _secret_key(tmp_path / "instance") == keys[0]  # kept across restarts


def test_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert _secret_key(tmp_path) == "from-the-environment" and not any(tmp_path.iterdir())


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
