"""nginx as docker-compose.yml's ``proxy`` service runs it (deploy/nginx's template), in
front of a port on loopback: for the proxy tests and the deadline rush benchmark."""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx", path=os.defpath + ":/usr/sbin") or "nginx"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def free_port():
    """A TCP port on 127.0.0.1 that nothing is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, log_path, timeout=30):
    """Return once something accepts on ``port``; RuntimeError (with the log) if
    ``process`` exits or nothing answers in ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"It exited early:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Nothing answered on port {port}:\n{log_path.read_text()}")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_config(template, *, listen, upstream, max_body):
    """The template as nginx's image fills it in: only the two named variables change."""
    text = template.replace("${PORTAL_UPSTREAM}", upstream)
    text = text.replace("${PROXY_MAX_BODY}", max_body)
    assert "${" not in text, "the template names a variable the compose file does not set"
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


@contextlib.contextmanager
def running_nginx(folder, *, upstream_port):
    """nginx with the template in ``folder`` (its configuration, logs and temporary
    files), in front of ``upstream_port``; yields the port it listens on."""
    port = free_port()
    template = (REPO / "deploy/nginx/portal.conf.template").read_text()
    site = folder / "portal.conf"
    site.write_text(
        nginx_config(template, listen=port, upstream=f"127.0.0.1:{upstream_port}", max_body="11m")
    )
    temp = folder / "nginx-temp"
    temp.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx.log;\n"
        "events {}\n"
        "http {\n"
        f"  access_log {folder}/access.log;\n"
        + "".join(f"  {kind}_temp_path {temp}/{kind};\n" for kind in TEMP_PATHS)
        + f"  include {site};\n"
        "}\n"
    )
    log_path = folder / "nginx-out.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603  (nginx, our own configuration)
            [NGINX, "-c", str(main), "-p", str(folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_for_port(port, process, log_path)
        yield port
    finally:
        stop(process)
