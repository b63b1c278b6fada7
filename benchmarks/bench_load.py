"""Load: concurrent readers and reviewers against a real `aidledger serve`, then a count of lost writes.

The ledger is built from a generated news corpus (benchmarks/generate_corpus.py) through `Ledger.ingest`, so
every entry has real documents, evidence and full-text rows. Each run copies that ledger, creates one write
token per reviewer with `aidledger token create`, starts `aidledger serve` on 127.0.0.1 and, for at most 60 s,
runs reader threads (API ledger pages walked by cursor, dashboard ledger pages, single entries, totals,
full-text search, CSV export) and reviewer threads (edits of entries each reviewer owns, with a bearer token).
Afterwards every acknowledged edit must be in its entry's audit trail, and each entry must carry the value
of the last edit acknowledged for it: anything else is a lost write.

    python benchmarks/bench_load.py [--articles 1500] [--seconds 60] [--readers 8] [--writers 2] [--runs 3]
                                    [--backends sqlite postgresql]

Loopback only; the load is bounded by the thread counts and the time cap.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL cluster the tests use

from pgserver import PostgresServer, find_bindir, free_port  # noqa: E402

from aidledger.store.ledger import Ledger  # noqa: E402

AIDLEDGER = str(Path(sys.executable).parent / "aidledger")
MAX_SECONDS = 60
READS = ("api page", "dashboard page", "entry", "totals", "search", "export")
WORDS = ["generators", "humanitarian", "demining", "energy", "military", "reconstruction", "winter", "fund",
         "ambulances", "financial"]
DIMENSIONS = ["donor", "type", "status", "month", "kind"]


@dataclass
class Tally:
    """What the client threads saw: latencies (ms) and errors per request kind, and the acknowledged edits."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(list))
    acked: list = field(default_factory=list)  # (entry id, audit event id, value), in each writer's order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, ms: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(ms)
            if error:
                self.errors[kind].append(error)


# ---------------------------------------------------------------- the ledger under test


def build(url: str, articles: int, workdir: Path) -> dict:
    """Ingest a generated corpus of `articles` news pages into the empty ledger at `url`."""
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    corpus = generator.write(articles, "text", workdir / "corpus", seed=7)
    t0 = time.perf_counter()
    ledger = Ledger(url)
    report = ledger.ingest([corpus])
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as after any bulk load
    ledger.engine.dispose()
    return {"documents": report.read, "commitments": report.commitments, "seconds": time.perf_counter() - t0}


def copy_ledger(url: str, run: int, workdir: Path) -> str:
    """A fresh copy of the built ledger for one run, so every run starts from the same state."""
    if url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        target = workdir / f"run{run}.db"
        for suffix in ("", "-wal"):  # the write-ahead log too, if the last close left one
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        return f"sqlite:///{target}"
    import psycopg

    server, name = url.removeprefix("postgresql+psycopg://").rsplit("/", 1)
    with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}_run{run}" TEMPLATE "{name}"')
    return f"{url}_run{run}"


def create_token(url: str, name: str) -> str:
    done = subprocess.run([AIDLEDGER, "token", "create", name, "--db", url], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1]


def start_service(url: str, port: int, log: Path) -> subprocess.Popen:
    """`aidledger serve` in its own process, its log in a file; returns once it answers."""
    proc = subprocess.Popen([AIDLEDGER, "serve", "--db", url, "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=log.open("wb"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the service exited: {log.read_text()[-2000:]}")
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET",
                                "/api/entries?limit=1")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the service did not start within 120 s: {log.read_text()[-2000:]}")


# ---------------------------------------------------------------- clients


def request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None,
            token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def timed(tally: Tally, port: int, state: dict, kind: str, method: str, path: str, body=None, token=None):
    """One request on the thread's keep-alive connection (reopened after a failure); the parsed answer or None."""
    t0 = time.perf_counter()
    try:
        status, raw = request(state["conn"], method, path, body, token)
    except (OSError, http.client.HTTPException) as exc:
        state["conn"] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tally.note(kind, 1000 * (time.perf_counter() - t0), f"{path}: {type(exc).__name__}: {exc}")
        return None
    ms = 1000 * (time.perf_counter() - t0)
    if status >= 400:
        tally.note(kind, ms, f"{path}: HTTP {status}: {raw[:300].decode(errors='replace')}")
        return None
    tally.note(kind, ms)
    return raw


