"""Batch: news crawls (WARC, feeds, URL lists, JSONL) on a Dask cluster; one per-record library call."""
