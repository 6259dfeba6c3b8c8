import threading
from http.server import ThreadingHTTPServer

import requests

from bot.cli.serve_web import make_handler
from bot.settings import clinician_view_enabled


def test_the_clinician_view_is_off_by_default():
    assert not clinician_view_enabled({})
    assert clinician_view_enabled({"CLINICIAN_VIEW": "true"})


def test_the_clinician_page_is_not_served_unless_switched_on(monkeypatch):
    monkeypatch.delenv("CLINICIAN_VIEW", raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("http://127.0.0.1:1", "911"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert requests.get(f"{url}/clinician", timeout=5).status_code == 404
        assert requests.get(f"{url}/", timeout=5).status_code == 200
        monkeypatch.setenv("CLINICIAN_VIEW", "true")
        assert 'data-clinician="true"' in requests.get(f"{url}/clinician", timeout=5).text
    finally:
        server.shutdown()


def test_the_page_gives_the_widget_the_servers_message_limit(monkeypatch):
    """The widget's character limit is the guard's MAX_MESSAGE_CHARS, written into the page when served."""
    monkeypatch.delenv("MAX_MESSAGE_CHARS", raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("http://127.0.0.1:1", "911"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert 'data-max-chars="2000"' in requests.get(url, timeout=5).text
        monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
        page = requests.get(url, timeout=5).text
        assert 'data-max-chars="500"' in page and "{{" not in page
    finally:
        server.shutdown()


def test_the_widget_takes_its_limit_from_the_page_only():
    from bot.paths import PROJECT_ROOT

    widget = (PROJECT_ROOT / "web" / "public" / "widget.js").read_text(encoding="utf-8")
    assert "script.dataset.maxChars" in widget and "2000" not in widget
