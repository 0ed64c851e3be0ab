#!/usr/bin/env python3
"""Whole-process benchmarks of the release maasc binary, as ratios measured
side by side in one run (absolute times on shared machines are noise).

    cargo build --release --features bench-fixtures && python3 benches/whole_process.py [--rounds 5]
    python3 benches/whole_process.py --krm-only [--krm-runs 300]   # krm/render per process only

Prints the Markdown tables of BENCHMARKS.md. Needs kubectl (kustomize inside),
GNU time (/usr/bin/time, Debian package `time`) and PyYAML.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# `MAASC=/path/to/maasc` measures another build (a before/after comparison).
MAASC = os.environ.get("MAASC", os.path.join(ROOT, "target", "release", "maasc"))
KUBECTL = os.environ.get("KUBECTL", "kubectl")


CPU = {}  # argv[0] + first arg → CPU seconds (user + system) of the last run


def timed(argv, cwd=None, stdin=None):
    """Runs argv; returns (wall seconds, peak RSS in KiB, stdout). The CPU
    time (user + system, from GNU time) of the run is left in CPU["last"]:
    on a shared virtual disk, wall time of file creation is mostly noise."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + argv, cwd=cwd, input=stdin,
                          capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()}")
    rss, user, system = proc.stderr.decode().strip().splitlines()[-1].split()
    CPU["last"] = float(user) + float(system)
    return elapsed, int(rss), proc.stdout


def tree_stats(path):
    files, size = 0, 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, n))
    return files, size


def resources_of(tree, rel, seen=None):
    """Objects a kustomization root builds (its resources, recursively)."""
    import yaml  # PyYAML, as the conformance checker uses
    with open(os.path.join(tree, rel, "kustomization.yaml")) as f:
        k = yaml.safe_load(f)
    count = 0
    for r in k.get("resources", []):
        target = os.path.normpath(os.path.join(rel, r))
        if os.path.isdir(os.path.join(tree, target)):
            count += resources_of(tree, target)
        else:
            count += 1
    return count


def roots(tree):
    dirs = []
    for dirpath, _, names in os.walk(tree):
        if "kustomization.yaml" in names:
            rel = os.path.relpath(dirpath, tree)
            if not rel.startswith("base"):
                dirs.append(rel)
    return sorted(dirs)


def median(xs):
    return statistics.median(xs)


