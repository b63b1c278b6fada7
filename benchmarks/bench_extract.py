"""Extraction speed: text -> commitments, articles per second on one core, side by side with trafilatura.

Articles are built from the dev corpus (corpus/dev/docs) by joining documents until each is about 600
words, the size of a typical news article. The same articles are wrapped as HTML pages with page chrome,
and trafilatura's HTML -> text time on them is measured in the same run, so the ratio is meaningful on a
noisy shared machine. Each measurement is repeated and the median reported.

    python benchmarks/bench_extract.py [--articles 400] [--repeats 5]

When ../shared/seeds is present, the same comparison runs on those real articles too (read in
place; the project never copies them).
"""

from __future__ import annotations

import argparse
import html
import statistics
import time
from pathlib import Path

from aidledger.extract import extract

ROOT = Path(__file__).resolve().parents[1]
CHROME = ("<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/business'>Business</a></nav>"
          "<aside><h3>Most read</h3><ul><li>Markets slide as rates stay high</li><li>Weather: storms ahead</li>"
          "</ul></aside>")


def build_articles(n: int, words: int = 600) -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "corpus" / "dev" / "docs").glob("*.txt"))]
    articles, current, count, i = [], [], 0, 0
    while len(articles) < n:
        t = texts[i % len(texts)]
        i += 1
        current.append(t)
        count += len(t.split())
        if count >= words:
            articles.append("\n\n".join(current))
            current, count = [], 0
    return articles


def as_html(text: str) -> str:
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (f"<html><head><meta charset='utf-8'><title>Article</title></head><body>{CHROME}"
            f"<article><h1>Article</h1>{paras}</article><footer>© News Co</footer></body></html>")


def timed(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def seed_articles(n: int) -> list[str]:
    """The real news articles in ../shared/seeds (read, never copied), repeated to `n`; [] when absent."""
    folder = ROOT.parent / "shared" / "seeds"
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))] if folder.is_dir() else []
    return [texts[i % len(texts)] for i in range(n)] if texts else []


def compare(label: str, articles: list[str], repeats: int) -> None:
    """Our text -> commitments time against trafilatura's HTML -> text time on the same articles."""
    import trafilatura

    pages = [as_html(a) for a in articles]
    mean_words = statistics.mean(len(a.split()) for a in articles)
    extract(articles[0])  # load lexicons once, outside the timing
    trafilatura.extract(pages[0])
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(timed(lambda a: extract(a, published="2024-01-01"), articles))
        theirs.append(timed(trafilatura.extract, pages))
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"{label}: {len(articles)} articles (mean {mean_words:.0f} words), repeats: {repeats}, single process")
    print(f"  aidledger extract (text -> commitments): {len(articles) / t_ours:8.1f} articles/s  "
          f"({1000 * t_ours / len(articles):.2f} ms/article)")
    print(f"  trafilatura.extract (HTML -> text):      {len(articles) / t_theirs:8.1f} articles/s  "
          f"({1000 * t_theirs / len(articles):.2f} ms/article)")
    print(f"  ratio extract / trafilatura time: {t_ours / t_theirs:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    compare("dev-corpus articles (dense: ~15 figures each)", build_articles(args.articles), args.repeats)
    seeds = seed_articles(args.articles)
    if seeds:
        compare("real seed articles (../shared/seeds)", seeds, args.repeats)


if __name__ == "__main__":
    main()
