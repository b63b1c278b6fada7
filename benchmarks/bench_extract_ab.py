"""Extraction speed, old code against new: both extractors loaded side by side in one process and timed in
turn with trafilatura on the same articles as bench_extract.py, so the noisy shared machine slows both alike.

    git archive OLD_COMMIT src | tar -x -C /tmp/old
    python benchmarks/bench_extract_ab.py /tmp/old/src [--articles 300] [--rounds 7]

The new side is the `aidledger` on the import path (PYTHONPATH=src for a work tree).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_extract  # noqa: E402


def load_extract(src: str | None):
    """`aidledger.extract.extract` from `src` (None: the import path), in modules of its own."""
    for name in [k for k in sys.modules if k == "aidledger" or k.startswith("aidledger.")]:
        del sys.modules[name]
    if src:
        sys.path.insert(0, src)
    try:
        return importlib.import_module("aidledger.extract").extract
    finally:
        if src:
            sys.path.remove(src)


def compare(label: str, articles: list[str], sides: dict, rounds: int) -> None:
    import trafilatura

    pages = [bench_extract.as_html(a) for a in articles]
    timed = {name: (lambda fn: lambda a: fn(a, published="2024-01-01"))(fn) for name, fn in sides.items()}
    timed["trafilatura"] = trafilatura.extract
    for name, fn in timed.items():  # warm: lexicons, first-sight patterns
        for item in (pages if name == "trafilatura" else articles):
            fn(item)
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(rounds):
        for name, fn in timed.items():
            times[name].append(bench_extract.timed(fn, pages if name == "trafilatura" else articles))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"{label}: {len(articles)} articles, {rounds} rounds (old, new, trafilatura in turn), medians")
    for name in ("old", "new", "trafilatura"):
        ratio = f"  ratio to trafilatura {med[name] / med['trafilatura']:.2f}" if name != "trafilatura" else ""
        print(f"  {name:11s} {len(articles) / med[name]:7.1f} articles/s ({1000 * med[name] / len(articles):.2f} "
              f"ms/article){ratio}")
    per_round = sorted(o / n for o, n in zip(times["old"], times["new"]))
    print(f"  speed-up new vs old: {med['old'] / med['new']:.2f} (rounds {per_round[0]:.2f} .. {per_round[-1]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old_src", help="the old code's src folder")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sides = {"old": load_extract(args.old_src), "new": load_extract(None)}
    compare("dense dev-corpus articles", bench_extract.build_articles(args.articles), sides, args.rounds)
    seeds = bench_extract.seed_articles(args.articles)
    if seeds:
        compare("real seed articles (../shared/seeds)", seeds, sides, args.rounds)


if __name__ == "__main__":
    main()
