#!/usr/bin/env python3
"""Turns the raw records of one bench/http_bench.sh run into the printed table, the
target ratios with PASS/FAIL, and bench/out/http-<timestamp>.json.

Input (written by http_bench.sh into its temporary directory):
  meta.json     machine, tool versions, settings
  runs.jsonl    one record per wrk run: wrk's WRK_RESULT plus CPU tick counters
  servers.jsonl one record per server: RSS with idle connections, peak RSS
Exit status: 0, or 1 when --strict and a target FAILs or is N/A.
"""

import argparse
import json
import sys

# (name, server, reference, test, target, description)
THROUGHPUT_TARGETS = [
    ("pipelined_plaintext_vs_fastify", "conduit", "fastify", "plaintext_pipelined", 12.0,
     "pipelined plaintext conduit/fastify"),
    ("json_vs_fastify", "conduit", "fastify", "json", 3.5,
     "JSON conduit/fastify"),
    ("plaintext_vs_nginx", "conduit", "nginx", "plaintext", 0.9,
     "unpipelined plaintext conduit/nginx"),
]
# The same comparisons for conduit writing its request log line (server "conduit_log"),
# which the references do not do (fastify's logger and nginx's access_log are off):
# printed for the record, never a verdict.
LOGGED_SERVER = "conduit_log"
RSS_TARGET_MB = 12.0
RSS_SERVER = "conduit"

# A server using this much of its core is saturated: its req/s is its capacity.
SATURATED_SERVER_PCT = 90.0
# wrk is "the bottleneck" when its one thread is this busy while the server is not.
CLIENT_BOUND_WRK_PCT = 90.0
# A run is "noisy" when other processes used this much CPU on the two bench cores.
NOISY_OTHER_PCT = 15.0


def derive(run):
    """Adds the derived figures (req/s, CPU per request, utilisations) to a run record."""
    wrk = run.get("wrk") or {}
    requests = wrk.get("requests", 0)
    seconds = wrk.get("duration_us", 0) / 1e6
    wall = run["wall_s"] or 1e-9
    server_cpu_s = run["server_cpu_ticks"] / run["clk_tck"]
    errors = wrk.get("errors", {})
    run["requests_per_s"] = requests / seconds if seconds > 0 else 0.0
    run["cpu_us_per_request"] = server_cpu_s * 1e6 / requests if requests else None
    run["server_cpu_pct"] = 100.0 * server_cpu_s / wall
    run["wrk_cpu_pct"] = 100.0 * run["wrk_cpu_s"] / wall
    busy = run["cpu0_busy_ticks"] + run["cpu1_busy_ticks"]
    irq = run["cpu0_irq_ticks"] + run["cpu1_irq_ticks"]
    total = max(run["cpu0_total_ticks"], 1)  # both cores tick at the same rate
    # irq + softirq on the two cores, mostly the loopback traffic of the run itself
    # (informational: the kernel charges most of it to the process it interrupted).
    run["irq_cpu_pct"] = 100.0 * irq / total
    # CPU used on the two benchmark cores by anything but the server and wrk (irq time
    # taken in their context is already in their own utime/stime): other people's
    # builds on a shared machine show up here and make a run unreliable.
    run["other_cpu_pct"] = max(
        0.0, 100.0 * busy / total - run["server_cpu_pct"] - run["wrk_cpu_pct"])
    run["error_count"] = sum(errors.values())
    # Timeouts happen to a healthy server under 256 pipelined connections on a busy
    # machine; refused connections, resets and non-2xx answers do not.
    run["hard_error_count"] = run["error_count"] - errors.get("timeout", 0)
    run["noisy"] = run["other_cpu_pct"] > NOISY_OTHER_PCT
    run["client_bound"] = (run["wrk_cpu_pct"] >= CLIENT_BOUND_WRK_PCT
                           and run["server_cpu_pct"] < SATURATED_SERVER_PCT)
    return run


