#!/usr/bin/env python3
"""An OpenAI-compatible chat endpoint that answers after a fixed delay, for drafting benchmarks.

    python3 benches/fake_llm.py PORT [SECONDS]      # default 1.0 s per answer

POST /v1/chat/completions answers every request (concurrently, one thread each) with a body made
from the request's question line, after SECONDS: a stand-in for a model's generation time.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
delay = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        question = body["messages"][1]["content"].splitlines()[0].removeprefix("Question: ")
        time.sleep(delay)
        content = f"Ответ на вопрос «{question}».\n\n1. Откройте личный кабинет.\n2. Следуйте подсказкам."
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
