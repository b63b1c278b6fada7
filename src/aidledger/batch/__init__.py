"""Batch: news crawls (WARC, feeds, URL lists, JSONL) on a Dask cluster; one per-record library call.

    from aidledger.batch import run_batch, load
    report = run_batch(["crawl.warc.gz"], "out/", workers=2)   # or scheduler="tcp://HOST:8786"
    load("out/", aidledger.open_ledger("sqlite:///aidledger.db"))

Modules, in pipeline order: `plan` (inputs -> partitions), `job` (the base that iterates a partition's
records and the per-record function), `output` (partitioned Parquet, atomic, resumable), `run` (the
driver that owns the cluster and the counters), `load` (Parquet -> ledger), `commands` (the CLI).
"""

_LAZY = {"BatchJob": "job", "BatchReport": "run", "run_batch": "run", "load": "load", "LoadReport": "load"}


def __getattr__(name: str):
    # Lazy: `aidledger --help` imports this package, and Dask and pyarrow take seconds to import.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"aidledger.batch.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'aidledger.batch' has no attribute {name!r}")


__all__ = sorted(_LAZY)
