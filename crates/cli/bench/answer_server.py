#!/usr/bin/env python3
"""A local server for the command line's benchmarks (BENCHMARKS.md, "Command line").

Answers every GET with a PEC list of mailboxes of about SIZE megabytes (argv[2], default 1:
0 gives the list of one mailbox), as the service's envelope, on 127.0.0.1:PORT (argv[1]).
The answer is built once, so that what is timed is the client.
"""
import http.server
import json
import sys

port = int(sys.argv[1])
megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


def mailbox(index):
    return {
        "id": f"{index:024x}",
        "casella_pec": f"mailbox{index}@legalmail.it",
        "tipo_casella": "STANDARD",
        "owner": "account@example.it",
        "data_scadenza": "01/03/2027",
    }


one = len(json.dumps(mailbox(0))) + 2
count = max(1, int(megabytes * 1_000_000 / one))
body = json.dumps(
    {"success": True, "message": "", "error": None, "data": [mailbox(i) for i in range(count)]}
).encode()


class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


print(f"{len(body)} bytes on http://127.0.0.1:{port}", flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", port), Answer).serve_forever()
