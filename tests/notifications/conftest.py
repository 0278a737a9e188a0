"""A minimal SMTP server (RFC 5321 subset, no extensions) for testing the SMTP sender for real."""
from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field

import pytest


@dataclass
class ReceivedMail:
    helo: str
    mail_from: str
    rcpt_to: list[str]
    data: bytes


@dataclass
class SMTPServer:
    host: str
    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        state: SMTPServer = self.server.state  # type: ignore[attr-defined]
        self._reply("220 test-smtp ESMTP ready")
        helo, mail_from, rcpt_to = "", "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            state.commands.append(verb)
            if verb in ("EHLO", "HELO"):
                helo = line.split(" ", 1)[1] if " " in line else ""
                self._reply("250 test-smtp")
            elif verb == "MAIL":
                mail_from = line.split(":", 1)[1].strip().split(" ")[0].strip("<>")
                rcpt_to = []
                self._reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(line.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                if not rcpt_to:
                    self._reply("503 need RCPT")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data_line = self.rfile.readline()
                    if data_line in (b".\r\n", b".\n", b""):
                        break
                    if data_line.startswith(b".."):
                        data_line = data_line[1:]  # undo dot-stuffing
                    lines.append(data_line)
                state.received.append(ReceivedMail(helo, mail_from, rcpt_to, b"".join(lines)))
                self._reply("250 OK: queued")
            elif verb == "RSET":
                mail_from, rcpt_to = "", []
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@pytest.fixture
def smtp_server():
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address
    server.state = SMTPServer(host, port)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.state  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def free_port():
    """A port on 127.0.0.1 with nothing listening."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
