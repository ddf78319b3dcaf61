"""Several Streamlit processes behind HAProxy: python -m scripts.replicas --replicas 2 --port 8501

A Streamlit session lives in one process, on one websocket, so a load balancer in front of
several processes must keep each browser on the process that holds its session. HAProxy (the
Debian package: apt-get install haproxy) does it with a cookie: the first answer to a browser
sets `REPLICA=r1` (or r2, ...), and every later request from that browser, the websocket
upgrade included, goes to that replica. Each answer also carries an `X-Replica` header naming
it. Websockets stay open for the whole visit, hence `timeout tunnel`. When a replica dies,
HAProxy's health check (/_stcore/health, every second) takes it out and `option redispatch`
sends its browsers to a live one, where Streamlit's page reconnects and starts a new session:
only that replica's sessions lose their drawing.

All processes run in process groups of their own and are stopped, by their ids, on Ctrl-C or
SIGTERM. The replicas share one cookie secret so that any of them accepts the others' cookies.
"""

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scripts.browser import REPO, AppServer, free_port

COOKIE = "REPLICA"

HAPROXY_CONFIG = """\
global
    maxconn 4096

defaults
    mode http
    option httplog
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 2h  # a websocket lasts the whole visit
    timeout http-request 10s

frontend explorer
    bind {address}:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    cookie {cookie} insert indirect nocache httponly
    option redispatch  # a dead replica's browsers go to a live one
    option httpchk GET /_stcore/health
    default-server inter 1s fall 2 rise 1
    http-response set-header X-Replica %[srv_name]
{servers}
"""


def haproxy_config(address: str, port: int, replica_ports: list[int]) -> str:
    servers = "\n".join(f"    server r{index} 127.0.0.1:{replica_port} check cookie r{index}"
                        for index, replica_port in enumerate(replica_ports, start=1))
    return HAPROXY_CONFIG.format(address=address, port=port, cookie=COOKIE, servers=servers)


class Replicas:
    """N `streamlit run app.py` processes on free loopback ports and HAProxy on `port`.

    A context manager: entering waits until every replica is healthy and HAProxy answers;
    leaving stops them all. `kill(i)` stops replica i (1-based) abruptly, as a crash would.
    """

    def __init__(self, replicas: int, port: int | None = None, address: str = "127.0.0.1",
                 start_timeout_s: float = 120.0, env: dict | None = None):
        if shutil.which("haproxy") is None:
            raise RuntimeError("haproxy is not installed (apt-get install haproxy)")
        self.port, self.address = port or free_port(), address
        self.url = f"http://{'127.0.0.1' if address == '0.0.0.0' else address}:{self.port}"
        env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16), **(env or {})}
        self.servers = [AppServer(env=env, start_timeout_s=start_timeout_s) for _ in range(replicas)]
        self.start_timeout_s = start_timeout_s
        self.haproxy: subprocess.Popen | None = None
        self.config_path = Path(tempfile.mkstemp(prefix="haproxy-", suffix=".cfg")[1])

    def start(self) -> "Replicas":
        try:
            for server in self.servers:  # started one after the other: two cores, shared
                server.start()
            self.config_path.write_text(haproxy_config(self.address, self.port, [s.port for s in self.servers]))
            self.haproxy = subprocess.Popen(["haproxy", "-db", "-f", str(self.config_path)], cwd=REPO,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            start_new_session=True)
            self._wait_for_haproxy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_haproxy(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.haproxy.returncode}: "
                                   f"{self.haproxy.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("haproxy did not answer within 30 s")

    def kill(self, replica: int) -> None:
        """Stop replica `replica` (1-based) at once, with SIGKILL, as a crash would."""
        process = self.servers[replica - 1].process
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        if self.haproxy is not None and self.haproxy.poll() is None:
            os.killpg(self.haproxy.pid, signal.SIGTERM)
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.haproxy.pid, signal.SIGKILL)
                self.haproxy.wait()
        for server in self.servers:
            server.stop()
        self.config_path.unlink(missing_ok=True)

    def __enter__(self) -> "Replicas":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="where HAProxy listens")
    parser.add_argument("--address", default="0.0.0.0", help="HAProxy's address (the replicas stay on loopback)")
    args = parser.parse_args(argv)

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    with Replicas(args.replicas, args.port, args.address) as replicas:
        ports = ", ".join(str(server.port) for server in replicas.servers)
        print(f"{args.replicas} replicas (127.0.0.1 ports {ports}) behind HAProxy at {replicas.url}; "
              "Ctrl-C stops them all", flush=True)
        try:
            while True:  # a dead replica is HAProxy's business; a dead HAProxy ends the run
                if replicas.haproxy.poll() is not None:
                    sys.exit(f"haproxy exited with {replicas.haproxy.returncode}")
                time.sleep(1)
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
