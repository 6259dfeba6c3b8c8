"""A TCP proxy on 127.0.0.1 in front of one of this machine's real servers (PostgreSQL, Redis), that a
test can make hang or starve while the bot is connected through it.

Why a proxy: the machine's PostgreSQL and Redis are shared (other tests, CI, people's bots), so a
test must not stop or freeze them; a proxy gives the bot the same server with a failure that only
the bot sees. Written by hand (about 80 lines of asyncio) because no test dependency of the project
offers a controllable one; it runs in a thread of its own so that the test can stay synchronous.

Modes (`proxy.mode = ...`, taking effect at once, on open connections too):
- "pass": bytes go both ways;
- "hang": connections stay open and new ones are accepted, but nothing is forwarded either way (a
  server alive but not answering: a stuck disk, a lock, a full queue);
- "starve": bytes are forwarded 64 at a time with 0.5 s between (a server or network starved of
  resources: everything arrives, too slowly).
"""

from __future__ import annotations

import asyncio
import threading
from typing import List, Optional

from bot.harness import free_port

MODES = ("pass", "hang", "starve")


class TcpProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.mode = "pass"
        self._loop = asyncio.new_event_loop()
        self._server: Optional[asyncio.base_events.Server] = None
        self._writers: List[asyncio.StreamWriter] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    @property
    def url_host(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)

    async def _connection(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.close()
            return
        self._writers += [client_writer, server_writer]
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                while self.mode == "hang":
                    await asyncio.sleep(0.05)
                if self.mode == "starve":
                    for start in range(0, len(data), 64):
                        writer.write(data[start : start + 64])
                        await writer.drain()
                        await asyncio.sleep(0.5)
                else:
                    writer.write(data)
                    await writer.drain()
        finally:
            writer.close()

    def set(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode

    def close(self) -> None:
        async def stop() -> None:
            for writer in self._writers:
                writer.close()
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
