"""Batch and scale: HTML -> ledger vs trafilatura, Dask vs one process, scaling, and ingest memory.

Every comparison is measured side by side in one run on the same generated corpus
(benchmarks/generate_corpus.py), several runs where the sizes allow, medians reported:

    python benchmarks/bench_batch.py html  --articles 300 --repeats 5   # HTML -> ledger vs trafilatura alone
    python benchmarks/bench_batch.py dask  --articles 2000 --repeats 3  # LocalCluster(2 workers) vs one process
    python benchmarks/bench_batch.py scale --sizes 1000 10000 100000    # batch articles/s as the corpus grows
    python benchmarks/bench_batch.py rss   --sizes 10000 100000         # peak RSS of `aidledger ingest` (subprocess)
    python benchmarks/bench_batch.py rss   --sizes 10000 100000 --command load     # ... of `aidledger load`
    python benchmarks/bench_batch.py rss   --sizes 10000 100000 --command rebuild  # ... of reconciling a ledger

Corpora are written once under --work (default /tmp/aidledger-bench) and reused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AIDLEDGER = str(Path(sys.executable).parent / "aidledger")


def corpus(work: Path, n: int) -> Path:
    target = work / f"corpus-{n}" / f"corpus-{n}.warc.gz"
    if not target.exists():
        generate_corpus.write(n, "warc", target.parent)
    return target


# ------------------------------------------------------------------ HTML -> ledger vs trafilatura alone

def bench_html(args) -> None:
    """Each run, side by side on the same pages: trafilatura.extract alone; HTML -> reconciled ledger
    through `Ledger.ingest_documents` (what `aidledger ingest` runs on each file's documents); and the same
    work again phase by phase, to show where the time goes."""
    import trafilatura

    from aidledger.ingest.html import TRAFILATURA_OPTIONS

    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    pages = [generate_corpus.page_html(a) for a in generate_corpus.articles(args.articles, seed=3)]
    runs: dict[str, list[float]] = {k: [] for k in ("trafilatura", "ledger", *PHASES)}
    with tempfile.TemporaryDirectory() as tmp:  # warm: imports, lexicons, compiled patterns, exchange rates
        _html_phases(pages[:30], f"sqlite:///{tmp}/warm.db")
    for _ in range(args.repeats):
        start = CLOCK()
        for page in pages:
            trafilatura.extract(page, **TRAFILATURA_OPTIONS)
        runs["trafilatura"].append(CLOCK() - start)
        with tempfile.TemporaryDirectory() as tmp:
            runs["ledger"].append(_html_to_ledger(pages, f"sqlite:///{tmp}/bench.db"))
        with tempfile.TemporaryDirectory() as tmp:
            for phase, seconds in _html_phases(pages, f"sqlite:///{tmp}/phases.db").items():
                runs[phase].append(seconds)
    t = {k: statistics.median(v) for k, v in runs.items()}
    n = len(pages)
    print(f"pages: {n}, repeats: {args.repeats}, one process, {args.clock} time, load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print(f"HTML -> reconciled ledger (Ledger.ingest_documents): {n / t['ledger']:7.1f} pages/s "
          f"({1000 * t['ledger'] / n:.2f} ms/page)")
    print(f"trafilatura.extract alone:                           {n / t['trafilatura']:7.1f} pages/s "
          f"({1000 * t['trafilatura'] / n:.2f} ms/page)")
    print(f"ratio HTML -> ledger / trafilatura alone (time): {t['ledger'] / t['trafilatura']:.2f} "
          f"(without reconciliation: {(t['ledger'] - t['reconcile']) / t['trafilatura']:.2f}; against trafilatura's "
          f"text and metadata, the first phase below: {t['ledger'] / t['page']:.2f})")
    print("where the time goes (phases run apart, medians), ms/page and as multiples of trafilatura alone:")
    for phase, label in PHASES.items():
        print(f"  {label:<52} {1000 * t[phase] / n:6.2f}  {t[phase] / t['trafilatura']:5.2f}x")
    print(f"  {'sum of the phases':<52} {1000 * sum(t[p] for p in PHASES) / n:6.2f}")
    for key in ("trafilatura", "ledger"):
        print(f"runs {key} (s): " + ", ".join(f"{v:.2f}" for v in runs[key]))


CLOCK = time.perf_counter  # --clock cpu: this process's CPU time, less moved by other processes on a busy machine
PHASES = {"page": "HTML -> Document (trafilatura text + title, author, url, date)", "extract": "extract (text -> commitments)",
          "store": "store (100 documents a transaction)", "reconcile": "reconcile (the touched donors, once)"}


def _html_to_ledger(pages: list[str], url: str) -> float:
    from aidledger.ingest.html import html_to_document
    from aidledger.store import open_ledger

    ledger = open_ledger(url)
    start = CLOCK()
    ledger.ingest_documents(html_to_document(page, f"page{i}.html") for i, page in enumerate(pages))
    seconds = CLOCK() - start
    ledger.engine.dispose()
    return seconds


def _html_phases(pages: list[str], url: str) -> dict[str, float]:
    """The work of `_html_to_ledger`, one phase at a time over all pages."""
    from datetime import datetime, timezone

    from aidledger.extract import extract
    from aidledger.ingest.html import html_to_document
    from aidledger.store import open_ledger
    from aidledger.store.ledger import BATCH_DOCUMENTS
    from aidledger.store.write import write_documents

    ledger = open_ledger(url)
    out, clock = {}, CLOCK()

    def lap(phase: str) -> None:
        nonlocal clock
        out[phase], clock = CLOCK() - clock, CLOCK()

    docs = [html_to_document(page, f"page{i}.html") for i, page in enumerate(pages)]
    lap("page")
    items = [(doc, extract(doc.text, published=doc.published, doc_id=doc.id)) for doc in docs]
    lap("extract")
    for i in range(0, len(items), BATCH_DOCUMENTS):
        with ledger.engine.begin() as conn:
            write_documents(conn, items[i:i + BATCH_DOCUMENTS], datetime.now(timezone.utc).isoformat())
    lap("store")
    ledger.reconcile({r.donor for _, records in items for r in records})
    lap("reconcile")
    ledger.engine.dispose()
    return out


# ------------------------------------------------------------------ Dask LocalCluster vs one process

def one_process(path: Path, out: Path, per: int, half: int | None = None) -> float:
    """The same partitions and per-partition code as the batch, run one after the other, no Dask
    (`half` 0 or 1: every other partition, for two plain processes side by side)."""
    from aidledger.batch.job import BatchJob
    from aidledger.batch.plan import plan_split

    start = time.perf_counter()
    job = BatchJob()
    partitions = plan_split(str(path), "warc", per, workers=2)  # the partitions a 2-worker batch runs
    for partition in partitions if half is None else partitions[half::2]:
        job.run_partition(partition, str(out))
    return time.perf_counter() - start


def on_cluster(path: Path, out: Path, per: int, workers: int) -> tuple[float, object]:
    from aidledger.batch.run import run_batch

    start = time.perf_counter()
    report = run_batch([str(path)], str(out), workers=workers, records_per_partition=per)
    return time.perf_counter() - start, report


def bench_dask(args) -> None:
    """Each run is a fresh process (interpreter, imports, cluster start-up and close all counted), one
    process, two plain processes and Dask alternating, so all pay the same cold start and see the same
    machine. The machine is shared: each run also measures the CPU other processes used meanwhile (from
    /proc/stat, less the run's own), and a round counts as quiet when no side lost more than QUIET_CORES
    of a core to them; with --wait-quiet each side first waits (up to that many seconds) for such a moment."""
    path = corpus(args.work, args.articles)
    runs: dict[str, list[tuple[float, float, float]]] = {"one": [], "two": [], "dask": []}
    for _ in range(args.repeats):
        for label in ("one", "two", "dask"):
            out = args.work / f"out-dask-{label}"
            shutil.rmtree(out, ignore_errors=True)
            _wait_quiet(args.wait_quiet)
            sides = [["--half", "0"], ["--half", "1"]] if label == "two" else [[]]
            runs[label].append(_timed_children([[sys.executable, __file__, "run-one" if label == "two" else
                                                 f"run-{label}", str(path), str(out), "--per", str(args.per), *side]
                                                for side in sides]))
    t1, t0, t2 = (statistics.median(t for t, _, _ in runs[k]) for k in ("one", "two", "dask"))
    cores = statistics.median(c / t for t, c, _ in runs["one"])
    c1, c0, c2 = (statistics.median(c for _, c, _ in runs[k]) for k in ("one", "two", "dask"))
    print(f"articles: {args.articles} in one WARC.gz, {args.per} per partition, repeats: {args.repeats}")
    print(f"one process (same partitions, no Dask):  {args.articles / t1:7.1f} articles/s ({t1:.1f} s, "
          f"{cores:.2f} cores busy)")
    print(f"two plain processes, half each, no Dask: {args.articles / t0:7.1f} articles/s ({t0:.1f} s): "
          f"the machine's own ceiling {t1 / t0:.2f}x")
    print(f"Dask LocalCluster, 2 worker processes:   {args.articles / t2:7.1f} articles/s ({t2:.1f} s)")
    print(f"CPU seconds (user + system, children included): one process {c1:.1f}, two plain processes {c0:.1f}, "
          f"Dask {c2:.1f} (Dask's own cost against the two plain processes {c2 - c0:+.1f} s)")
    print(f"speed-up 2 workers / one process: {t1 / t2:.2f}x on {os.cpu_count()} cores "
          "(fresh process each run: start-up, imports, cluster start and close included)")
    rounds = list(zip(runs["one"], runs["two"], runs["dask"]))
    quiet = [r for r in rounds if max(others for _, _, others in r) <= QUIET_CORES]
    if quiet:
        print(f"quiet rounds ({len(quiet)} of {len(rounds)}, others <= {QUIET_CORES} cores): speed-up "
              f"{statistics.median(one[0] / dask[0] for one, _, dask in quiet):.2f}x, ceiling "
              f"{statistics.median(one[0] / two[0] for one, two, _ in quiet):.2f}x (medians of the rounds' ratios)")
    for label, name in (("one", "one process"), ("two", "two plain processes"), ("dask", "Dask")):
        print(f"runs {name} (s, cores other processes used meanwhile): "
              + ", ".join(f"{t:.1f} ({others:.2f})" for t, _, others in runs[label]))


QUIET_CORES = 0.1


def _timed_children(cmds: list[list[str]]) -> tuple[float, float, float]:
    """Wall seconds until the last of `cmds` (started together) ends, their CPU seconds (user + system,
    their own children included), and the cores other processes kept busy meanwhile."""
    busy = _busy_seconds()
    start = time.perf_counter()
    children = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL) for cmd in cmds]
    cpu = 0.0
    for cmd, child in zip(cmds, children):
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
        cpu += usage.ru_utime + usage.ru_stime
    seconds = time.perf_counter() - start
    return seconds, cpu, max(_busy_seconds() - busy - cpu, 0.0) / seconds


def _busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all of /proc/stat's cpu line but
    idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _wait_quiet(limit: float) -> None:
    """Wait up to `limit` seconds for a 2 s window in which other processes use at most QUIET_CORES."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy = _busy_seconds()
        time.sleep(2)
        if (_busy_seconds() - busy) / 2 <= QUIET_CORES:
            return


def run_one(args) -> None:
    one_process(args.input, args.out, args.per, args.half)


def run_dask(args) -> None:
    on_cluster(args.input, args.out, args.per, 2)


# ------------------------------------------------------------------ scaling

def bench_scale(args) -> None:
    print(f"{'articles':>9} {'runs':>4} {'batch s':>8} {'articles/s':>10} {'load s':>7} {'docs':>7} "
          f"{'commitments':>11} {'bad':>4}")
    for n in args.sizes:
        path = corpus(args.work, n)
        runs = args.repeats if n <= 10_000 else 1
        times, loads = [], []
        for _ in range(runs):
            out = args.work / f"out-scale-{n}"
            shutil.rmtree(out, ignore_errors=True)
            seconds, report = on_cluster(path, out, args.per, 2)
            times.append(seconds)
            if n <= args.load_max:
                loads.append(_timed_load(out))
        t = statistics.median(times)
        load = f"{statistics.median(loads):7.1f}" if loads else "      -"
        print(f"{n:9d} {runs:4d} {t:8.1f} {n / t:10.1f} {load} {report.documents:7d} {report.commitments:11d} "
              f"{report.errors:4d}", flush=True)


def _timed_load(out: Path) -> float:
    from aidledger.batch.load import load
    from aidledger.store import open_ledger

    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(f"sqlite:///{tmp}/load.db")
        start = time.perf_counter()
        load(str(out), ledger)
        seconds = time.perf_counter() - start
        ledger.engine.dispose()
    return seconds


# ------------------------------------------------------------------ peak RSS of `aidledger ingest`

def bench_rss(args) -> None:
    """Peak RSS of `aidledger ingest`, `load` or a full rebuild (--command), each in a fresh process.

    RSS counts the pages of the SQLite file the process has mapped (PRAGMA mmap_size) as well as its own
    memory, so the anonymous part (heap) and the file-mapped part are sampled apart."""
    print(f"{'articles':>9} {'seconds':>8} {'articles/s':>10} {'peak RSS MB':>11} {'anon MB':>7} {'file MB':>7} "
          f"{'RSS at 25/50/75/100% of run (MB)':>34}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            seconds, peak_kb, timeline = _measure(_rss_command(args, n, Path(tmp)))
        rss = [t["VmRSS"] for t in timeline]
        marks = [rss[min(len(rss) - 1, int(len(rss) * q))] // 1024 for q in (0.25, 0.5, 0.75)] + [rss[-1] // 1024]
        anon, mapped = (max(t[k] for t in timeline) // 1024 for k in ("RssAnon", "RssFile"))
        print(f"{n:9d} {seconds:8.0f} {n / seconds:10.1f} {peak_kb / 1024:11.0f} {anon:7d} {mapped:7d} "
              f"{' / '.join(str(m) for m in marks):>34}", flush=True)


def _rss_command(args, n: int, tmp: Path) -> list[str]:
    """ingest: the generated WARC.gz into a fresh SQLite. load: the batch output of `scale` into a fresh
    SQLite. rebuild: reconcile every donor again, in a fresh process, on a copy of the ledger `load` made."""
    if args.command == "ingest":
        return [AIDLEDGER, "ingest", str(corpus(args.work, n)), "--db", f"sqlite:///{tmp}/rss.db"]
    out = args.work / f"out-scale-{n}"
    if not out.exists():
        raise SystemExit(f"{out} is missing: run `bench_batch.py scale --sizes {n}` first")
    if args.command == "load":
        return [AIDLEDGER, "load", str(out), "--db", f"sqlite:///{tmp}/rss.db"]
    ledger = args.work / f"ledger-{n}.db"
    if not ledger.exists():
        subprocess.run([AIDLEDGER, "load", str(out), "--db", f"sqlite:///{ledger}"], check=True,
                       stdout=subprocess.DEVNULL)
    shutil.copy(ledger, tmp / "rss.db")
    return [sys.executable, "-c", "import sys; from aidledger.store import open_ledger; "
            "open_ledger(sys.argv[1]).reconcile()", f"sqlite:///{tmp}/rss.db"]


def _measure(cmd: list[str]) -> tuple[float, int, list[dict]]:
    """Wall time, peak RSS (kB, from wait4's rusage of that child alone) and /proc memory samples (kB)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timeline = []
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        timeline.append(_memory(child.pid))
        time.sleep(0.5)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {child.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss, [t for t in timeline if t["VmRSS"]] or [_memory(0)]


def _memory(pid: int) -> dict[str, int]:
    """VmRSS, RssAnon and RssFile of a process, kB (zeros once it is gone)."""
    out = dict.fromkeys(("VmRSS", "RssAnon", "RssFile"), 0)
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in out:
                out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["html", "dask", "scale", "rss", "run-one", "run-dask"])
    parser.add_argument("input", type=Path, nargs="?", help="(run-one, run-dask: the side a `dask` run times)")
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--command", choices=["ingest", "load", "rebuild"], default="ingest",
                        help="(rss: what to measure)")
    parser.add_argument("--half", type=int, choices=[0, 1], help="(run-one: only every other partition)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="(html: wall time, or this process's CPU time on a busy machine)")
    parser.add_argument("--per", type=int, default=250, help="articles per partition")
    parser.add_argument("--load-max", type=int, default=10_000, help="also time `load` up to this size")
    parser.add_argument("--wait-quiet", type=float, default=0,
                        help="(dask: seconds each run may wait for other processes to leave the cores alone)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/aidledger-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    {"html": bench_html, "dask": bench_dask, "scale": bench_scale, "rss": bench_rss, "run-one": run_one,
     "run-dask": run_dask}[args.what](args)


if __name__ == "__main__":
    main()
