"""The batch driver: owns the Dask cluster, plans partitions, skips finished ones, collects counters.

    report = run_batch(["crawl.warc.gz"], "out/", workers=2)          # LocalCluster, 2 processes
    report = run_batch(["s3://bucket/crawl/"], "s3://bucket/out/", scheduler="tcp://10.0.0.5:8786")

Workers run `BatchJob.run_partition` on one partition at a time and write its Parquet files
themselves; only counters travel back to the driver, so its memory does not grow with the crawl.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from aidledger.batch.job import BatchJob
from aidledger.batch.output import Counters, PartitionResult, completed
from aidledger.batch.plan import SPLITTABLE, Partition, expand, plan, plan_split
from aidledger.errors import ConfigurationError

# A local cluster has no dashboard to feed: its scheduler and workers sample and poll less, so the worker
# processes compute instead. Idle, the defaults cost the 2-core machine ~0.1 CPU second per second of run
# (profiling every 10 ms, event-loop ticks every 20 ms, memory checks every 100 ms); these ~0.02.
QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
         "distributed.admin.system-monitor.interval": "5s", "distributed.worker.memory.monitor-interval": "1s"}


@dataclass(kw_only=True)
class BatchReport(Counters):
    """Counters of one run (resumed partitions are counted apart, their work is not redone)."""

    out: str
    files: int = 0
    files_done: int = 0
    partitions: int = 0
    resumed: int = 0
    done: int = 0
    failed: int = 0
    records_expected: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def add(self, result: PartitionResult) -> None:
        self.done += 1
        self.merge(result)

    def fail(self, partition: Partition, exc: BaseException) -> None:
        self.failed += 1
        self.bad(partition.id, f"partition failed ({type(exc).__name__}: {exc}); re-run to retry it")


def run_batch(inputs: list[str], out: str, workers: int = 2, scheduler: str | None = None,
              records_per_partition: int = 500, job: BatchJob | None = None,
              progress: Callable[[BatchReport], None] | None = None) -> BatchReport:
    """Process `inputs` on a Dask cluster into partitioned Parquet under `out`; resumable."""
    job = job or BatchJob()
    files = expand([str(i) for i in inputs])
    report = BatchReport(out=out, files=len(files))
    with _client(workers, scheduler, job) as client:
        partitions = _plan(client, files, records_per_partition)
        report.partitions = len(partitions)
        report.records_expected = sum(p.records for p in partitions)
        left = _pending_files(partitions)
        done = completed(out)
        todo = [p for p in partitions if p.id not in done]
        report.resumed = len(partitions) - len(todo)
        for p in partitions:
            if p.id in done:
                report.records_expected -= p.records
                report.files_done += _finish(left, p)
        _notify(progress, report)
        _run(client, job, todo, out, report, left, progress)
    _write_report(out, report)
    return report


def _run(client, job, todo, out, report, left, progress) -> None:
    from distributed import as_completed

    futures = {client.submit(job.run_partition, p, out, pure=False, key=f"aidledger-{p.id}"): p for p in todo}
    for future in as_completed(futures):
        partition = futures.pop(future)
        try:
            report.add(future.result())
        except Exception as exc:  # a worker died or a bug: count it, the rest of the batch goes on
            report.fail(partition, exc)
        report.files_done += _finish(left, partition)
        future.release()
        _notify(progress, report)


def _plan(client, files: list[tuple[str, str]], per: int) -> list[Partition]:
    """Cheap partitions on the driver; WARC and JSONL files are cut on the workers (reading files there)."""
    partitions = plan(files, per)
    split = [(f, k) for f, k in files if k in SPLITTABLE and per]
    if split:
        workers = sum(client.nthreads().values())
        futures = client.map(plan_split, [f for f, _ in split], [k for _, k in split], [per] * len(split),
                             [workers] * len(split), pure=False)
        for chunk in client.gather(futures):
            partitions.extend(chunk)
    return partitions


def _pending_files(partitions: list[Partition]) -> dict[str, int]:
    left: dict[str, int] = {}
    for p in partitions:
        if p.kind != "files":
            left[p.input] = left.get(p.input, 0) + 1
    return left


def _finish(left: dict[str, int], partition: Partition) -> int:
    """How many input files are finished by this partition."""
    if partition.kind == "files":
        return len(partition.items)
    left[partition.input] -= 1
    return int(left[partition.input] == 0)


def _client(workers: int, scheduler: str | None, job: BatchJob):
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise ConfigurationError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it with "
                                     "`dask scheduler` or drop --scheduler to use local workers") from exc
    if workers < 1:
        raise ConfigurationError(f"--workers must be at least 1, not {workers}")
    # Local workers are forked from this process once it has loaded the extractor, so they start warm: on
    # the 2-core machine a worker was up in 0.5 s instead of ~5 s (spawn re-imports everything in every
    # worker) and closed in 0.1 s instead of ~1.5 s. Where fork is not the platform's way, Dask's default.
    method = "fork" if sys.platform == "linux" else dask.config.get("distributed.worker.multiprocessing-method")
    if method == "fork":
        job.warm()
    with dask.config.set({"distributed.worker.multiprocessing-method": method, **QUIET}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    return _OwnedClient(Client(cluster), cluster)


class _OwnedClient:
    """A client that closes the LocalCluster it started."""

    def __init__(self, client, cluster) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self):
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.cluster.close()


def _notify(progress, report: BatchReport) -> None:
    if progress is not None:
        progress(report)


def _write_report(out: str, report: BatchReport) -> None:
    import fsspec

    fs, root = fsspec.core.url_to_fs(out)
    fs.makedirs(root, exist_ok=True)
    summary = {k: v for k, v in asdict(report).items() if k != "started"}
    summary["seconds"] = round(report.elapsed, 2)
    with fs.open(f"{root}/_report.json", "w") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
