#!/usr/bin/python3
"""scikit-learn side of `pnpm bench` (bench/run.mjs). Reads a JSON list of cases on stdin,
loads the same float64 row-major files the Node side generated, prints one JSON object.
Times are wall-clock seconds, best of `repeats`. Run with Debian's /usr/bin/python3."""
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from threadpoolctl import threadpool_limits


def load(case):
    return np.fromfile(case["file"], dtype="<f8").reshape(case["n"], case["d"])


def best_of(repeats, fn):
    best = None
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best = dt if best is None or dt < best else best
    return best, out


def kmeans_case(case):
    x = load(case)
    init = np.array(case["init"], dtype=np.float64).reshape(case["k"], case["d"])
    results = []
    for algorithm in case["algorithms"]:
        for threads in case["threads"]:
            with threadpool_limits(limits=threads):
                def fit(max_iter):
                    return KMeans(case["k"], init=init, n_init=1, max_iter=max_iter, tol=0, algorithm=algorithm).fit(x)
                seconds, km = best_of(case["repeats"], lambda: fit(case["max_iter"]))
                setup, km1 = best_of(case["repeats"], lambda: fit(1))
            results.append({
                "algorithm": algorithm,
                "threads": threads,
                "seconds": seconds,
                "setupSeconds": setup,
                "iterations": int(km.n_iter_),
                "inertia": float(km.inertia_),
            })
    return results


def sweep_case(case):
    x = load(case)

    def sweep():
        rows = []
        for k in range(case["kMin"], case["kMax"] + 1):
            km = KMeans(k, n_init=case["nInit"], random_state=0).fit(x)
            rows.append({
                "k": k,
                "inertia": float(km.inertia_),
                "silhouette": float(silhouette_score(x, km.labels_, sample_size=case["sampleSize"], random_state=0)),
                "calinskiHarabasz": float(calinski_harabasz_score(x, km.labels_)),
                "daviesBouldin": float(davies_bouldin_score(x, km.labels_)),
            })
        return rows

    seconds, rows = best_of(case["repeats"], sweep)
    return {"seconds": seconds, "rows": rows}


def dbscan_case(case):
    x = load(case)
    seconds, db = best_of(case["repeats"], lambda: DBSCAN(eps=case["eps"], min_samples=case["minSamples"]).fit(x))
    labels = db.labels_
    out = {
        "seconds": seconds,
        "clusters": int(labels.max() + 1),
        "noise": int((labels < 0).sum()),
        "core": int(len(db.core_sample_indices_)),
    }
    if case.get("withLabels"):
        # Every row's label and the core rows, for the Node side to compare its own against.
        out["labels"] = labels.astype(int).tolist()
        out["coreRows"] = db.core_sample_indices_.astype(int).tolist()
    return out


def memory_case(case):
    # Peak RSS of this process for one k-means fit on n x d standard normal data.
    x = np.random.default_rng(0).standard_normal((case["n"], case["d"]))
    t = time.perf_counter()
    KMeans(case["k"], n_init=1, max_iter=case["max_iter"], random_state=0, algorithm="lloyd").fit(x)
    return {"seconds": time.perf_counter() - t, "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    cases = json.load(sys.stdin)
    out = {"version": sklearn.__version__, "numpy": np.__version__}
    for case in cases:
        out[case["id"]] = globals()[case["kind"] + "_case"](case)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
