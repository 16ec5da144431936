"""A TLS listener that pretends to be the issuance server and answers one HTTP request with whatever
bytes a test gives it, and the JSON values hypothesis draws to replace valid fields with: the rig for
the client's hostile-answer tests (tests/server)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from pathlib import Path

from hypothesis import strategies as st

from simulators.server.pki import PkiPaths

# Any JSON a liar might send in place of a field: scalars, lists and objects, a few levels deep.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


class OneAnswerServer:
    """A TLS listener that reads one HTTP request and answers with whatever bytes it is given."""

    def __init__(self, pki: PkiPaths, *, certificate: tuple[Path, Path] | None = None) -> None:
        """`certificate`: (cert, key) files to present instead of the real server's (an expired one, one
        for another name, one from another CA)."""
        self.answer = b""
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert, key = certificate or (pki.server_cert, pki.server_key)
        self._context.load_cert_chain(str(cert), str(key))
        self._server: asyncio.Server | None = None
        self.url = ""
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._context)
        self.url = f"https://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            await reader.readexactly(length)
            writer.write(self.answer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()
