"""Benchmark: `selfeval serve` under 16 concurrent clients, on loopback (127.0.0.1) only.

The server runs as separate processes (uvicorn, `--workers`, default 2 = this machine's
cores); each client thread posts `--requests` 校验全部 (validate_all) requests with the payload
xlwings' VBA client sends, one new connection per request, for a one-sheet and a 50-sheet
workbook. Reported per workbook: p50/p95/max latency, requests per second, statuses; and the
resident memory of the server processes after a warm-up and after all runs.

    uv run python benchmarks/server_bench.py [--clients 16] [--requests 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from selfeval import writer  # noqa: E402
from support.excel_forms import sample_projects  # noqa: E402
from support.server_process import HOST, Server, running_server  # noqa: E402
from support.vba_payload import vba_payload  # noqa: E402


def rss_mb(root_pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB."""
    pids = [root_pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == root_pid:
                pids.append(int(entry.name))
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    return total / 1024


def load(server: Server, body: bytes, clients: int, requests: int) -> dict[str, object]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {server.tokens['czj']}"}

    def client() -> None:
        for _ in range(requests):
            started = time.perf_counter()
            status, _, _ = server.request("POST", "/run/validate_all", body, headers, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000),
        "max_ms": round(ordered[-1] * 1000),
        "requests_per_s": round(len(ordered) / wall, 1),
        "statuses": dict(statuses),
        "body_kb": round(len(body) / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20, help="requests per client and workbook")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    assert HOST == "127.0.0.1"

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        books = {
            "1 sheet": writer.write_workbook(sample_projects(2)[1:], folder / "one.xlsx"),
            "50 sheets": writer.write_workbook(sample_projects(50), folder / "fifty.xlsx"),
        }
        bodies = {name: json.dumps(vba_payload(path), ensure_ascii=False).encode() for name, path in books.items()}
        with running_server(folder / "server", workers=args.workers) as server:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {server.tokens['czj']}"}
            for body in bodies.values():  # warm-up: imports, first-call caches, in every worker
                for _ in range(4 * args.workers):
                    assert server.request("POST", "/run/validate_all", body, headers)[0] == 200
            time.sleep(1)
            before = rss_mb(server.pid)
            results = {name: load(server, body, args.clients, args.requests) for name, body in bodies.items()}
            time.sleep(1)
            after = rss_mb(server.pid)
            again = load(server, bodies["1 sheet"], args.clients, args.requests)
            time.sleep(1)
            after_again = rss_mb(server.pid)

    print(
        f"selfeval serve, {args.workers} worker(s), {os.cpu_count()} CPU(s), {args.clients} clients × "
        f"{args.requests} requests each, validate_all, loopback"
    )
    print("| workbook | body | requests | p50 | p95 | max | requests/s | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['body_kb']} KB | {r['requests']} | {r['p50_ms']} ms | {r['p95_ms']} ms | "
            f"{r['max_ms']} ms | {r['requests_per_s']} | {r['statuses']} |"
        )
    print(
        f"server memory (RSS, all processes): {before:.0f} MB after warm-up, {after:.0f} MB after both runs, "
        f"{after_again:.0f} MB after another {again['requests']} one-sheet requests (p95 {again['p95_ms']} ms)"
    )


if __name__ == "__main__":
    main()
