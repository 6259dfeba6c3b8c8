"""Serve the chat page and the widget files (no CDN: the libraries come from web/node_modules).

    python -m bot.cli.serve_web --port 8080 --rasa-url http://127.0.0.1:5005

A small standard-library server is enough for static files; in production put the `web/public`
files and the two vendor files behind any web server (see README, "Web widget").

The pages are filled in when served: the Rasa address and the emergency number, which the widget
reads from its script tag's `data-*` attributes.
"""

import argparse
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional

from bot import settings
from bot.settings import clinician_view_enabled, region_numbers

WEB = Path(__file__).resolve().parents[2] / "web"
VENDOR: Dict[str, Path] = {
    "/vendor/deepChat.bundle.js": WEB / "node_modules/deep-chat/dist/deepChat.bundle.js",
    "/vendor/socket.io.min.js": WEB / "node_modules/socket.io-client/dist/socket.io.min.js",
}
PUBLIC = {"/widget.js", "/widget.css", "/page.css"}
PAGES = {"/": "index.html", "/index.html": "index.html", "/clinician": "clinician.html"}


def fill(page: str, rasa_url: str, emergency_number: str) -> str:
    """A page with its placeholders filled in."""
    values = {"RASA_URL": rasa_url, "EMERGENCY_NUMBER": emergency_number}
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", value)
    return page


def make_handler(rasa_url: str, emergency_number: str) -> type:
    class Handler(BaseHTTPRequestHandler):
        server_version = "baclofen-bot-web"

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            path = self.path.split("?", 1)[0]
            body: Optional[bytes] = None
            page_file = PAGES.get(path)
            if page_file == "clinician.html" and not clinician_view_enabled():
                page_file = None  # never shown to patients unless switched on
            if page_file:
                page = (WEB / "public" / page_file).read_text(encoding="utf-8")
                body = fill(page, rasa_url, emergency_number).encode()
                content_type = "text/html; charset=utf-8"
            elif path in PUBLIC or path in VENDOR:
                file = VENDOR.get(path, WEB / "public" / path.lstrip("/"))
                if file.exists():
                    body = file.read_bytes()
                    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if body is None:
                self.send_error(HTTPStatus.NOT_FOUND, "Not found")
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Access-Control-Allow-Origin", "*")  # the widget may be embedded anywhere
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # quiet: no request paths (or anything else) in the logs

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=settings.text("WEB_HOST"))
    parser.add_argument("--port", type=int, default=settings.whole("WEB_PORT"))
    parser.add_argument("--rasa-url", default=settings.text("RASA_PUBLIC_URL"))
    args = parser.parse_args()
    settings.check()
    missing = [str(p) for p in VENDOR.values() if not p.exists()]
    if missing:
        raise SystemExit(f"missing {missing}: run `make web` (npm ci in web/)")
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.rasa_url, region_numbers().emergency_number))
    print(f"Chat page on http://{args.host}:{args.port}/ (Rasa at {args.rasa_url})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
