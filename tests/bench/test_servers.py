"""The benchmark's bots: their endpoints files (the processes are started by bot/harness.py)."""

import yaml

from bench import servers


def test_ours_writes_a_new_sqlite_store_at_each_start_and_a_shared_action_server(tmp_path):
    bot = servers.ours(servers.OUR_MODEL, tmp_path)
    first = yaml.safe_load(bot._endpoints(1234).read_text())
    second = yaml.safe_load(bot._endpoints(1234).read_text())
    assert first["action_endpoint"] == {"url": "http://127.0.0.1:1234/webhook"}
    assert first["tracker_store"]["dialect"] == "sqlite"
    assert first["tracker_store"]["db"] != second["tracker_store"]["db"], "each start begins with no conversations"
    bot.sqlite_tracker, bot.endpoints_extra = False, "lock_store:\n  type: x\n"
    assert yaml.safe_load(bot._endpoints(0).read_text()) == {"lock_store": {"type": "x"}}
    assert bot.url == "" and bot.rasa is None and bot.rss_mb() == {"rasa": None, "actions": None}
