"""`rasa run` with the API token from the environment, never on the command line."""

import pytest

from bot.cli.run_rasa import api_token, rasa_argv


def test_without_a_token_the_api_stays_off(monkeypatch):
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RASA_AUTH_TOKEN_FILE", raising=False)
    assert api_token() is None
    assert rasa_argv(["--port", "5005"], None) == ["rasa", "run", "--port", "5005"]


def test_the_token_comes_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("RASA_AUTH_TOKEN", "s3cret")
    assert rasa_argv([], api_token())[-3:] == ["--enable-api", "--auth-token", "s3cret"]
    monkeypatch.delenv("RASA_AUTH_TOKEN")
    secret = tmp_path / "token"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("RASA_AUTH_TOKEN_FILE", str(secret))
    assert api_token() == "from-a-file"


def test_a_token_on_the_command_line_is_refused():
    with pytest.raises(SystemExit):
        rasa_argv(["--auth-token", "visible-in-ps"], None)
