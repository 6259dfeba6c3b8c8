import pytest

from bot.channels import guard


@pytest.fixture(autouse=True)
def fresh_rate_limit(monkeypatch):
    """Each test starts with an empty rate limit (it is per process, and the tests send many messages)."""
    monkeypatch.setattr(guard, "RATE_LIMIT", guard.RateLimit())
