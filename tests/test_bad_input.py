"""Hostile and broken inputs: each gets a one-line error naming it; the rest of the batch goes on."""

import os
import random

import pytest
from crashcheck import document_counts, problems, run, run_cli, unreconciled

from aidledger import open_ledger
from aidledger.ingest import read_text_file

GOOD = "Germany will send 10 generators to Ukraine, Berlin said on Monday.\n"


def make_bad_files(folder):
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    big = folder / "huge.txt"
    with big.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # a 100 MB (sparse) text file
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 50_000 + "aid" + "</div>" * 50_000 + "</body></html>")
    (folder / "malformed.html").write_text("<html><body><p>Sweden will give SEK 1 billion to Ukraine.<div><span></html")
    (folder / "notext.html").write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    (folder / "broken.jsonl").write_text('{"text": "Norway pledged NOK 500 million to Ukraine on Tuesday."}\n'
                                         '{"text": 17}\n[1, 2]\n{not json\n')
    (folder / "cp1251.txt").write_bytes("Украина получила помощь. Japan will give $5 million to Ukraine.\n".encode("cp1251"))
    (folder / "sjis.txt").write_bytes("日本はウクライナに支援を提供する。Japan will give $5 million to Ukraine.\n".encode("shift_jis"))
    (folder / "latin1.txt").write_bytes("Le Président a annoncé. France will give EUR 5 million to Ukraine.\n".encode("latin-1"))
    (folder / "good.txt").write_text(GOOD)


def test_bad_input_matrix(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_bad_files(docs)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}")
    report = ledger.ingest([docs])
    failed = dict(report.failed)
    names = {os.path.basename(k.split(":")[0]) + (":" + k.split(":")[1] if k.count(":") else "") for k in failed}
    for bad in ("empty.txt", "binary.txt", "huge.txt", "notext.html", "broken.jsonl:2", "broken.jsonl:3",
                "broken.jsonl:4"):
        assert bad in names, (bad, failed)
    for reason in failed.values():
        assert "\n" not in reason and len(reason) < 300
    # the readable rest: good.txt, three legacy encodings, the first JSONL line, malformed (and maybe deep) HTML
    assert report.read >= 6
    assert len(ledger.commitments()) >= 5


LEGACY = {
    "cp1251": "Правительство Японии приняло решение предоставить Украине гуманитарную помощь. "
              "Средства будут направлены через международные организации.",
    "shift_jis": "日本政府はウクライナに対し緊急無償資金協力を実施することを決定しました。国際機関を通じて支援します。",
    "latin-1": "Le gouvernement français a annoncé une aide supplémentaire à l'Ukraine. Les détails seront précisés.",
}


@pytest.mark.parametrize("encoding", sorted(LEGACY))
def test_legacy_encodings_are_decoded(tmp_path, encoding):
    body = LEGACY[encoding] + "\nJapan will give $5 million to Ukraine, Tokyo said.\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(body.encode(encoding))
    assert read_text_file(path) == body


def test_killed_ingest_leaves_no_partial_document_and_resumes(tmp_path):
    """SIGKILL `aidledger ingest` at random moments (seeded); after each: consistent store, and a rerun finishes."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        (docs / f"a{i:02d}.txt").write_text(f"Headline {i}\nBy A\nMarch {1 + i % 27}, 2024\n"
                                            f"Japan will provide ${i + 1} million to Ukraine, Tokyo said on Monday. "
                                            f"Canada will send {i + 2} generators to Ukraine.\n" * 3)
    db = tmp_path / "k.db"
    args = ["ingest", str(docs), "--db", f"sqlite:///{db}"]
    rng = random.Random(20261122)
    for _ in range(50):
        finished = run_cli(args, rng.uniform(0.05, 1.6))
        _check_consistent(db)
        assert not finished or unreconciled(db) == 0
    assert "0 failed" in run(args).stderr
    _check_consistent(db)
    assert len(document_counts(db)) == 40
    assert unreconciled(db) == 0  # the donors of documents stored by killed runs were reconciled too


def _check_consistent(db) -> None:
    # every stored document has all of its commitments (each article here holds two), none orphaned or doubled
    assert {counts[0] for counts in document_counts(db).values()} <= {2}
    assert problems(db) == {}


def test_an_input_error_survives_the_trip_between_processes():
    """Workers of a process pool or a Dask cluster send errors back pickled; all three parts must arrive."""
    import pickle

    from aidledger.errors import InputError

    back = pickle.loads(pickle.dumps(InputError("feed.xml", "not a feed", "pass an RSS or Atom URL")))
    assert (back.source, back.problem, back.fix) == ("feed.xml", "not a feed", "pass an RSS or Atom URL")
    assert str(back) == "feed.xml: not a feed (pass an RSS or Atom URL)"
