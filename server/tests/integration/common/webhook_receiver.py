"""A merchant's webhook receiver for Waybill's outbound tests: a real HTTP server on
loopback that verifies every request with the `standardwebhooks` package (PyPI), an
implementation Waybill's authors did not write.

    python3 webhook_receiver.py PORT MODE [FAIL_FIRST]

MODE: `verify` (answer 204 to a valid request, 400 to an invalid one), `gone` (answer 410
to a valid one: the merchant turned the endpoint off), `never-answer`
(read the request, then never answer), `huge` (answer 200 with a 10 MB body), `redirect`
(answer 302 to /elsewhere), `nul` (answer 200 to a valid one with the body `ok\\0`: a NUL
byte, which PostgreSQL refuses in text). FAIL_FIRST: answer 500 to that many valid
requests first.

POST /_secret sets the secret (Waybill makes it when the endpoint is added); POST /_mode
switches the mode (the merchant fixed the endpoint: `gone` to `verify`). GET /_log
answers every request seen as JSON: webhook-id, type, whether it verified, the status
answered, and the decoded body.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

PORT = int(sys.argv[1])
FAIL_FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 0

state = {"secret": None, "log": [], "valid_seen": 0, "mode": sys.argv[2]}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="text/plain"):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_log":
            with lock:
                body = json.dumps(state["log"]).encode()
            return self.reply(200, body, "application/json")
        return self.reply(404)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        if self.path == "/_secret":
            with lock:
                state["secret"] = body.decode().strip()
            return self.reply(204)
        if self.path == "/_mode":
            with lock:
                state["mode"] = body.decode().strip()
            return self.reply(204)
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified, error, payload = False, None, None
        try:
            payload = Webhook(state["secret"]).verify(body, headers)
            verified = True
        except Exception as e:  # the library's own verification error, or no secret yet
            error = f"{type(e).__name__}: {e}"
        entry = {
            "id": headers.get("webhook-id"),
            "timestamp": headers.get("webhook-timestamp"),
            "signatures": len(headers.get("webhook-signature", "").split()),
            "verified": verified,
            "error": error,
            "payload": payload,
            "path": self.path,
            "at": time.time(),
        }
        with lock:
            state["log"].append(entry)
            if verified:
                state["valid_seen"] += 1
            failing = verified and state["valid_seen"] <= FAIL_FIRST
            MODE = state["mode"]
        if MODE == "never-answer":
            entry["status"] = None
            time.sleep(3600)
            return
        if MODE == "huge":
            entry["status"] = 200
            chunk = b"x" * 65536
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(chunk) * 160))
            self.end_headers()
            try:
                for _ in range(160):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                entry["cut_off"] = True
            return
        if MODE == "redirect":
            entry["status"] = 302
            self.send_response(302)
            self.send_header("location", "/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        if not verified:
            entry["status"] = 400
            return self.reply(400, error.encode())
        if MODE == "gone":
            entry["status"] = 410
            return self.reply(410, b"this endpoint is gone")
        if MODE == "nul":
            entry["status"] = 200
            return self.reply(200, b"ok\x00")
        if failing:
            entry["status"] = 500
            return self.reply(500, b"temporarily broken")
        entry["status"] = 204
        return self.reply(204)


ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("listening", flush=True)
server.serve_forever()
