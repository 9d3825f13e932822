"""The production front, run for real: nginx with deploy/nginx's template in front of
gunicorn with gunicorn.conf.py, serving the portal on the test database.

docker-compose.yml's ``proxy`` and ``web`` services run exactly these files, so
this is how CI exercises them without Docker. Oversized requests must be refused
before their bodies are read: by nginx at its limit, by gunicorn for a request
head, and by the portal for a body over what the sender may send.
"""

import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.nginx import running_nginx, stop, wait_for_port
from tests.workers import REPO, free_port, portal_environment, process_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.nginx, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = portal_environment(
        DATABASE_URL=process_database_url(), GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1"
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    wait_for_port(port, process, log_path)
    yield port, log_path
    stop(process)


@pytest.fixture
def proxy(gunicorn, tmp_path):
    gunicorn_port, gunicorn_log = gunicorn
    with running_nginx(tmp_path, upstream_port=gunicorn_port) as port:
        yield port, gunicorn_log


def exchange(port, head, body=b"", *, timeout=10):
    """Send a raw request head (and ``body``) and return the response's status and text.

    The body sent may be shorter than the Content-Length claimed: the point is
    that the answer comes without waiting for the rest.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + body)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
    status = int(received.split(b" ", 2)[1]) if received else None
    return status, received.decode("utf-8", "replace")


def _complete(received):
    head, _, body = received.partition(b"\r\n\r\n")
    match = re.search(rb"content-length: *(\d+)", head, re.I)
    return match is not None and len(body) >= int(match[1])


def post_head(path, length, *, host="127.0.0.1"):
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )


def test_pages_come_through_the_proxy(proxy):
    port, _log = proxy
    status, text = exchange(
        port, "GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 200
    assert '"status": "up"' in text


def test_the_proxy_refuses_a_body_over_its_limit_without_passing_it_on(proxy):
    port, gunicorn_log = proxy
    status, text = exchange(port, post_head("/organisations/x/documents/new/", 200 * MB))
    assert status == 413
    time.sleep(0.2)
    assert "/documents/new/" not in gunicorn_log.read_text()


def test_the_portal_refuses_a_signed_out_upload_under_the_proxys_limit(proxy):
    port, _log = proxy
    body = b"--xyz\r\n" + b"0" * (3 * MB)
    status, text = exchange(port, post_head("/organisations/x/documents/new/", len(body)), body)
    assert status == 413
    assert "Sign in before you upload a file" in text


def test_gunicorn_alone_answers_an_oversized_body_before_it_arrives(gunicorn):
    """Only the head is sent: the answer cannot have waited for the 200 MB."""
    port, _log = gunicorn
    status, _text = exchange(port, post_head("/accounts/login/", 200 * MB))
    assert status == 413


def test_gunicorn_refuses_a_request_line_over_8_kb(gunicorn):
    port, _log = gunicorn
    status, _text = exchange(
        port, f"GET /?q={'x' * 9000} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 414  # URI Too Long


def test_the_compose_proxy_mounts_the_tested_template():
    import yaml

    proxy = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["proxy"]
    source, target, *_ = proxy["volumes"][0].split(":")
    assert Path(REPO, source).resolve() == (REPO / "deploy/nginx/portal.conf.template").resolve()
    assert target.startswith("/etc/nginx/templates/") and target.endswith(".conf.template")
    assert set(proxy["environment"]) == {"PORTAL_UPSTREAM", "PROXY_MAX_BODY"}


class _RecordHeaders(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's name)
        self.server.seen.append(self.headers.get_all("X-Request-Start"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_proxy_stamps_when_it_passed_a_request_on_replacing_a_clients_stamp(tmp_path):
    """What TRUST_REQUEST_START believes: nginx's own X-Request-Start, never the client's."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _RecordHeaders)
    upstream.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with running_nginx(tmp_path, upstream_port=upstream.server_address[1]) as port:
            before = time.time()
            status, _text = exchange(
                port,
                "GET /bids/B-X/submit/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "X-Request-Start: t=1000000000.000\r\nConnection: close\r\n\r\n",
            )
            after = time.time()
    finally:
        upstream.shutdown()
    assert status == 204
    [stamps] = upstream.seen
    assert len(stamps) == 1 and stamps[0].startswith("t=")
    assert before - 0.01 <= float(stamps[0][2:]) <= after + 0.01
