"""A local HTTP server for the fetcher's tests: routes answer as scripted, requests recorded.

A route is a list of answers served in turn (the last repeats). An answer is a dict:
``status``, ``headers``, ``body`` (bytes), ``stream`` (a number of bytes sent in chunks,
never held whole), ``announce`` (False: no Content-Length), ``hang`` (never answer until
the server stops: the client's timeout decides), and ``etag`` (answer 304 when the request
carries it).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = b"x" * 65536


class FetchServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                server.requests.append((self.path, dict(self.headers)))
                answers = server.routes.get(self.path) or [{"status": 404}]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                server.answer(self, answer)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def route(self, path: str, *answers: dict) -> str:
        self.routes[path] = list(answers)
        return self.base + path

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def answer(self, handler: BaseHTTPRequestHandler, answer: dict) -> None:
        if answer.get("hang"):
            self.stop.wait()
            return
        etag = answer.get("etag")
        if etag and handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        body = answer.get("body", b"")
        handler.send_response(answer.get("status", 200))
        for name, value in answer.get("headers", {}).items():
            handler.send_header(name, value)
        if etag:
            handler.send_header("ETag", etag)
        size = answer.get("stream")
        if answer.get("announce", True):  # False: the body ends when the connection closes
            handler.send_header("Content-Length", str(size if size is not None else len(body)))
        handler.end_headers()
        try:
            if size is None:
                handler.wfile.write(body)
                return
            for _ in range(size // len(CHUNK)):
                handler.wfile.write(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a size limit does

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
