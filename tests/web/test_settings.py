from pathlib import Path

from web.settings import WebSettings


def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RECHNUNGSLAUF_VAR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("RECHNUNGSLAUF_DOCUMENTS", str(tmp_path))
    monkeypatch.setenv("RECHNUNGSLAUF_MAX_UPLOAD_BYTES", "1234")
    monkeypatch.setenv("RECHNUNGSLAUF_SECURE_COOKIES", "0")
    settings = WebSettings.from_env(page_size=7)
    assert settings.database_url == "sqlite:///x.db" and settings.documents_root == Path(tmp_path)
    assert settings.max_upload_bytes == 1234 and settings.secure_cookies is False and settings.page_size == 7


def test_secure_cookies_follow_the_scheme_unless_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("RECHNUNGSLAUF_VAR", str(tmp_path))
    monkeypatch.delenv("RECHNUNGSLAUF_SECURE_COOKIES", raising=False)
    assert WebSettings.from_env().secure_cookies is None
    monkeypatch.setenv("RECHNUNGSLAUF_SECURE_COOKIES", "ja")
    assert WebSettings.from_env().secure_cookies is True


def test_the_signing_key_survives_a_restart(monkeypatch, tmp_path):
    monkeypatch.setenv("RECHNUNGSLAUF_VAR", str(tmp_path))
    monkeypatch.delenv("RECHNUNGSLAUF_SESSION_SECRET", raising=False)
    first, second = WebSettings.from_env(), WebSettings.from_env()
    assert first.session_secret == second.session_secret and len(first.session_secret) >= 32
    assert (tmp_path / "web-secret").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("RECHNUNGSLAUF_SESSION_SECRET", "von-aussen")
    assert WebSettings.from_env().session_secret == "von-aussen"
