"""Benchmark: the web dashboard under 20 concurrent users on loopback, once computed.

Builds the demo company ``b2b_saas`` with 100,000 opportunities into
``benchmarks/.data/web-home`` (git-ignored; reused when it exists with the same size), adds a
CRO, starts ``pulse serve`` on a free loopback port in its own process, then:

1. **cold**: one request to the dashboard and one to the KPI page (``win_rate``) — the first
   computation of each, after which results are cached per data version;
2. **load**: 20 concurrent users (threads, each with its own session on a keep-alive
   connection) each make the same fixed number of requests, alternating the dashboard and the
   KPI page, with no think time. The run stops by itself after ``users × requests`` requests.

Latency is measured per request by the client (send to last byte). p50/p95/max per page and the
throughput are written, with the machine and the exact command, into the ``## Web`` section of
``docs/benchmarks.md``.

    .venv/bin/python benchmarks/bench_web.py --opportunities 100000 --users 20 --requests 50
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

import report as benchmark_report  # benchmarks/report.py: machine() and write_section()

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Web"
PASSWORD = "benchmark-password"
USER = "bench"
KPI = "win_rate"


def build(home: Path, opportunities: int) -> str:
    """The demo workspace (reused when it already has ``opportunities`` rows)."""
    from pulse.demo import build_workspace
    from pulse.errors import PulseError
    from pulse.web.users import MetaStore
    from pulse.workspace.store import open_workspace

    name = "demo-b2b-saas"
    try:
        reuse = open_workspace(name, home).table_counts()["opportunities"] == opportunities
    except PulseError:
        reuse = False
    if reuse:
        print(f"reusing {home / name} ({opportunities:,} opportunities)")
    else:
        started = time.perf_counter()
        build_workspace("b2b_saas", home=home, name=name, opportunities=opportunities)
        seconds = time.perf_counter() - started
        print(f"built {name} with {opportunities:,} opportunities in {seconds:.1f} s")
    meta = MetaStore(home / "pulse-meta.sqlite3")
    if meta.user(USER) is None:
        meta.add_user(USER, PASSWORD, "cro")
    meta.grant(USER, name, "cro")
    return name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[str]:
    """``pulse serve`` in its own process; returns once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulse", "serve", "--port", str(port), "--home", str(home)],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=2)
            return proc
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


class User:
    """One user: a logged-in session on its own keep-alive connection (``http.client``).

    The standard library's client costs the load generator a fraction of what an async
    client does, which matters when client and server share two CPUs.
    """

    def __init__(self, port: int) -> None:
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.con.request(method, url, body=body, headers=headers)
            response = self.con.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closes idle keep-alive connections (uvicorn: after 5 s); reconnect.
            self.con.close()
            self.con.request(method, url, body=body, headers=headers)
            response = self.con.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0].strip('"')
        return response.status, text

    def login(self) -> None:
        _, page = self.request("GET", "/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, "no login form"
        form = urllib.parse.urlencode(
            {"username": USER, "password": PASSWORD, "csrf_token": found.group(1)}
        )
        status, text = self.request("POST", "/login", form)
        assert status == 303, text

    def timed(self, url: str) -> float:
        started = time.perf_counter()
        status, _ = self.request("GET", url)
        elapsed = time.perf_counter() - started
        assert status == 200, f"{url}: {status}"
        return elapsed

    def run(self, urls: list[str], requests: int, out: dict[str, list[float]]) -> None:
        """``requests`` requests in a row, cycling through ``urls``."""
        for i in range(requests):
            url = urls[i % len(urls)]
            elapsed = self.timed(url)
            out[url].append(elapsed)  # list.append is atomic under the GIL


def server_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) the server process has used so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(port: int, name: str, users: int, requests: int, pid: int) -> dict[str, object]:
    dashboard = f"/clients/{name}"
    kpi = f"/clients/{name}/kpis/{KPI}"
    first = User(port)
    first.login()
    cold = {"dashboard": first.timed(dashboard), "kpi": first.timed(kpi)}
    out: dict[str, list[float]] = {dashboard: [], kpi: []}
    people = [User(port) for _ in range(users)]
    for person in people:
        person.login()  # each user has its own session
    threads = [
        threading.Thread(target=p.run, args=([dashboard, kpi], requests, out)) for p in people
    ]
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cpu_before = server_cpu(pid)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu_after = server_cpu(pid)
    done = len(out[dashboard]) + len(out[kpi])
    if done != users * requests:
        raise SystemExit(f"only {done} of {users * requests} requests completed (see above)")
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return {
        "cold": cold,
        "dashboard": out[dashboard],
        "kpi": out[kpi],
        "wall": wall,
        "server_cpu": cpu,
        "load_before": load_before,
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def report(result: dict[str, object], args: argparse.Namespace) -> str:
    cold = result["cold"]
    assert isinstance(cold, dict)
    rows = []
    total = 0
    for label, key in (
        ("dashboard `/clients/NAME`", "dashboard"),
        (f"KPI page `/clients/NAME/kpis/{KPI}`", "kpi"),
    ):
        values = result[key]
        assert isinstance(values, list)
        total += len(values)
        rows.append(
            f"| {label} | {ms(cold[key])} | {len(values):,} | {ms(statistics.median(values))} "
            f"| {ms(pct(values, 0.95))} | {ms(max(values))} |"
        )
    wall = float(result["wall"])  # type: ignore[arg-type]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cpu = result["server_cpu"]
    cpu_text = (
        f" The server process used {float(cpu) * 1000 / total:.1f} ms of CPU per request "  # type: ignore[arg-type]
        "during the load, so the latencies above are mostly queueing for a shared CPU."
        if cpu is not None
        else ""
    )
    command = (
        f".venv/bin/python benchmarks/bench_web.py --opportunities {args.opportunities} "
        f"--users {args.users} --requests {args.requests}"
    )
    return "\n".join(
        [
            SECTION,
            "",
            f"`{command}`",
            "",
            f"Demo company `b2b_saas` with {args.opportunities:,} opportunities; `pulse serve` "
            f"(one uvicorn process) on loopback; {args.users} concurrent users (threads with "
            "keep-alive connections), "
            f"each logged in with its own session and making {args.requests} requests alternating "
            "the two pages with no think time. *Cold* is the first request of each page (the "
            "computation); the load runs after it, so every page comes from the results cache "
            "(keyed by the workspace's data version) and is only rendered. The cold dashboard "
            "computes the KPI set's 20 KPIs over 6 periods each, the findings and the forecast "
            "of the month in progress; its time swings with the machine's load.",
            "",
            "| page | cold (computes) | requests | p50 | p95 | max |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"{total:,} requests in {wall:.1f} s ({total / wall:,.0f} requests/s). Machine: "
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"load average {float(result['load_before']):.1f} before the load and {load:.1f} after "  # type: ignore[arg-type]
            "it (other work shares this machine)." + cpu_text,
            "",
        ]
    )


def write_section(text: str) -> None:
    """Replace this script's section of docs/benchmarks.md."""
    benchmark_report.write_section(SECTION.removeprefix("## "), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per user")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the doc")
    args = parser.parse_args()
    home = DATA / "web-home"
    home.mkdir(parents=True, exist_ok=True)
    name = build(home, args.opportunities)
    port = free_port()
    server = start_server(home, port)
    try:
        result = run(port, name, args.users, args.requests, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    text = report(result, args)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"wrote the {SECTION} section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
