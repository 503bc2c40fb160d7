#!/usr/bin/env python3
"""A MODEL of bwmon v1's history sampler and readers, for bench/history.sh.

This is NOT bwmon v1's code: we do not have it, and would not copy it.
It re-creates, from the file formats and the behaviour described in
t/data/bwmon-v1.README.md (and ../shared/fixtures/README.md), the work
v1 did for its 5-minute history, so that the benchmark can time that work
side by side with bwcollect, bwhistory and bwtotal in the same run:

  sample   (v1's cron sampler) read BWMON_PROC/net/dev, load
           state_<iface>.json {ts, rx, tx}, compute the rates since then,
           read the whole bw_<iface>.csv, append the new row, drop rows
           older than 180 days and rewrite the whole file in place, then
           save the state.  Every run re-reads and rewrites the history,
           which is why its cost grows with the history's length.
  history  read the whole CSV and reduce the range (-r 6m = 180 days) to
           chart buckets holding average and peak, plus avg, peak, 95th
           percentile, total bytes and sample count; print a text chart.
  month    read the whole CSV and print calendar-month totals (local time).

Rows are `ts,rx_bps,tx_bps` (v1's format; longer bwmon rows are read by
their first three columns).  Bytes are rate x the time since the previous
row (the first row counts 300 s, a gap over 3600 s counts nothing), as in
the fixture README.  v1 also sampled processes, spikes and alerts; the
model leaves those out, so its figures are a lower bound on v1's cost.

usage: v1-sampler.py [sample] [iface ...]
       v1-sampler.py history [-i iface] [-r 6m]
       v1-sampler.py month [-i iface] [-n count]
Environment: BWMON_DATA_DIR (default /var/lib/bwmon), BWMON_PROC (default
/proc), BWMON_NOW (epoch seconds, default the clock), COLUMNS, TZ.
"""

import csv
import json
import os
import sys
import time

DATA_DIR = os.environ.get("BWMON_DATA_DIR", "/var/lib/bwmon")
PROC = os.environ.get("BWMON_PROC", "/proc")
RETENTION_DAYS = 180
FIRST_INTERVAL = 300
GAP_SECONDS = 3600
RANGES = {"1h": 3600, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400,
          "6m": 180 * 86400}


def now():
    if os.environ.get("BWMON_NOW"):
        return float(os.environ["BWMON_NOW"])
    return time.time()


def read_counters():
    counters = {}
    with open(os.path.join(PROC, "net", "dev")) as f:
        for line in f.readlines()[2:]:
            if ":" not in line:
                continue
            name, data = line.split(":", 1)
            fields = data.split()
            counters[name.strip()] = (int(fields[0]), int(fields[8]))
    return counters


def load_rows(path):
    """Every good row as (ts, rx_bps, tx_bps); bad lines are skipped."""
    rows = []
    try:
        f = open(path, newline="")
    except FileNotFoundError:
        return rows
    with f:
        for row in csv.reader(f):
            if len(row) < 3:
                continue
            try:
                rows.append((int(row[0]), int(float(row[1])),
                             int(float(row[2]))))
            except ValueError:
                continue
    return rows


def save_state(path, ts, rx, tx):
    with open(path, "w") as f:
        json.dump({"ts": ts, "rx": rx, "tx": tx}, f)