def reader(tally: Tally, port: int, stop_at: float, seed: int, ids: list[str], donors: list[str]) -> None:
    rng, state, cursor = random.Random(seed), {"conn": http.client.HTTPConnection("127.0.0.1", port, timeout=60)}, None
    while time.monotonic() < stop_at:
        kind = rng.choice(READS)
        if kind == "api page":  # walk the ledger page by page, as a client syncing it would
            raw = timed(tally, port, state, kind, "GET", "/api/entries?limit=50" + (f"&cursor={cursor}" if cursor
                                                                                      else ""))
            cursor = json.loads(raw)["next_cursor"] if raw else None
        elif kind == "dashboard page":
            timed(tally, port, state, kind, "GET", f"/ledger?donor={rng.choice(donors)}")
        elif kind == "entry":
            timed(tally, port, state, kind, "GET", f"/api/entries/{rng.choice(ids)}")
        elif kind == "totals":
            timed(tally, port, state, kind, "GET", f"/api/totals?by={rng.choice(DIMENSIONS)}")
        elif kind == "search":
            timed(tally, port, state, kind, "GET", f"/api/entries?q={rng.choice(WORDS)}&limit=50")
        else:
            timed(tally, port, state, kind, "GET", f"/api/export/entries.csv?donor={rng.choice(donors)}")


def writer(tally: Tally, port: int, stop_at: float, name: str, token: str, owned: list[str]) -> None:
    """Edit the entries this reviewer owns, one after another; record each acknowledged edit."""
    state, n = {"conn": http.client.HTTPConnection("127.0.0.1", port, timeout=60)}, 0
    while time.monotonic() < stop_at:
        entry_id, value = owned[n % len(owned)], f"{name} edit {n}"
        raw = timed(tally, port, state, "review edit", "POST", f"/api/entries/{entry_id}/review",
                    {"action": "edit", "values": {"announced_by": value}, "note": "load benchmark"}, token)
        if raw:
            with tally.lock:
                tally.acked.append((entry_id, json.loads(raw)["id"], value))
        n += 1


