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


def test_the_served_page_has_every_placeholder_filled(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("http://127.0.0.1:1", "911"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = requests.get(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5).text
        assert 'data-emergency-number="911"' in page and "{{" not in page
    finally:
        server.shutdown()
