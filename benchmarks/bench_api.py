"""API latency on a large synthetic ledger: p50/p95 of a filtered ledger page, of full-text searches (a rare word,
a word in 1 of 60 sentences, a word in every sentence) and of totals, SQLite and PostgreSQL.

The ledger is built through the real store: synthetic documents, commitments and evidence rows are bulk
inserted (the extractor is measured elsewhere), then `Ledger.reconcile()` builds the entries. The service runs
as `aidledger serve` in its own process; a bounded load (a fixed number of requests, a time cap, a few
keep-alive connections, 127.0.0.1 only) measures each scenario.

Totals are computed once per ledger version and then read from `ledger_cache`; each run first empties that
cache and times one request per totals path, the cost paid once after every write ("computed"), before the
load measures the cached reads.

    python benchmarks/bench_api.py [--commitments 1000000] [--backends sqlite postgresql]
                                   [--requests 400] [--seconds 60] [--concurrency 4] [--runs 3]
                                   [--workers 2] [--sqlite-file F] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL cluster the tests use

from pgserver import PostgresServer, find_bindir, free_port  # noqa: E402

from aidledger.store.ledger import Ledger  # noqa: E402
from aidledger.store.schema import commitments, documents, evidence, ledger_cache  # noqa: E402

DONORS = [f"D{i:02d}" for i in range(60)]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "NOK"]
STATUSES = ["announced", "pledged", "committed", "disbursed"]
TYPES = ["military", "financial", "humanitarian"]
PER_DOCUMENT = 10
ITEMS = 500  # a word per underlying commitment ("item123"), so a search hits ~0.2% of the rows; "pledged" all


def build(url: str, n: int, seed: int = 11) -> dict:
    """Fill an empty ledger with `n` synthetic commitments (about three reports each) and reconcile it."""
    ledger = Ledger(url)
    with ledger.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(commitments)).scalar()
    if have:
        return {"reused": have, "analyze_s": _analyze(ledger)}
    rng = random.Random(seed)
    t0 = time.perf_counter()
    for start in range(0, n, 20_000):
        _insert_batch(ledger, rng, start, min(n, start + 20_000), n)
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    entries = ledger.reconcile()
    return {"load_s": loaded, "reconcile_s": time.perf_counter() - t0, "entries": entries,
            "analyze_s": _analyze(ledger)}


def _analyze(ledger: Ledger) -> float:
    """Planner statistics after the bulk load, as autovacuum (PostgreSQL) or a periodic ANALYZE would give."""
    t0 = time.perf_counter()
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t0


def _insert_batch(ledger: Ledger, rng: random.Random, lo: int, hi: int, n: int) -> None:
    docs, rows, spans = [], [], []
    for i in range(lo, hi):
        r = random.Random(rng.randrange(n // 3 + 1))  # the underlying commitment: ~3 reports share it
        donor, currency, aid = r.choice(DONORS), r.choice(CURRENCIES), r.choice(TYPES)
        amount = float(f"{10 ** r.uniform(5, 10):.4g}")
        month = 1 + r.randrange(60)
        day = f"{2021 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-{1 + rng.randrange(27):02d}"
        doc = f"doc{i // PER_DOCUMENT:08d}"
        sentence = (f"{donor} pledged {currency} {amount:,.0f} in {aid} aid for item{r.randrange(ITEMS)} to "
                    f"Ukraine on {day}, officials said.")
        if i % PER_DOCUMENT == 0:
            docs.append({"id": doc, "source": f"synthetic/{doc}.txt", "title": f"{donor} aid report {i}",
                         "published": day, "text": sentence, "ingested_at": "2025-01-01T00:00:00"})
        rows.append({"id": f"c{i:015d}", "document_id": doc, "kind": "money", "donor": donor, "recipient": "UKR",
                     "amount": amount, "currency": currency, "currency_inferred": False, "qualifier": "exact",
                     "aid_type": aid, "status": rng.choice(STATUSES), "date": day,
                     "scope": rng.choice(["new"] * 8 + ["cumulative", "part_of"])})
        spans.append({"commitment_id": f"c{i:015d}", "document_id": doc, "start": 0, "end": len(sentence),
                      "sentence": sentence, "amount_start": None, "amount_end": None, "is_primary": True})
    with ledger.engine.begin() as conn:
        if docs:
            conn.execute(insert(documents), docs)
        conn.execute(insert(commitments), rows)
        conn.execute(insert(evidence), spans)


# ---------------------------------------------------------------- load


def serve(url: str, port: int, workers: int | None = None) -> subprocess.Popen:
    # --workers only when asked for, so the same script measures an older `aidledger serve` without the option
    extra = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen([str(Path(sys.executable).parent / "aidledger"), "serve", "--db", url, "--port",
                             str(port), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/totals?by=kind")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the service did not start: " + proc.stderr.read().decode()[-2000:])


def load(port: int, paths: list[str], requests: int, seconds: float, concurrency: int) -> list[float]:
    """Latencies (ms) of up to `requests` GETs cycling through `paths`, stopping after `seconds` in any case."""
    latencies: list[float] = []
    lock, stop_at = threading.Lock(), time.time() + seconds
    counter = iter(range(requests))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {response.status}")
            with lock:
                latencies.append(1000 * (time.perf_counter() - t0))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def scenarios(seed: int = 5) -> dict[str, list[str]]:
    rng = random.Random(seed)
    pages = [f"/api/entries?donor={rng.choice(DONORS)}&status={rng.choice(STATUSES)}&aid_type={rng.choice(TYPES)}"
             f"&since=2023-0{rng.randrange(1, 10)}&limit=50" for _ in range(50)]
    raw = [f"/api/commitments?donor={rng.choice(DONORS)}&since=2022-0{rng.randrange(1, 10)}&until=2023&limit=50"
           for _ in range(50)]
    search = [f"/api/entries?q=item{rng.randrange(ITEMS)}&limit=50" for _ in range(50)]
    # A donor's code is in 1 of 60 sentences: about where listing the matches and walking the ledger cost the same
    fairly_common = [f"/api/entries?q={rng.choice(DONORS)}&limit=50" for _ in range(50)]
    return {
        "ledger page, filtered": pages,
        "ledger page 2 (cursor)": [],  # filled in from page 1 answers below
        "commitments, filtered": raw,
        "entries, full-text q": search,
        "entries, q in 1/60 sentences": fairly_common,
        "entries, q in every sentence": ["/api/entries?q=pledged&limit=50"],
        "totals by donor": ["/api/totals?by=donor&threshold=announced"],
        "totals by month": ["/api/totals?by=month&threshold=pledged"],
    }


def second_pages(port: int, firsts: list[str]) -> list[str]:
    import json

    out = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in firsts:
        conn.request("GET", path)
        cursor = json.loads(conn.getresponse().read())["next_cursor"]
        if cursor:
            out.append(f"{path}&cursor={cursor}")
    return out or firsts


def first_requests(url: str, port: int, paths: list[str]) -> list[float]:
    """Latency (ms) of one request per path with the totals cache emptied: what the first reader after a
    write pays."""
    ledger = Ledger(url)
    with ledger.engine.begin() as conn:
        conn.execute(delete(ledger_cache))
    ledger.engine.dispose()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    out = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        conn.getresponse().read()
        out.append(1000 * (time.perf_counter() - t0))
    return out


def measure(url: str, args) -> list[tuple[str, int, float, float]]:
    port = free_port()
    print(f"run: load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    proc = serve(url, port, args.workers)
    try:
        plan = scenarios()
        plan["ledger page 2 (cursor)"] = second_pages(port, plan["ledger page, filtered"])
        totals = [name for name in plan if name.startswith("totals")]
        first = first_requests(url, port, [plan[name][0] for name in totals])
        out = [(f"{name}, computed", 1, ms, ms) for name, ms in zip(totals, first)]
        for name, paths in plan.items():
            load(port, paths, 10, 30, 1)  # warm caches
            lat = load(port, paths, args.requests, args.seconds, args.concurrency)
            q = statistics.quantiles(lat, n=100)
            out.append((name, len(lat), statistics.median(lat), q[94]))
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def report(runs: list[list[tuple[str, int, float, float]]]) -> None:
    """Each run's p50/p95 per scenario, then the median over the runs."""
    print(f"{'scenario':<30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}   runs p50 / p95")
    for i, (name, count, _, _) in enumerate(runs[0]):
        p50s, p95s = [run[i][2] for run in runs], [run[i][3] for run in runs]
        each = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(p50s, p95s))
        print(f"{name:<30} {count:>8} {statistics.median(p50s):>8.1f} {statistics.median(p95s):>8.1f}   {each}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so a stopped run still stops its PostgreSQL
    parser = argparse.ArgumentParser()
    parser.add_argument("--commitments", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="aidledger serve --workers N (default: "
                                                                   "the command's own, one process)")
    parser.add_argument("--runs", type=int, default=1, help="measure this many times (a new server each time)")
    parser.add_argument("--sqlite-file", default=None, help="reuse this SQLite file if it is already filled")
    parser.add_argument("--pg-url", default=None, help="use this PostgreSQL database (filled if empty) "
                                                       "instead of a throwaway cluster")
    args = parser.parse_args()
    print(f"{args.commitments:,} synthetic commitments; {args.requests} requests per scenario, "
          f"{args.concurrency} connections, cap {args.seconds:.0f} s, {args.runs} run(s), "
          f"{args.workers or 1} server process(es); 127.0.0.1 only; load average {os.getloadavg()[0]:.1f}")
    pg = None
    try:
        for backend in args.backends:
            if backend == "sqlite":
                path = args.sqlite_file or os.path.join(tempfile.mkdtemp(prefix="aidledger-bench-"), "api.db")
                url = f"sqlite:///{path}"
            elif args.pg_url:
                url = args.pg_url
            else:
                pg = pg or PostgresServer(find_bindir()).start()
                url = pg.new_database()
            built = build(url, args.commitments)
            print(f"\n{backend}: built {built}", flush=True)
            report([measure(url, args) for _ in range(args.runs)])
    finally:
        if pg:
            pg.stop()


if __name__ == "__main__":
    main()