def aggregate(runs):
    """One result per (server, test): with REPEAT > 1 the best req/s and the lowest CPU per
    request over the repeats (noise on a shared machine only ever makes both worse)."""
    groups = {}
    for run in runs:
        if run.get("wrk") and run["requests_per_s"] > 0:
            groups.setdefault((run["server"], run["test"]), []).append(run)
    results = []
    for (server, test), group in groups.items():
        fastest = max(group, key=lambda r: r["requests_per_s"])
        with_cpu = [r for r in group if r["cpu_us_per_request"] is not None]
        leanest = min(with_cpu, key=lambda r: r["cpu_us_per_request"]) if with_cpu else fastest
        results.append({
            "server": server, "test": test, "connections": fastest["connections"],
            "pipeline": fastest["pipeline"], "repeats": len(group),
            "requests_per_s": fastest["requests_per_s"],
            "cpu_us_per_request": leanest["cpu_us_per_request"],
            "server_cpu_pct": fastest["server_cpu_pct"], "wrk_cpu_pct": fastest["wrk_cpu_pct"],
            "other_cpu_pct": fastest["other_cpu_pct"],
            "p99_us": fastest["wrk"]["latency_us"]["p99"],
            "error_count": sum(r["error_count"] for r in group),
            "hard_error_count": sum(r["hard_error_count"] for r in group),
            "client_bound": fastest["client_bound"],
            "saturated": fastest["server_cpu_pct"] >= SATURATED_SERVER_PCT,
            "noisy": fastest["noisy"] and leanest["noisy"],
        })
    return results


def find(results, server, test):
    return next((r for r in results if r["server"] == server and r["test"] == test), None)


def throughput_verdict(results, name, server, reference, test, target, description):
    mine, theirs = find(results, server, test), find(results, reference, test)
    result = {"name": name, "description": description, "test": test, "target": target,
              "comparison": ">=", "throughput_ratio": None, "cpu_ratio": None,
              "basis": None, "verdict": "N/A"}
    if not mine or not theirs or not theirs["requests_per_s"] or not mine["requests_per_s"]:
        result["note"] = f"missing run for {server if not mine else reference}"
        return result
    result["throughput_ratio"] = mine["requests_per_s"] / theirs["requests_per_s"]
    if mine["cpu_us_per_request"] and theirs["cpu_us_per_request"]:
        result["cpu_ratio"] = theirs["cpu_us_per_request"] / mine["cpu_us_per_request"]
    # req/s is a server's capacity only when the server used its whole core. When wrk's
    # single thread was the limit, or other work on the machine took part of the core,
    # the CPU each request cost the server is the fair comparison.
    if not (mine["saturated"] and theirs["saturated"]) and result["cpu_ratio"] is not None:
        result["basis"] = "cpu"
        value = result["cpu_ratio"]
    else:
        result["basis"] = "throughput"
        value = result["throughput_ratio"]
    result["verdict"] = "PASS" if value >= target else "FAIL"
    notes = []
    if mine["hard_error_count"] or theirs["hard_error_count"]:
        result["verdict"] = "FAIL"
        notes.append("wrk saw socket errors or non-2xx responses")
    if mine["noisy"] or theirs["noisy"]:
        notes.append("machine busy during a run: unreliable")
    if notes:
        result["note"] = "; ".join(notes)
    return result


def rss_verdict(servers, connections):
    record = next((s for s in servers if s["server"] == RSS_SERVER), None)
    result = {"name": "rss_idle_connections", "description":
              f"{RSS_SERVER} with {connections} idle keep-alive conns",
              "connections": connections, "target": RSS_TARGET_MB,
              "comparison": "<", "rss_mb": None, "verdict": "N/A"}
    hold = (record or {}).get("rss") or {}
    if not hold.get("rss_kb"):
        result["note"] = f"no RSS measurement for {RSS_SERVER}"
        return result
    result["connections_open"] = hold["connections_open"]
    result["rss_mb"] = hold["rss_kb"] / 1024
    ok = (result["rss_mb"] < RSS_TARGET_MB
          and hold["connections_open"] == hold["connections_requested"])
    result["verdict"] = "PASS" if ok else "FAIL"
    if hold["connections_open"] != hold["connections_requested"]:
        result["note"] = (f"only {hold['connections_open']} of "
                          f"{hold['connections_requested']} connections stayed open")
    return result


def fmt(value, spec, width):
    return f"{'-':>{width}}" if value is None else f"{value:{spec}}".rjust(width)