def spawned(argv, stdin_path=None, runs=300):
    """Runs argv `runs` times (stdin from a file, stdout and stderr to
    /dev/null) with posix_spawn and wait4, without a shell or GNU time in
    between; returns the sorted wall and CPU (user + system) seconds."""
    walls, cpus = [], []
    null = os.open(os.devnull, os.O_RDWR)
    for _ in range(runs):
        fd = os.open(stdin_path, os.O_RDONLY) if stdin_path else null
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, fd, 0), (os.POSIX_SPAWN_DUP2, null, 1),
            (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, usage = os.wait4(pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if fd != null:
            os.close(fd)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(argv)} failed")
    os.close(null)
    return sorted(walls), sorted(cpus)


def krm_bench(runs):
    """`maasc krm` on the ocpai3-aws functionConfig (the maas.yaml as
    functionConfig and as the only item, the htpasswd inline), JSON and
    YAML, and the commands that make up its cost, one process per run."""
    import yaml

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    example = os.path.join(ROOT, "examples", "ocpai3-aws")
    with open(os.path.join(example, "maas.yaml")) as f:
        config = yaml.safe_load(f)
    with open(os.path.join(example, "users.htpasswd")) as f:
        config["metadata"].setdefault("annotations", {})["maasc.io/htpasswd"] = f.read()
    rl = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
          "items": [config], "functionConfig": config}
    inputs = tempfile.mkdtemp(prefix="maasc-krm-")
    as_json, as_yaml = os.path.join(inputs, "rl.json"), os.path.join(inputs, "rl.yaml")
    with open(as_json, "w") as f:
        json.dump(rl, f)
    with open(as_yaml, "w") as f:
        yaml.dump(rl, f, Dumper=NoAliases, sort_keys=False)
    maas_yaml = os.path.join(example, "maas.yaml")
    rows = [
        ("`/bin/true` (process start floor)", ["/bin/true"], None),
        ("`maasc --version`", [MAASC, "--version"], None),
        ("`maasc validate -q -f …/maas.yaml`", [MAASC, "validate", "-q", "-f", maas_yaml], None),
        ("`maasc render -f …/maas.yaml`", [MAASC, "render", "-f", maas_yaml], None),
        ("`maasc render -f … --sync-waves`", [MAASC, "render", "-f", maas_yaml, "--sync-waves"], None),
        ("`maasc krm` (JSON ResourceList)", [MAASC, "krm"], as_json),
        ("`maasc krm` (YAML ResourceList)", [MAASC, "krm"], as_yaml),
    ]
    print()
    print(f"Load average before: {os.getloadavg()[0]:.1f}; {runs} runs each, one process per run")
    print()
    print("| command | wall p50 | wall min | CPU p50 | CPU min |")
    print("|---|---:|---:|---:|---:|")
    for label, argv, stdin in rows:
        walls, cpus = spawned(argv, stdin, runs)
        print(f"| {label} | {median(walls)*1000:.2f} ms | {walls[0]*1000:.2f} ms "
              f"| {median(cpus)*1000:.2f} ms | {cpus[0]*1000:.2f} ms |")
    print(f"\nLoad average after: {os.getloadavg()[0]:.1f} (target: `maasc krm` wall p50 < 5 ms)")
    shutil.rmtree(inputs, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--krm-only", action="store_true",
                    help="only the `maasc krm` and `maasc render` per-process figures")
    ap.add_argument("--krm-runs", type=int, default=300)
    args = ap.parse_args()
    if not os.path.exists(MAASC):
        sys.exit("build first: cargo build --release --features bench-fixtures (maasc synth)")
    if args.krm_only:
        krm_bench(args.krm_runs)
        return
    work = args.workdir or tempfile.mkdtemp(prefix="maasc-bench-")
    fleets = {}
    for size in ("medium", "large"):
        d = os.path.join(work, size)
        subprocess.run([MAASC, "synth", "--size", size, "-o", d], check=True, capture_output=True)
        fleets[size] = os.path.join(d, "maas.yaml")
    fleets["ocpai3-aws"] = os.path.join(ROOT, "examples", "ocpai3-aws", "maas.yaml")

    rows = {}
    for size, maas in fleets.items():
        samples = {k: [] for k in ("gen", "cp", "noop", "check", "gen_cpu", "cp_cpu")}
        rss = 0
        for round_ in range(args.rounds):
            # Fresh folders each round, deleted only at the end: deleting
            # thousands of files makes the next creations on ext4 slower
            # (the allocator skips recently deleted inodes), which would
            # blur every number after the first round.
            out = os.path.join(work, f"out-{size}-{round_}")
            copy = os.path.join(work, f"copy-{size}-{round_}")
            t, r, _ = timed([MAASC, "generate", "-f", maas, "-o", out])
            samples["gen"].append(t)
            samples["gen_cpu"].append(CPU["last"])
            rss = max(rss, r)
            # The physical floor, side by side: a plain recursive copy of the
            # tree just written, into an empty folder on the same disk.
            t, _, _ = timed(["cp", "-r", out, copy])
            samples["cp"].append(t)
            samples["cp_cpu"].append(CPU["last"])
            t, r, _ = timed([MAASC, "generate", "-f", maas, "-o", out])
            samples["noop"].append(t)
            rss = max(rss, r)
            t, r, _ = timed([MAASC, "check", "-f", maas, "-o", out])
            samples["check"].append(t)
        files, size_bytes = tree_stats(out)
        rows[size] = {k: median(v) for k, v in samples.items()}
        rows[size].update(rss=rss, files=files, bytes=size_bytes, out=out)

    ms = lambda s: f"{s*1000:.0f} ms"
    print(f"Folder: `{work}` ({'tmpfs' if work.startswith('/dev/shm') else 'disk'}), "
          f"median of {args.rounds} rounds, wall time (CPU time = user + system in brackets).")
    print()
    print("| fleet | files | bytes | generate (empty) | cp -r of the tree | generate / cp | no-op generate | check | no-op / generate | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in ("ocpai3-aws", "medium", "large"):
        r = rows[size]
        print(f"| {size} | {r['files']} | {r['bytes']:,} | {ms(r['gen'])} ({ms(r['gen_cpu'])}) "
              f"| {ms(r['cp'])} ({ms(r['cp_cpu'])}) | {r['gen']/r['cp']:.2f}× | {ms(r['noop'])} "
              f"| {ms(r['check'])} | {max(r['noop'], r['check'])/r['gen']:.2f}× | {r['rss']/1024:.0f} MiB |")
    m, l = rows["medium"], rows["large"]
    bytes_ratio = l["bytes"] / m["bytes"]
    print()
    for label, key in (("wall", "gen"), ("CPU", "gen_cpu")):
        ratio = l[key] / m[key]
        print(f"Linearity ({label}): large/medium time {ratio:.2f}× vs bytes {bytes_ratio:.2f}× "
              f"(quotient {ratio/bytes_ratio:.2f}; target between 0.67 and 1.5)  ")

    # kustomize: the largest single build in the large fleet.
    large_out = rows["large"]["out"]
    sizes = sorted(((resources_of(large_out, r), r) for r in roots(large_out)), reverse=True)
    biggest_n, biggest = sizes[0]
    t, _, _ = timed([KUBECTL, "kustomize", os.path.join(large_out, biggest)])
    print(f"Largest single kustomize build in the large fleet: `{biggest}`, "
          f"{biggest_n} resources, `kubectl kustomize` {t*1000:.0f} ms "
          f"({len(sizes)} kustomization roots, median {sizes[len(sizes)//2][0]} resources)")

    # render vs kubectl kustomize of the same cluster's overlays, side by side.
    print()
    print("| cluster | objects | maasc render | kubectl kustomize of its overlays | ratio |")
    print("|---|---:|---:|---:|---:|")
    for size, cluster in (("ocpai3-aws", "ocpai3-aws"), ("large", "c00")):
        out = rows[size]["out"]
        comps = [r for r in roots(out) if r.startswith(cluster + "/")
                 and not r.endswith("/apps") and not r.endswith("/bootstrap")]
        rt, kt = [], []
        for _ in range(args.rounds):
            t, _, stream = timed([MAASC, "render", "-f", fleets[size], "--cluster", cluster])
            rt.append(t)
            start = time.perf_counter()
            for c in comps:
                subprocess.run([KUBECTL, "kustomize", os.path.join(out, c)], check=True, capture_output=True)
            kt.append(time.perf_counter() - start)
        objects = stream.count(b"\n---\n") + 1
        print(f"| {cluster} ({size}) | {objects} | {median(rt)*1000:.0f} ms | {median(kt)*1000:.0f} ms "
              f"({len(comps)} builds) | {median(kt)/median(rt):.0f}× faster |")

    krm_bench(args.krm_runs)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
