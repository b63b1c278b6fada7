"""Reconciliation cost as the ledger grows: 1k, 10k, 100k commitments, side by side in one run.

Synthetic commitments: 40 donors, log-uniform amounts rounded to two significant figures as news rounds them
(so near-duplicates are common and the blocking has real work to do), dates over three years, about three
reports per commitment, some cumulative and part_of rows.
The cost must stay near-linear: the time per commitment should not grow with the ledger size.

    python benchmarks/bench_reconcile.py [--sizes 1000 10000 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from aidledger.reconcile import reconcile

DONORS = [f"D{i:02d}" for i in range(40)]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "NOK"]


def synthetic(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        base = rng.randrange(n // 3 + 1)  # about three reports per underlying commitment
        r = random.Random(base)
        amount = float(f"{10 ** r.uniform(6, 10):.2g}")  # news rounds to two significant figures
        month = 1 + r.randrange(36)
        day = 1 + rng.randrange(27)
        rows.append({
            "id": f"c{i}", "document_id": f"d{rng.randrange(n)}", "kind": "money", "donor": r.choice(DONORS),
            "recipient": "UKR", "amount": amount * (1 + rng.choice([0, 0, 0, 0.004])), "currency": r.choice(CURRENCIES),
            "status": rng.choice(["announced", "pledged", "committed", "disbursed"]),
            "scope": rng.choice(["new"] * 8 + ["cumulative", "part_of"]),
            "date": f"{2022 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-{day:02d}", "published": None,
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    reconcile(synthetic(200))  # warm the rate tables
    print(f"{'commitments':>12} {'entries':>8} {'median s':>9} {'us/commitment':>14}")
    base = None
    for n in args.sizes:
        rows = synthetic(n)
        times, result = [], None
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = reconcile(rows)
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        per = 1e6 * t / n
        base = base or per
        print(f"{n:>12} {len(result.entries):>8} {t:>9.2f} {per:>14.1f}   (x{per / base:.2f} per commitment vs smallest)")


if __name__ == "__main__":
    main()