def print_report(meta, results, missing, servers, verdicts):
    print()
    print(f"HTTP benchmark  {meta['timestamp']}  ({meta['machine']['cpu']}, "
          f"{meta['machine']['cores']} cores, load avg at start {meta['machine']['loadavg_start']})")
    print(f"servers on core 0, wrk -t1 on core 1; {meta['settings']['duration_s']} s per run; "
          f"pipeline depth {meta['settings']['pipeline_depth']}")
    print()
    header = (f"{'server':<11} {'test':<20} {'conns':>5} {'req/s':>11} {'CPU us/req':>10} "
              f"{'srv CPU%':>8} {'wrk CPU%':>8} {'other%':>6} {'p99 ms':>7} {'errors':>6}")
    print(header)
    print("-" * len(header))
    for r in results:
        p99 = r["p99_us"]
        flag = (" *" if r["client_bound"] else "") + (" !" if r["noisy"] else "")
        print(f"{r['server']:<11} {r['test']:<20} {r['connections']:>5} "
              f"{r['requests_per_s']:>11,.0f} {fmt(r['cpu_us_per_request'], '.2f', 10)} "
              f"{r['server_cpu_pct']:>8.0f} {r['wrk_cpu_pct']:>8.0f} "
              f"{r['other_cpu_pct']:>6.0f} {fmt(p99 / 1000 if p99 else None, '.2f', 7)} "
              f"{r['error_count']:>6}{flag}")
    for failed in missing:
        print(f"{failed['server']:<11} {failed['test']:<20} {failed['connections']:>5}  wrk failed")
    if meta["settings"].get("repeat", 1) > 1:
        print(f"  best of {meta['settings']['repeat']}: highest req/s (and its CPU%, p99), "
              "lowest CPU us/req")
    if any(r["client_bound"] for r in results):
        print("  * client-bound: wrk's thread was saturated, the server was not; compare CPU us/req")
    if any(r["noisy"] for r in results):
        print(f"  ! other processes used > {NOISY_OTHER_PCT:g}% CPU on the bench cores: "
              "figures unreliable, re-run on a quiet machine")
    print()
    print(f"{'server':<11} {'RSS idle MB':>11} {'RSS +conns MB':>13} {'open':>5} "
          f"{'bytes/conn':>10} {'peak RSS MB':>11}")
    for server in servers:
        hold = server.get("rss") or {}
        print(f"{server['server']:<11} {fmt(hold.get('rss_before_kb', 0) / 1024 or None, '.1f', 11)} "
              f"{fmt(hold.get('rss_kb', 0) / 1024 or None, '.1f', 13)} "
              f"{fmt(hold.get('connections_open'), 'd', 5)} "
              f"{fmt(hold.get('rss_per_connection_bytes'), ',d', 10)} "
              f"{fmt(server.get('peak_rss_kb', 0) / 1024 or None, '.1f', 11)}")
    print()
    print("targets")
    for v in verdicts:
        if v["name"] == "rss_idle_connections":
            measured = f"{fmt(v['rss_mb'], '.1f', 7)} MB RSS"
            detail = f"target < {v['target']:g} MB"
        else:
            measured = (f"{fmt(v['throughput_ratio'], '.2f', 7)}x req/s "
                        f"{fmt(v['cpu_ratio'], '.2f', 7)}x CPU/req")
            detail = f"target >= {v['target']:g}x on {v['basis'] or '-'}"
        note = f"  [{v['note']}]" if v.get("note") else ""
        print(f"  {v['description']:<40} {measured:<32} {detail:<28} {v['verdict']}{note}")
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True, help="the bench script's temporary directory")
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    with open(f"{args.dir}/meta.json") as f:
        meta = json.load(f)
    runs, servers = [], []
    for name, into in (("runs.jsonl", runs), ("servers.jsonl", servers)):
        try:
            with open(f"{args.dir}/{name}") as f:
                into.extend(json.loads(line) for line in f if line.strip())
        except FileNotFoundError:
            pass
    runs = [derive(run) for run in runs]
    results = aggregate(runs)
    missing = [run for run in runs if not run.get("wrk")
               and not find(results, run["server"], run["test"])]
    verdicts = [throughput_verdict(results, *t) for t in THROUGHPUT_TARGETS] + [
        rss_verdict(servers, meta["settings"]["rss_connections"])]
    for name, server, reference, test, target, description in THROUGHPUT_TARGETS:
        if server == "conduit" and find(results, LOGGED_SERVER, test):
            logged = throughput_verdict(results, name + "_with_request_log", LOGGED_SERVER,
                                        reference, test, target,
                                        description.replace("conduit", "conduit+log", 1))
            logged["verdict"] = "info"
            verdicts.append(logged)

    print_report(meta, results, missing, servers, verdicts)
    with open(args.out, "w") as f:
        json.dump({**meta, "results": results, "servers": servers, "targets": verdicts,
                   "runs": runs}, f, indent=2)
        f.write("\n")
    print(f"results written to {args.out}")
    if args.strict and any(v["verdict"] not in ("PASS", "info") for v in verdicts):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