def lost_writes(port: int, acked: list) -> dict:
    """Acknowledged edits missing from their entry's audit trail, and entries not showing their last edit."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    last, missing_events, stale_values = {}, 0, 0
    for entry_id, event_id, value in acked:
        last[entry_id] = value
    for entry_id in sorted(last):
        status, raw = request(conn, "GET", f"/api/entries/{entry_id}/audit")
        events = {e["id"] for e in json.loads(raw)} if status == 200 else set()
        missing_events += sum(1 for e, event_id, _ in acked if e == entry_id and event_id not in events)
        status, raw = request(conn, "GET", f"/api/entries/{entry_id}")
        stale_values += status != 200 or json.loads(raw)["announced_by"] != last[entry_id]
    return {"acknowledged": len(acked), "missing from audit": missing_events, "entries without last edit": stale_values}


# ---------------------------------------------------------------- one run


def targets(port: int, seed: int) -> tuple[list[str], list[str]]:
    """Entry ids and donors to aim at, read from the service itself."""
    conn, ids, donors, cursor = http.client.HTTPConnection("127.0.0.1", port, timeout=60), [], set(), None
    while len(ids) < 1000:
        _, raw = request(conn, "GET", "/api/entries?limit=200" + (f"&cursor={cursor}" if cursor else ""))
        page = json.loads(raw)
        ids += [e["id"] for e in page["items"]]
        donors |= {e["donor"] for e in page["items"] if e["donor"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    random.Random(seed).shuffle(ids)
    return ids, sorted(donors)


def run_once(url: str, args, run: int, workdir: Path) -> tuple[Tally, dict, float]:
    tokens = {f"reviewer{w}": create_token(url, f"reviewer{w}") for w in range(args.writers)}
    port = free_port()
    proc = start_service(url, port, workdir / f"serve-{url.split(':')[0].split('+')[0]}-{run}.log")
    try:
        ids, donors = targets(port, seed=run)
        tally = Tally()
        stop_at = time.monotonic() + min(args.seconds, MAX_SECONDS)
        per_writer = max(1, min(50, len(ids) // (2 * args.writers)))
        threads = [threading.Thread(target=reader, args=(tally, port, stop_at, 100 * run + r, ids, donors))
                   for r in range(args.readers)]
        threads += [threading.Thread(target=writer, args=(tally, port, stop_at, name, token,
                                                          ids[w * per_writer:(w + 1) * per_writer]))
                    for w, (name, token) in enumerate(tokens.items())]  # disjoint entries: one owner each
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        return tally, lost_writes(port, tally.acked), elapsed
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def summary(tally: Tally) -> dict[str, tuple[int, int, float, float]]:
    """Per kind: (requests, errors, p50 ms, p99 ms)."""
    out = {}
    for kind in (*READS, "review edit"):
        lat = sorted(tally.latencies.get(kind, []))
        if lat:
            p99 = statistics.quantiles(lat, n=100, method="inclusive")[98] if len(lat) > 1 else lat[0]
            out[kind] = (len(lat), len(tally.errors.get(kind, [])), statistics.median(lat), p99)
    return out


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so a stopped run still stops its PostgreSQL
    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="aidledger-load-"))
    print(f"{args.readers} readers, {args.writers} reviewers, {min(args.seconds, MAX_SECONDS):.0f} s per run, "
          f"{args.runs} runs per backend; 127.0.0.1 only; work in {workdir}")
    clusters: list[PostgresServer] = []
    try:
        for backend in args.backends:
            if backend == "sqlite" and args.sqlite_file:
                url = f"sqlite:///{args.sqlite_file}"
                print(f"\n{backend}: reusing {args.sqlite_file}")
            else:
                url = _empty_ledger(backend, workdir, clusters)
                print(f"\n{backend}: built {build(url, args.articles, workdir)}")
            report([run_once(copy_ledger(url, run, workdir), args, run, workdir) for run in range(args.runs)])
    finally:
        for cluster in clusters:
            cluster.stop()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--articles", type=int, default=1500, help="generated news articles in the ledger")
    add("--seconds", type=float, default=60, help=f"per run; capped at {MAX_SECONDS}")
    add("--readers", type=int, default=8, help="reader threads")
    add("--writers", type=int, default=2, help="reviewer threads, one write token each")
    add("--runs", type=int, default=3, help="runs per backend, each on a fresh copy of the ledger")
    add("--backends", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    add("--sqlite-file", help="a ledger built by an earlier run (its built.db) to copy instead of building one")
    return parser.parse_args()


def _empty_ledger(backend: str, workdir: Path, clusters: list) -> str:
    """The URL of an empty database: a file, or a database in a throwaway PostgreSQL cluster started once."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'built.db'}"
    if not clusters:
        clusters.append(PostgresServer(find_bindir()).start())
    return clusters[0].new_database()


def report(runs: list) -> None:
    per_run = [summary(tally) for tally, _, _ in runs]
    print(f"{'kind':<16} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}   (median of {len(runs)} runs)")
    for kind in (*READS, "review edit"):
        rows = [s[kind] for s in per_run if kind in s]
        if rows:
            med = [statistics.median(r[i] for r in rows) for i in range(4)]
            print(f"{kind:<16} {med[0]:>9.0f} {max(r[1] for r in rows):>7} {med[2]:>8.1f} {med[3]:>8.1f}")
    for i, (tally, lost, elapsed) in enumerate(runs):
        total = sum(len(v) for v in tally.latencies.values())
        errors = sum(len(v) for v in tally.errors.values())
        print(f"run {i}: {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s), {errors} errors; "
              f"writes {lost}")
        for kind, messages in tally.errors.items():
            for message in messages[:3]:
                print(f"  error {kind}: {message}")


if __name__ == "__main__":
    main()
