"""A tiny SMTP server and a webhook receiver on 127.0.0.1, each in a thread, recording what they receive.

The SMTP side speaks just enough of RFC 5321 for :mod:`smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT);
``smtpd`` is gone from Python 3.12 and aiosmtpd is not a dependency.
"""

from __future__ import annotations

import email
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmtpSink:
    def __init__(self):
        self.messages: list[email.message.Message] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 localhost test SMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode(errors="replace").strip().upper()
                    if cmd.startswith(("EHLO", "HELO")):
                        self.reply("250 localhost")
                    elif cmd.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                        self.reply("250 OK")
                    elif cmd == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        body = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        sink.messages.append(email.message_from_bytes(b"".join(body)))
                        self.reply("250 queued")
                    elif cmd == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebhookSink:
    """Records JSON posts; answers ``fail_with`` (e.g. 500) for the next ``failures`` posts, then 200."""

    def __init__(self):
        self.posts: list[dict] = []
        self.failures = 0
        self.fail_with = 500
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if sink.failures > 0:
                    sink.failures -= 1
                    self.send_response(sink.fail_with)
                else:
                    sink.posts.append(json.loads(body))
                    self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
