"""`rechnungslauf migrate` and friends answer clearly, also when the database is not ready."""

from sqlalchemy import inspect

import cli
from storage.commands import migrate_and_load
from storage.db import make_engine
from tests.storage.helpers import DEMO_CONFIG


def test_migrate_creates_the_schema(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["migrate"]) == 0
    assert "neuesten Stand" in capsys.readouterr().out
    engine = make_engine(url)
    assert "task" in inspect(engine).get_table_names()
    engine.dispose()


def test_audit_verify_on_an_unmigrated_database_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["audit", "verify"]) == 1
    assert "rechnungslauf migrate" in capsys.readouterr().err


def test_unreachable_postgres_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")
    assert cli.main(["migrate"]) == 1
    assert "Datenbankfehler" in capsys.readouterr().err


def test_missing_config_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    assert cli.main(["config", "load", str(tmp_path / "missing.toml")]) == 1
    assert "config.not_found" in capsys.readouterr().err


def test_migrate_and_load_for_serve(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    assert migrate_and_load(DEMO_CONFIG, url).created["city"] == 9
    assert not migrate_and_load(DEMO_CONFIG, url).changed
