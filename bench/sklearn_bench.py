"""scikit-learn side of `npm run bench` (run with Debian's /usr/bin/python3).

    sklearn_bench.py info
    sklearn_bench.py iteration --raw X.f64 --n N --d D --params mixture.json [--repeats R] [--iters I]
    sklearn_bench.py selectk --csv data.csv --kmin 1 --kmax 10 --n-init 3 --tol T --max-iter M

Each prints one JSON object on stdout. Data come from bench/generate.mjs: raw
little-endian float64 rows (row-major n x d) or the same CSV gmm reads.
"""

import argparse
import json
import sys
import time
import warnings


def info():
    import numpy
    import sklearn

    out = {"sklearn": sklearn.__version__, "numpy": numpy.__version__, "threadpools": None}
    try:
        from threadpoolctl import threadpool_info

        out["threadpools"] = [
            {
                "api": pool.get("internal_api"),
                "library": pool.get("prefix"),
                "threads": pool.get("num_threads"),
                "version": pool.get("version"),
                "architecture": pool.get("architecture"),
            }
            for pool in threadpool_info()
        ]
    except ImportError:
        pass
    return out


def iteration(args):
    """Per EM iteration: (fit with max_iter=1+I  -  fit with max_iter=1) / I.

    Both fits start from the same parameters (the known mixture, passed as
    weights_init / means_init / precisions_init, so init_params only picks cheap rows
    that are then overridden), tol=0 so every iteration runs, n_init=1. Whatever the
    fit does besides iterating (validation, init M-step, the final E-step) is the
    same in both runs and cancels in the difference.
    """
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    warnings.simplefilter("ignore", ConvergenceWarning)
    n, d = args.n, args.d
    X = np.fromfile(args.raw, dtype="<f8", count=n * d).reshape(n, d)
    with open(args.params) as f:
        params = json.load(f)
    K = params["nComponents"]
    weights = np.array(params["weights"])
    means = np.array(params["means"]).reshape(K, d)
    covariances = np.array(params["covariances"]).reshape(K, d, d)
    precisions = np.linalg.inv(covariances)
    precisions = (precisions + np.transpose(precisions, (0, 2, 1))) / 2
    if args.covariance == "tied":
        precisions = precisions[0]  # the engine side gives every component the first covariance

    def fit(max_iter):
        gm = GaussianMixture(
            n_components=K,
            covariance_type=args.covariance,
            tol=0.0,
            reg_covar=1e-6,
            max_iter=max_iter,
            n_init=1,
            init_params="random_from_data",
            weights_init=weights,
            means_init=means,
            precisions_init=precisions,
            random_state=0,
        )
        started = time.perf_counter()
        gm.fit(X)
        elapsed = time.perf_counter() - started
        assert gm.n_iter_ == max_iter, gm.n_iter_
        return elapsed

    fit(1)  # warm-up: imports, first-call costs
    short, long = [], []
    for _ in range(args.repeats):
        short.append(fit(1))
        long.append(fit(1 + args.iters))
    short.sort()
    long.sort()
    median = lambda xs: xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
    per_iteration = (median(long) - median(short)) / args.iters
    return {
        "perIteration": per_iteration,
        "fit1": short,
        "fitLong": long,
        "iters": args.iters,
    }


def selectk(args):
    """gmm select-k's sweep: K = kmin..kmax x the four covariance types, n_init starts each."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    X = np.loadtxt(args.csv, delimiter=",", skiprows=1, dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # population sd, as gmm --scale standard
    loaded = time.perf_counter()
    cells = []
    for cov in ("full", "tied", "diag", "spherical"):
        for k in range(args.kmin, args.kmax + 1):
            gm = GaussianMixture(
                n_components=k,
                covariance_type=cov,
                n_init=args.n_init,
                tol=args.tol,
                max_iter=args.max_iter,
                reg_covar=1e-6,
                random_state=0,
            )
            t0 = time.perf_counter()
            try:
                gm.fit(X)
                seconds = time.perf_counter() - t0
                cells.append(
                    {
                        "k": k,
                        "cov": cov,
                        "bic": float(gm.bic(X)),
                        "meanLogLikelihood": float(gm.score(X)),
                        "iters": int(gm.n_iter_),
                        "converged": bool(gm.converged_),
                        "seconds": seconds,
                    }
                )
            except Exception as error:  # a singular cell: keep going, as gmm does
                cells.append({"k": k, "cov": cov, "error": str(error), "seconds": time.perf_counter() - t0})
    done = time.perf_counter()
    best = min((c for c in cells if "bic" in c), key=lambda c: c["bic"], default=None)
    return {
        "loadSeconds": loaded - started,
        "fitSeconds": sum(c["seconds"] for c in cells),
        "sweepSeconds": done - loaded,
        "cells": cells,
        "best": best,
        "rows": int(X.shape[0]),
    }


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info")
    it = sub.add_parser("iteration")
    it.add_argument("--raw", required=True)
    it.add_argument("--n", type=int, required=True)
    it.add_argument("--d", type=int, required=True)
    it.add_argument("--params", required=True)
    it.add_argument("--repeats", type=int, default=3)
    it.add_argument("--iters", type=int, default=10)
    it.add_argument("--covariance", default="full", choices=["full", "tied"])
    sk = sub.add_parser("selectk")
    sk.add_argument("--csv", required=True)
    sk.add_argument("--kmin", type=int, default=1)
    sk.add_argument("--kmax", type=int, default=10)
    sk.add_argument("--n-init", type=int, default=3)
    sk.add_argument("--tol", type=float, default=1e-3)
    sk.add_argument("--max-iter", type=int, default=100)
    args = parser.parse_args()
    if args.command == "info":
        out = info()
    elif args.command == "iteration":
        out = iteration(args)
    else:
        out = selectk(args)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