def sample_iface(iface, rx, tx, t):
    state_path = os.path.join(DATA_DIR, "state_%s.json" % iface)
    csv_path = os.path.join(DATA_DIR, "bw_%s.csv" % iface)
    try:
        with open(state_path) as f:
            state = json.load(f)
    except (OSError, ValueError):
        state = None
    if state is None or t - state["ts"] <= 0:
        save_state(state_path, t, rx, tx)
        return
    dt = t - state["ts"]
    drx = rx - state["rx"]
    dtx = tx - state["tx"]
    if drx < 0:         # counter reset: count from zero
        drx = rx
    if dtx < 0:
        dtx = tx
    rx_bps = int(drx * 8 / dt)
    tx_bps = int(dtx * 8 / dt)

    # The whole history, every run.
    rows = load_rows(csv_path)
    cutoff = t - RETENTION_DAYS * 86400
    rows = [r for r in rows if r[0] >= cutoff]
    rows.append((int(t), rx_bps, tx_bps))
    with open(csv_path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    save_state(state_path, t, rx, tx)


def cmd_sample(args):
    t = now()
    counters = read_counters()
    ifaces = args or [i for i in counters if i != "lo"]
    for iface in ifaces:
        if iface not in counters:
            print("v1-sampler: no such interface: %s" % iface,
                  file=sys.stderr)
            return 1
        sample_iface(iface, counters[iface][0], counters[iface][1], t)
    return 0


def with_bytes(rows):
    """(mid, interval, rx_bps, tx_bps, rx_bytes, tx_bytes, gap) per row."""
    out = []
    prev = None
    for ts, rx, tx in rows:
        interval = FIRST_INTERVAL if prev is None else ts - prev
        prev = ts
        gap = interval > GAP_SECONDS
        secs = 0 if gap else interval
        out.append((ts - interval / 2, interval, rx, tx, rx * secs / 8,
                    tx * secs / 8, gap))
    return out


def bucket_step(span, maxpoints):
    for step in (300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                 86400):
        if -(-span // step) <= maxpoints:
            return step
    return -(-span // (86400 * maxpoints)) * 86400


def si(v, unit, k=1000.0):
    for prefix in ("", "K", "M", "G", "T"):
        if abs(v) < k or prefix == "T":
            return "%.1f %s%s" % (v, prefix, unit)
        v /= k


def p95(values):
    if not values:
        return 0
    values = sorted(values)
    rank = max(1, -(-95 * len(values) // 100))
    return values[rank - 1]


def parse_opts(args, opts):
    i = 0
    while i < len(args):
        if args[i] in opts and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            raise SystemExit("v1-sampler: bad argument: %s" % args[i])
    return opts


def cmd_history(args):
    opts = parse_opts(args, {"-i": "eth0", "-r": "6m"})
    t = int(now())
    span = RANGES[opts["-r"]]
    lo, hi = t - span, t
    rows = with_bytes(load_rows(os.path.join(DATA_DIR,
                                             "bw_%s.csv" % opts["-i"])))
    width = max(20, int(os.environ.get("COLUMNS", "80")) - 8)
    step = bucket_step(span, width)
    start = lo - lo % step
    nb = -(-(hi - start) // step)
    buckets = [[0, 0, 0, 0, 0] for _ in range(nb)]  # rxB txB secs rxpk txpk
    rx_rates, tx_rates = [], []
    rxb = txb = rate_rx = rate_tx = secs = 0
    samples = 0
    for mid, interval, rx, tx, rx_bytes, tx_bytes, gap in rows:
        if not lo <= mid < hi:
            continue
        samples += 1
        rxb += rx_bytes
        txb += tx_bytes
        if gap:
            continue
        b = buckets[int((mid - start) // step)]
        b[0] += rx_bytes
        b[1] += tx_bytes
        b[2] += interval
        b[3] = max(b[3], rx)
        b[4] = max(b[4], tx)
        rate_rx += rx_bytes
        rate_tx += tx_bytes
        secs += interval
        rx_rates.append(rx)
        tx_rates.append(tx)
    avg = [(b[0] * 8 / b[2], b[1] * 8 / b[2]) if b[2] else (0, 0)
           for b in buckets]
    top = max([max(a) for a in avg] + [1])
    out = []
    for level in range(8, 0, -1):
        out.append("".join("#" if a[0] * 8 / top >= level - 0.5 else " "
                           for a in avg))
    out.append("-" * nb)
    for level in range(1, 9):
        out.append("".join("#" if a[1] * 8 / top >= level - 0.5 else " "
                           for a in avg))
    for name, byt, rb, rates in (("RX", rxb, rate_rx, rx_rates),
                                 ("TX", txb, rate_tx, tx_rates)):
        out.append("%s avg %s  peak %s  p95 %s  total %s" % (
            name, si(rb * 8 / secs if secs else 0, "bps"),
            si(max(rates or [0]), "bps"), si(p95(rates), "bps"),
            si(byt, "B")))
    out.append("%d samples, %d-second buckets" % (samples, step))
    print("\n".join(out))
    return 0


def cmd_month(args):
    opts = parse_opts(args, {"-i": "eth0", "-n": "12"})
    rows = with_bytes(load_rows(os.path.join(DATA_DIR,
                                             "bw_%s.csv" % opts["-i"])))
    months = {}
    for mid, interval, rx, tx, rx_bytes, tx_bytes, gap in rows:
        tm = time.localtime(mid)
        m = months.setdefault((tm.tm_year, tm.tm_mon), [0, 0, 0])
        m[0] += rx_bytes
        m[1] += tx_bytes
        m[2] += 1
    print("%-8s %12s %12s %12s %8s" % ("month", "rx", "tx", "total",
                                       "samples"))
    for key in sorted(months)[-int(opts["-n"]):]:
        m = months[key]
        print("%04d-%02d  %12s %12s %12s %8d" % (
            key[0], key[1], si(m[0], "B"), si(m[1], "B"),
            si(m[0] + m[1], "B"), m[2]))
    return 0


def main(argv):
    cmds = {"sample": cmd_sample, "history": cmd_history, "month": cmd_month}
    if argv and argv[0] in cmds:
        return cmds[argv[0]](argv[1:])
    return cmd_sample(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
