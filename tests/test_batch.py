"""Batch mode: WARC/JSONL/feed/URL readers, the polite fetcher, partitions, a real Dask LocalCluster, load.

Fetching is tested against a real HTTP server the test starts on 127.0.0.1; nothing leaves the machine.
The end-to-end test runs a real LocalCluster (2 worker processes) on a few hundred generated articles.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import random
import re
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aidledger.batch.job import BatchJob, iter_records
from aidledger.batch.load import load
from aidledger.batch.output import completed
from aidledger.batch.plan import expand, plan, plan_split
from aidledger.errors import InputError
from aidledger.extract import extract
from aidledger.ingest.fetch import Fetcher, FetchPolicy, _is_public
from aidledger.ingest.warc import iter_warc
from aidledger.ingest.raw import RawRecord, to_document
from aidledger.ingest.readers import read_document
from aidledger.store import open_ledger

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "aidledger" / "sample"
ARTICLE = (SAMPLE / "s10_australia_bushmasters.html").read_text("utf-8")


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _exchange(writer, url: str, body: bytes, status: str = "200 OK", content_type: str = "text/html") -> None:
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def _warc(path: Path, pages: list[tuple[str, bytes, str, str]]) -> Path:
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=path.name.endswith(".gz"))
        for url, body, status, content_type in pages:
            _exchange(writer, url, body, status, content_type)
    return path


def _ok(url: str, html: str) -> tuple[str, bytes, str, str]:
    return (url, html.encode(), "200 OK", "text/html; charset=utf-8")


def _run_all(paths: list[Path], out: Path, per: int, job: BatchJob | None = None) -> list:
    """Every partition run in this process (the cc-pyspark way to test a job without a cluster)."""
    files = expand([str(p) for p in paths])
    partitions = plan(files, per)
    for path, kind in files:
        if kind in ("warc", "jsonl") and per:
            partitions += plan_split(path, kind, per)
    job = job or BatchJob()
    return [job.run_partition(p, str(out)) for p in partitions]


# ------------------------------------------------------------------ the per-record function

def test_process_record_is_the_single_machine_path(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, "utf-8")
    doc, records = BatchJob().process_record(RawRecord(str(page), "html", ARTICLE.encode()))
    single = read_document(page)
    assert doc.id == single.id and doc.text == single.text and doc.published == single.published
    expected = extract(single.text, published=single.published, doc_id=single.id)
    assert records and [r.id for r in records] == [r.id for r in expected]


def test_bad_records_raise_input_errors_naming_the_source():
    with pytest.raises(InputError, match="crawl.warc:10"):
        BatchJob().process_record(RawRecord("crawl.warc:10", "html", b"   "))
    with pytest.raises(InputError, match="fetching is off"):
        to_document(RawRecord("list.urls:1", "url", "https://example.org/a"))


# ------------------------------------------------------------------ WARC: bad records, corrupt gzip

def test_bad_warc_records_are_counted_with_reasons(tmp_path):
    warc = _warc(tmp_path / "crawl.warc.gz", [
        _ok("https://a.example/1", ARTICLE),
        ("https://a.example/empty", b"", "200 OK", "text/html"),
        _ok("https://a.example/blank", "<html><head><title></title></head><body><div></div></body></html>"),
        ("https://a.example/logo.png", b"\x89PNG" + bytes(50), "200 OK", "image/png"),  # skipped, not bad
        ("https://a.example/moved", b"", "301 Moved Permanently", "text/html"),  # skipped, not bad
        _ok("https://a.example/1-again", ARTICLE),  # same content: a duplicate
    ])
    results = _run_all([warc], tmp_path / "out", per=10)  # one partition: duplicates are found within it
    assert sum(r.documents for r in results) == 1
    assert sum(r.duplicates for r in results) == 1
    assert sum(r.errors for r in results) == 2
    reasons = {reason for r in results for _, reason in r.samples}
    assert reasons == {"the page is empty", "no article text found in the page"}
    assert len(completed(str(tmp_path / "out"))) == len(results)


def test_corrupt_gzip_is_reported_not_fatal(tmp_path):
    pages = [_ok(f"https://a.example/{i}", ARTICLE.replace("Bushmaster", f"Bushmaster{i}")) for i in range(6)]
    warc = _warc(tmp_path / "crawl.warc.gz", pages)
    data = bytearray(warc.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)  # a burst of zeros inside one gzip member
    warc.write_bytes(bytes(data))
    gz = tmp_path / "lines.jsonl.gz"
    good = gzip.compress(b'{"text": "Sweden will give SEK 1 billion to Ukraine, the government said."}\n' * 3)
    gz.write_bytes(good[: len(good) - 12])  # truncated stream

    results = _run_all([warc, gz], tmp_path / "out", per=2)
    bad = [reason for r in results for _, reason in r.samples]
    assert any("corrupt WARC data" in reason for reason in bad)
    assert any("corrupt compressed data" in reason for reason in bad)
    documents = sum(r.documents for r in results)
    assert 1 <= documents < 6 + 1  # what precedes the damage is kept
    # single-machine ingest reads the same files without raising
    report = open_ledger(f"sqlite:///{tmp_path / 'single.db'}").ingest([warc, gz])
    assert report.read >= 1 and any("corrupt" in reason for _, reason in report.failed)


def test_damage_in_a_range_cut_warc_costs_its_partition_only(tmp_path, monkeypatch):
    from aidledger.batch import plan as planning

    monkeypatch.setattr(planning, "SAMPLE_ARTICLES", 2)  # the damage lies beyond what planning reads
    pages = [_ok(f"https://a.example/{i}", ARTICLE.replace("Bushmaster", f"Bushmaster{i}")) for i in range(12)]
    warc = _warc(tmp_path / "crawl.warc.gz", pages)
    data = bytearray(warc.read_bytes())
    middle = len(data) * 2 // 3
    data[middle:middle + 64] = bytes(64)
    warc.write_bytes(bytes(data))
    parts = plan_split(str(warc), "warc", 2)
    assert not any(p.aligned for p in parts)
    results = [BatchJob().run_partition(p, str(tmp_path / "out")) for p in parts]
    assert [reason for r in results for _, reason in r.samples if "corrupt WARC data" in reason]
    documents = sum(r.documents for r in results)
    assert 12 - 3 <= documents < 12  # the damaged record and at most its partition's others are lost


def test_warc_is_split_into_byte_ranges_that_cover_every_article(tmp_path):
    pages = [_ok(f"https://a.example/{i}", ARTICLE.replace("40", str(100 + i))) for i in range(7)]
    warc = _warc(tmp_path / "crawl.warc.gz", pages)
    whole = [r.source for r in iter_warc(open(warc, "rb"), str(warc))]
    for workers in (1, 2, 3):  # cut by size, never read whole; the last round in smaller pieces
        parts = plan_split(str(warc), "warc", 3, workers)
        assert len(parts) > 2 and not any(p.aligned for p in parts)
        assert [r.source for p in parts for r in iter_records(p)] == whole  # each article once, in order
    plain = _warc(tmp_path / "crawl.warc", pages)  # not gzipped per record: scanned for its boundaries
    assert [p.records for p in plan_split(str(plain), "warc", 3)] == [3, 3, 1]


def test_any_byte_offset_resolves_to_the_next_record_start(tmp_path):
    from aidledger.ingest.warc import next_record_start, record_offsets

    noise = random.Random(5).randbytes(40_000)  # incompressible: deflate stores what follows as it is
    stored = [gzip.compress(b"hello " * 20), b"\x1f\x8b\x08\x00", gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")]
    pages = [_ok(f"https://a.example/{i}", ARTICLE.replace("40", str(100 + i))) for i in range(3)]
    pages.insert(1, ("https://a.example/x.gz", noise.join([b"", *stored, b""]), "200 OK", "application/gzip"))
    warc = _warc(tmp_path / "crawl.warc.gz", pages)
    data = warc.read_bytes()
    with open(warc, "rb") as f:
        starts = [offset for offset, _ in record_offsets(f)]
        inside = [m.start() for m in re.finditer(b"\x1f\x8b\x08", data) if m.start() not in starts]
        assert len(inside) >= 2  # gzip headers inside a record, stored as they are
        offsets = {o + d for o in starts + inside for d in (-1, 0, 1)} | set(range(0, starts[-1], 251))
        for offset in sorted(o for o in offsets if 0 <= o <= starts[-1]):
            assert next_record_start(f, offset) == min(s for s in starts if s >= offset)


def test_jsonl_ranges_keep_line_numbers(tmp_path):
    lines = [json.dumps({"text": f"Norway will provide NOK {i} billion to Ukraine, the minister said."})
             for i in range(1, 26)]
    lines[16] = "{broken"
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    results = _run_all([path], tmp_path / "out", per=10)
    assert len(results) == 3
    assert [s for r in results for s, _ in r.samples] == [f"{path}:17"]
    assert sum(r.documents for r in results) == 24


# ------------------------------------------------------------------ fetching from a real local server

class _Site(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"not found", 0))
        time.sleep(delay)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def site():
    """A real HTTP server on 127.0.0.1 (a random port) and a second one to redirect to."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Site) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    base, other = (f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    html = {"Content-Type": "text/html; charset=utf-8"}
    feed = f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
      <channel><title>News</title>
      <item><title>Japan pledges $37 million</title><link>{base}/full</link>
        <pubDate>Sun, 07 Jan 2024 10:00:00 GMT</pubDate>
        <content:encoded><![CDATA[<p>Japan promised to provide $37 million to a NATO fund for anti-drone
        equipment for Ukraine, Foreign Minister Yoko Kamikawa said on Sunday in Kyiv.</p>]]></content:encoded></item>
      <item><title>Australia sends Bushmasters</title><link>{base}/article</link>
        <description>Short summary.</description></item>
      </channel></rss>"""
    _Site.routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n", 0),
        "/article": (200, html, ARTICLE.encode(), 0),
        "/private/page": (200, html, ARTICLE.encode(), 0),
        "/moved": (301, {"Location": "/article"}, b"", 0),
        "/loop": (302, {"Location": "/loop"}, b"", 0),
        "/big": (200, html, b"<p>" + b"x" * 5000 + b"</p>", 0),
        "/slow": (200, html, ARTICLE.encode(), 1.5),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG", 0),
        "/feed.rss": (200, {"Content-Type": "application/rss+xml"}, feed.encode(), 0),
        "/to-other": (302, {"Location": f"{other}/article"}, b"", 0),
    }
    yield base, other, feed
    for server in servers:
        server.shutdown()
        server.server_close()


def _fast(**overrides) -> FetchPolicy:
    return FetchPolicy(**{"per_host_interval": 0.0, "allow_private": True, "timeout": 5.0, **overrides})


def test_fetcher_follows_redirects_and_respects_robots(site):
    base, _, _ = site
    with Fetcher(_fast()) as fetcher:
        page = fetcher.get(f"{base}/moved")
        assert page.url == f"{base}/article" and page.content_type == "text/html" and page.charset == "utf-8"
        with pytest.raises(InputError, match="robots.txt"):
            fetcher.get(f"{base}/private/page")
        with pytest.raises(InputError, match="redirects"):
            fetcher.get(f"{base}/loop")
        with pytest.raises(InputError, match="HTTP 404"):
            fetcher.get(f"{base}/missing")
    with Fetcher(_fast(max_bytes=1000)) as fetcher, pytest.raises(InputError, match="byte cap"):
        fetcher.get(f"{base}/big")
    with Fetcher(_fast(timeout=0.5)) as fetcher, pytest.raises(InputError, match="timed out"):
        fetcher.get(f"{base}/slow")


def test_fetcher_waits_between_requests_to_one_host(site):
    base, _, _ = site
    with Fetcher(_fast(per_host_interval=0.3, respect_robots=False)) as fetcher:
        start = time.monotonic()
        for _ in range(3):
            fetcher.get(f"{base}/article")
        assert time.monotonic() - start >= 0.6  # three requests, two waits


def test_default_policy_refuses_loopback_and_redirects_to_it(site):
    base, other, _ = site
    with Fetcher() as fetcher, pytest.raises(InputError, match="non-public address 127.0.0.1"):
        fetcher.get(f"{base}/article")
    # the first host is explicitly allowed; its redirect to another loopback host is not
    first = base.removeprefix("http://")
    with Fetcher(FetchPolicy(private_hosts=(first,), per_host_interval=0.0)) as fetcher:
        assert fetcher.get(f"{base}/article").status == 200
        with pytest.raises(InputError, match=f"{other}/article: resolves to the non-public address 127.0.0.1"):
            fetcher.get(f"{base}/to-other")


def test_address_classes():
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1"):
        assert not _is_public(address), address
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"):
        assert _is_public(address), address


def test_feeds_and_url_lists_in_a_batch(site, tmp_path):
    base, _, feed = site
    (tmp_path / "news.rss").write_text(feed, "utf-8")
    (tmp_path / "pages.urls").write_text(f"# articles\n{base}/article\n{base}/image\nnot a url\n", "utf-8")
    (tmp_path / "feeds.feeds").write_text(f"{base}/feed.rss\n", "utf-8")
    results = _run_all([tmp_path], tmp_path / "out", per=10, job=BatchJob(_fast()))
    by_kind = {Path(r.input).suffix: r for r in results}
    assert by_kind[".rss"].documents == 2 and by_kind[".feeds"].documents == 2  # full content + fetched link
    assert by_kind[".urls"].documents == 1 and by_kind[".urls"].errors == 2
    reasons = " ".join(reason for _, reason in by_kind[".urls"].samples)
    assert "content type image/png" in reasons and "not an http(s) URL" in reasons

    refused = _run_all([tmp_path / "pages.urls"], tmp_path / "out-default", per=10)  # default policy
    assert refused[0].documents == 0
    assert any("non-public address" in reason for _, reason in refused[0].samples)


def test_feed_entry_date_and_content(site, tmp_path):
    _, _, feed = site
    (tmp_path / "news.rss").write_text(feed, "utf-8")
    with Fetcher(_fast()) as fetcher:
        docs = list(iter_records(plan(expand([str(tmp_path / "news.rss")]), 10)[0], fetcher))
    first = to_document(docs[0])
    assert first.published == "2024-01-07" and "Japan promised to provide $37 million" in first.text
    assert docs[1].kind == "url"


# ------------------------------------------------------------------ single-machine ingest of containers

def test_ingest_reads_warc_and_jsonl_gz(tmp_path):
    warc = _warc(tmp_path / "crawl.warc", [_ok("https://a.example/1", ARTICLE)])
    gz = tmp_path / "lines.jsonl.gz"
    gz.write_bytes(gzip.compress(json.dumps({"html": ARTICLE, "url": "https://a.example/2"}).encode() + b"\n"))
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}")
    report = ledger.ingest([tmp_path])
    assert (report.read, report.known, report.failed) == (1, 1, [])  # the same page twice: one document
    assert report.commitments > 0
    (doc,) = ledger.documents()
    assert doc["source"] == f"{warc}:0"


# ------------------------------------------------------------------ a real cluster, end to end

@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster


def test_batch_on_a_local_cluster_then_load(cluster, tmp_path):
    from aidledger.batch.run import run_batch

    n = 240
    warc = tmp_path / "crawl.warc.gz"
    _generator().write_warc(warc, _generator().articles(n, seed=5))
    out = tmp_path / "out"
    seen = []
    report = run_batch([str(warc)], str(out), scheduler=cluster.scheduler_address, records_per_partition=60,
                       progress=lambda r: seen.append(r.records))
    parts = len(plan_split(str(warc), "warc", 60, 2))  # 4 partitions' worth, each worker's last cut smaller
    assert parts > 4 and report.partitions == report.done == parts and report.failed == 0
    assert report.records == n and report.errors == 0 and report.documents == n
    assert seen[-1] == n and len(seen) == parts + 1  # once before the first partition, once after each
    assert json.loads((out / "_report.json").read_text())["documents"] == n

    ledger = open_ledger(f"sqlite:///{tmp_path / 'batch.db'}")
    loaded = load(str(out), ledger)
    assert (loaded.partitions, loaded.documents, loaded.known) == (parts, n, 0)
    assert loaded.commitments == report.commitments > 0
    assert ledger.entries() and ledger.totals()
    again = load(str(out), ledger)  # idempotent
    assert (again.documents, again.known, again.commitments) == (0, n, 0)

    single = open_ledger(f"sqlite:///{tmp_path / 'single.db'}")
    single.ingest([warc])  # the same crawl on one machine gives the same ledger
    assert _ids(tmp_path / "single.db", "commitments") == _ids(tmp_path / "batch.db", "commitments")
    assert _ids(tmp_path / "single.db", "entries") == _ids(tmp_path / "batch.db", "entries")


def test_rerun_skips_finished_partitions(cluster, tmp_path):
    from aidledger.batch.run import run_batch

    warc = tmp_path / "crawl.warc.gz"
    _generator().write_warc(warc, _generator().articles(40, seed=9))
    out = tmp_path / "out"
    first = run_batch([str(warc)], str(out), scheduler=cluster.scheduler_address, records_per_partition=10)
    parts = first.partitions
    assert first.done == parts and first.documents == 40
    victim = sorted((out / "_done").glob("*.json"))[1]
    lost = json.loads(victim.read_text())["documents"]
    victim.unlink()  # as if the run had died before that partition finished
    stale = out / "documents" / f"{victim.stem}.parquet.tmp-deadbeef"
    stale.write_bytes(b"half written")
    second = run_batch([str(warc)], str(out), scheduler=cluster.scheduler_address, records_per_partition=10)
    assert lost and (second.resumed, second.done, second.records, second.documents) == (parts - 1, 1, lost, lost)
    assert len(completed(str(out))) == parts
    third = run_batch([str(warc)], str(out), scheduler=cluster.scheduler_address, records_per_partition=10)
    assert (third.resumed, third.done, third.records) == (parts, 0, 0)


def test_cli_batch_and_load(tmp_path):
    from typer.testing import CliRunner

    from aidledger.cli import app

    warc = _warc(tmp_path / "crawl.warc.gz", [_ok("https://a.example/1", ARTICLE), _ok("https://a.example/2", "")])
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(warc), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output and "1 bad" in result.output and "the page is empty" in result.output
    result = runner.invoke(app, ["load", str(tmp_path / "out"), "--db", f"sqlite:///{tmp_path / 'c.db'}"])
    assert result.exit_code == 0 and "1 new documents" in result.output


def _ids(db: Path, table: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
