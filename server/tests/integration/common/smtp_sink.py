"""A real SMTP server for Waybill's mail tests: aiosmtpd (PyPI) on a loopback port, keeping
every message it receives; GET http://127.0.0.1:HTTP_PORT/ answers them as JSON, parsed
with Python's own email package: the envelope, every header, and the decoded text and
HTML parts.

    python3 smtp_sink.py SMTP_PORT HTTP_PORT
"""
import json
import sys
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

SMTP_PORT, HTTP_PORT = int(sys.argv[1]), int(sys.argv[2])
received = []
lock = threading.Lock()


class Keep:
    async def handle_DATA(self, server, session, envelope):
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
            body = json.dumps(received).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


controller = Controller(Keep(), hostname="127.0.0.1", port=SMTP_PORT)
controller.start()
ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), Log).serve_forever()
