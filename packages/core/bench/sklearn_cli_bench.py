#!/usr/bin/python3
"""scikit-learn side of bench/cli-bench.mjs: the cases of sklearn_bench.py (imported, not
copied) plus the ones the CLI bench needs: k-means with its own k-means++ start as a user calls
it, DBSCAN with its labels (to check Strata's against), and numpy's CSV reader. Reads a JSON
list of cases on stdin, prints one JSON object. Run with Debian's /usr/bin/python3."""
import json
import os
import sys

import numpy as np
from sklearn.cluster import DBSCAN, KMeans, kmeans_plusplus
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sklearn_bench  # noqa: E402  (the shared loader, timer and version line)


def kmeans_user_case(case):
    # KMeans(n_clusters=8, n_init=1, max_iter=50, tol=0, init="k-means++"): the call a user makes.
    x = sklearn_bench.load(case)
    threads = case.get("threads")

    def fit():
        return KMeans(case["k"], n_init=1, max_iter=case["max_iter"], tol=0, init="k-means++",
                      random_state=case.get("seed", 0)).fit(x)

    if threads:
        with threadpool_limits(limits=threads):
            seconds, km = sklearn_bench.best_of(case["repeats"], fit)
    else:
        seconds, km = sklearn_bench.best_of(case["repeats"], fit)
    return {"seconds": seconds, "iterations": int(km.n_iter_), "inertia": float(km.inertia_),
            "threads": threads or os.cpu_count()}


def kmeans_plusplus_case(case):
    # scikit-learn's greedy k-means++ alone (2 + ln k candidates, as KMeans.fit runs it), to set
    # against Strata's kmeansPlusPlus; it computes the rows' squared norms itself, as fit does.
    x = sklearn_bench.load(case)
    seconds, _ = sklearn_bench.best_of(
        case["repeats"], lambda: kmeans_plusplus(x, case["k"], random_state=case.get("seed", 0)))
    return {"seconds": seconds}


def dbscan_labels_case(case):
    x = sklearn_bench.load(case)
    seconds, db = sklearn_bench.best_of(
        case["repeats"], lambda: DBSCAN(eps=case["eps"], min_samples=case["minSamples"]).fit(x))
    labels = db.labels_
    return {
        "seconds": seconds,
        "clusters": int(labels.max() + 1),
        "noise": int((labels < 0).sum()),
        "labels": labels.astype(int).tolist(),
        "core": db.core_sample_indices_.astype(int).tolist(),
    }


def loadtxt_case(case):
    seconds, x = sklearn_bench.best_of(
        case["repeats"], lambda: np.loadtxt(case["csv"], delimiter=",", skiprows=1))
    return {"seconds": seconds, "rows": int(x.shape[0])}


def main():
    cases = json.load(sys.stdin)
    out = {"version": sklearn_bench.sklearn.__version__, "numpy": np.__version__}
    for case in cases:
        kind = case["kind"]
        fn = globals().get(kind + "_case") or getattr(sklearn_bench, kind + "_case")
        out[case["id"]] = fn(case)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
