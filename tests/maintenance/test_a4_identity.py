"""The A4 printer's identity on the technician's board, from a Get-Printer-Attributes answer.

ippeveprinter (the A4 simulator) reports printer-info and printer-make-and-model but no firmware, so
this answers one IPP request over a real socket with the attributes PWG 5100.13 names for firmware
(printer-firmware-name, printer-firmware-string-version, 1setOf text) and checks what the driver
asked for and what it reads.
"""

from __future__ import annotations

import asyncio

from common.clock import VirtualClock
from drivers.a4_printer import A4Printer
from drivers.a4_printer.ipp_codec import Attribute, AttributeGroup, GroupTag, IppMessage, ValueTag

ANSWER_ATTRIBUTES = (
    Attribute.of("printer-info", ValueTag.TEXT, "민원 A4"),
    Attribute.of("printer-make-and-model", ValueTag.TEXT, "Kiosk A4 Laser"),
    Attribute.of("printer-firmware-name", ValueTag.NAME, "engine", "network"),
    Attribute.of("printer-firmware-string-version", ValueTag.TEXT, "2.4.7", "1.0.3"),
)


async def test_the_a4_printer_says_its_firmware_and_model() -> None:
    asked: list[IppMessage] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        request = IppMessage.from_bytes(await reader.readexactly(length))
        asked.append(request)
        answer = IppMessage(
            0,
            request.request_id,
            (
                AttributeGroup(
                    GroupTag.OPERATION,
                    (
                        Attribute.of("attributes-charset", ValueTag.CHARSET, "utf-8"),
                        Attribute.of("attributes-natural-language", ValueTag.NATURAL_LANGUAGE, "en"),
                    ),
                ),
                AttributeGroup(GroupTag.PRINTER, ANSWER_ATTRIBUTES),
            ),
        ).to_bytes()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: "
            + str(len(answer)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + answer
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    printer = A4Printer(f"ipp://127.0.0.1:{port}/ipp/print", clock=VirtualClock())
    try:
        found = await printer.identify()
    finally:
        await printer.close()
        server.close()
        await server.wait_closed()
    requested = asked[0].find("requested-attributes")
    assert requested is not None
    assert set(requested.strings()) >= {"printer-firmware-string-version", "printer-info", "printer-make-and-model"}
    assert found == {
        "printer-info": "민원 A4",
        "printer-make-and-model": "Kiosk A4 Laser",
        "printer-firmware-string-version": "engine 2.4.7, network 1.0.3",
    }
