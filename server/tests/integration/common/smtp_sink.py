"""A real SMTP server for Waybill's mail tests: aiosmtpd (PyPI) on a loopback port, keeping
every message it receives; GET http://127.0.0.1:HTTP_PORT/ answers them as JSON, parsed
with Python's own email package: the envelope, every header, and the decoded text and
HTML parts.

    python3 smtp_sink.py SMTP_PORT HTTP_PORT [DELAY_SECS] [REJECT_FIRST]

DELAY_SECS: wait that long before answering each message's DATA (a slow server; the
message is kept once the wait is over, whether or not the client still listens).
REJECT_FIRST: answer that many messages first with a temporary `451` (kept nowhere), then
accept. GET http://127.0.0.1:HTTP_PORT/_rejected answers {"rejected": N}.
"""
import asyncio
import json
import sys
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

SMTP_PORT, HTTP_PORT = int(sys.argv[1]), int(sys.argv[2])
DELAY_SECS = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
REJECT_FIRST = int(sys.argv[4]) if len(sys.argv) > 4 else 0
received = []
rejected = [0]
lock = threading.Lock()


class Keep:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            reject = rejected[0] < REJECT_FIRST
            if reject:
                rejected[0] += 1
        if reject:
            return "451 4.3.0 Temporarily unable to accept the message, try again later"
        if DELAY_SECS > 0:
            await asyncio.sleep(DELAY_SECS)
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        entry = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in message.items()},
            "content_type": message.get_content_type(),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
        }
        with lock:
            received.append(entry)
        return "250 OK"


class Log(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        with lock:
            if self.path == "/_rejected":
                body = json.dumps({"rejected": rejected[0]}).encode()
            else:
                body = json.dumps(received).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


controller = Controller(Keep(), hostname="127.0.0.1", port=SMTP_PORT)
controller.start()
ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), Log).serve_forever()
