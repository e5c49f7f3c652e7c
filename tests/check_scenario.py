#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the scenario's result channel on the host.

The guest (tests/guest/scenario.sh) dumps /proc/tcpstates, the scenario's
manifest and the independent oracles (/proc/net/tcp{,6}, ss) as sections.
This turns them into counted assertions: every expected socket with its
exact state, row sets equal to each oracle, counters equal to the rows,
each netns seeing only its own sockets.

Usage: check_scenario.py RESULT_FILE   (env VM_TAG prefixes each line)
Prints one "ok NAME" / "not ok NAME: why" line per assertion and a final
"passed=N failed=M"; exits 1 if anything failed.
"""
import collections
import ipaddress
import os
import re
import sys

STATES = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
          "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN",
          "CLOSING"]
# The states the scenario holds for each family (CLOSE: bound sockets).
HELD = STATES
# Bound sockets: only this module and inet_diag's TCP_BOUND_INACTIVE dump
# (scenario diag-bound, Linux 6.6+) show them; /proc/net/tcp and ss -tan
# do not.
BOUND = "CLOSE"
TIMERS = ["off", "on", "keepalive", "timewait", "probe"]
TIMER_RE = re.compile(r"^(off|on|keepalive|timewait|probe)\((\d+)\.(\d{3})/"
                      r"(\d+)/(\d+)\)$")
IDLE_RE = re.compile(r"^(\d+)\.(\d{3})/(\d+)\.(\d{3})$")
SS_STATES = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT",
             "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
             "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
             "UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT",
             "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN",
             "CLOSING": "CLOSING"}
ROW_RE = re.compile(r"^(tcp6?) +(\d+) +(\d+) +(\S+) +(\S+) +([A-Z_0-9]+)"
                    r" +(\d+) +(\d+) +(\S+) +(\S+)$")
TITLE_RE = re.compile(r"^tcpstates (\d+): TCP sockets of net namespace (\d+)$")
COUNTS_TITLE_RE = re.compile(
    r"^tcpstates (\d+): TCP socket counts of net namespace (\d+) "
    r"\((kept|walked: [a-z]+)\)$")
COLUMNS = ["Proto", "Recv-Q", "Send-Q", "Local", "Address", "Foreign",
           "Address", "State", "UID", "Inode", "Timer", "Idle"]


class Judge:
    def __init__(self, tag):
        self.tag = f"[{tag}] " if tag else ""
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, why=""):
        if cond:
            self.passed += 1
            print(f"{self.tag}ok {name}")
        else:
            self.failed += 1
            print(f"{self.tag}not ok {name}" + (f": {why}" if why else ""))
        return cond


def read_sections(path):
    sections, name, body = {}, None, []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if name is None and line.startswith("BEGIN "):
                name, body = line[6:], []
            elif name is not None and line.startswith(f"END {name} rc="):
                sections[name] = (body, int(line.rsplit("=", 1)[1]))
                name = None
            elif name is not None:
                body.append(line)
    return sections


def canon_v6(addr):
    """RFC 5952 text, an IPv4-mapped address with its IPv4 part dotted."""
    if addr.ipv4_mapped is not None:
        return f"::ffff:{addr.ipv4_mapped}"
    return addr.compressed


def parse_endpoint(text, family):
    """'a.b.c.d:port' or '[v6]:port' as printed by the module -> (ip, port);
    raises ValueError on anything not in canonical form."""
    host, _, port = text.rpartition(":")
    port = 0 if port == "*" else int(port)
    if family == "tcp6":
        if not (host.startswith("[") and host.endswith("]")):
            raise ValueError(f"no brackets in {text!r}")
        ip = ipaddress.IPv6Address(host[1:-1])
        if canon_v6(ip) != host[1:-1]:
            raise ValueError(f"{text!r} is not RFC 5952 ({canon_v6(ip)})")
    else:
        ip = ipaddress.IPv4Address(host)
        if str(ip) != host:
            raise ValueError(f"{text!r} is not canonical")
    if not 0 <= port <= 65535 or (port and text.endswith(":0")):
        raise ValueError(f"bad port in {text!r}")
    return ip, port


def parse_tcpstates(lines):
    """Return (version, netns, rows, counts, total, errors)."""
    errors = []
    rows, counts, total = [], {}, None
    m = TITLE_RE.match(lines[0]) if lines else None
    if not m:
        return None, None, [], {}, None, [f"bad title {lines[:1]}"]
    version, netns = int(m.group(1)), int(m.group(2))
    if len(lines) < 2 or lines[1].split() != COLUMNS:
        errors.append(f"bad column titles {lines[1:2]}")
    i = 2
    while i < len(lines) and lines[i] != "":
        m = ROW_RE.match(lines[i])
        if not m:
            errors.append(f"malformed row {lines[i]!r}")
        else:
            proto, rxq, txq, loc, rem, state, uid, ino, timer, idle = \
                m.groups()
            tm, im = TIMER_RE.match(timer), IDLE_RE.match(idle)
            try:
                lip, lport = parse_endpoint(loc, proto)
                rip, rport = parse_endpoint(rem, proto)
            except ValueError as e:
                errors.append(str(e))
            else:
                if state not in STATES:
                    errors.append(f"unknown state in {lines[i]!r}")
                if not tm or (idle != "-" and not im):
                    errors.append(f"bad Timer or Idle in {lines[i]!r}")
                    tm = tm or TIMER_RE.match("off(0.000/0/0)")
                rows.append(dict(
                    proto=proto, rxq=int(rxq), txq=int(txq),
                    local=(lip, lport), remote=(rip, rport), state=state,
                    uid=int(uid), ino=int(ino), text=(proto, loc, rem, state),
                    timer=TIMERS.index(tm.group(1)),
                    timer_ms=int(tm.group(2)) * 1000 + int(tm.group(3)),
                    retrans=int(tm.group(4)), probes=int(tm.group(5)),
                    idle=None if not im else (
                        int(im.group(1)) * 1000 + int(im.group(2)),
                        int(im.group(3)) * 1000 + int(im.group(4)))))
        i += 1
    block = lines[i + 1:]
    if not block or block[0].split() != ["State", "Count"]:
        errors.append(f"bad counter title {block[:1]}")
        return version, netns, rows, counts, total, errors
    names = []
    for line in block[1:]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            errors.append(f"bad counter line {line!r}")
            continue
        names.append(parts[0])
        if parts[0] == "Total":
            total = int(parts[1])
        else:
            counts[parts[0]] = int(parts[1])
    if names != STATES + ["Total"]:
        errors.append(f"counter lines {names} are not the 11 states in id "
                      "order then Total")
    return version, netns, rows, counts, total, errors


def hex_endpoint(text, proto):
    addr, port = text.split(":")
    raw = bytes.fromhex(addr)
    # Each 32-bit word is printed as a host-order (little-endian) integer.
    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    ip = (ipaddress.IPv6Address(raw) if proto == "tcp6"
          else ipaddress.IPv4Address(raw))
    return ip, int(port, 16)


def parse_proc_net(lines, proto):
    rows = []
    for line in lines[1:]:
        f = line.split()
        if len(f) < 10:
            continue
        txq, rxq = (int(x, 16) for x in f[4].split(":"))
        tr, when = (int(x, 16) for x in f[5].split(":"))
        rows.append(dict(proto=proto, local=hex_endpoint(f[1], proto),
                         remote=hex_endpoint(f[2], proto),
                         state=STATES[int(f[3], 16) - 1], txq=txq, rxq=rxq,
                         uid=int(f[7]), ino=int(f[9]), timer=tr,
                         when=when, retrans=int(f[6], 16), probes=int(f[8])))
    return rows


def ss_endpoint(text, proto):
    host, _, port = text.rpartition(":")
    port = 0 if port == "*" else int(port)
    if host == "*":
        host = "::" if proto == "tcp6" else "0.0.0.0"
    host = host.strip("[]")
    ip = (ipaddress.IPv6Address(host) if proto == "tcp6"
          else ipaddress.IPv4Address(host))
    return ip, port


def parse_ss(lines, proto):
    rows = []
    for line in lines:
        f = line.split()
        if len(f) < 5:
            continue
        rows.append(dict(proto=proto, state=SS_STATES.get(f[0], f[0]),
                         local=ss_endpoint(f[3], proto),
                         remote=ss_endpoint(f[4], proto)))
    return rows


def key(row):
    return (row["proto"], row["local"], row["remote"], row["state"])


def full_key(row):
    return key(row) + (row["rxq"], row["txq"], row["uid"], row["ino"])


def diff(a, b):
    ca, cb = collections.Counter(a), collections.Counter(b)
    only_a, only_b = ca - cb, cb - ca
    return (f"only in module: {sorted(map(str, only_a.elements()))[:8]}; "
            f"only in oracle: {sorted(map(str, only_b.elements()))[:8]}")


def same(judge, name, ours, theirs):
    ok = collections.Counter(ours) == collections.Counter(theirs)
    return judge.check(name, ok, "" if ok else diff(ours, theirs))


def manifest_rows(lines):
    rows = collections.defaultdict(list)
    for line in lines:
        f = line.split()
        if f and f[0] == "ROW":
            ns, proto, loc, rem, state = f[1:6]
            lip, lport = parse_endpoint(loc, proto)
            rip, rport = parse_endpoint(rem, proto)
            rows[ns].append(dict(proto=proto, local=(lip, lport),
                                 remote=(rip, rport), state=state,
                                 text=(proto, loc, rem, state)))
    return rows


def judge_netns(judge, sections, ns, suffix, expected):
    def body(name):
        lines, rc = sections.get(name + suffix, ([], -1))
        judge.check(f"{ns}: {name} was collected", rc == 0, f"rc={rc}")
        return lines

    version, netns, rows, counts, total, errors = \
        parse_tcpstates(body("tcpstates"))
    inode = re.findall(r"net:\[(\d+)\]", " ".join(body("netns")))
    judge.check(f"{ns}: title names format version 2 and the reader's "
                "netns", version == 2 and inode and netns == int(inode[0]),
                f"version={version} netns={netns} expected {inode}")
    judge.check(f"{ns}: every line is well-formed", not errors,
                "; ".join(errors[:5]))
    per_state = collections.Counter(r["state"] for r in rows)
    judge.check(f"{ns}: counters equal the per-state row counts",
                all(counts.get(s) == per_state.get(s, 0) for s in STATES),
                f"counters {counts} rows {dict(per_state)}")
    judge.check(f"{ns}: Total equals the number of rows",
                total == len(rows), f"Total {total}, {len(rows)} rows")

    # /proc/tcpstates_counts: the same block without the rows.
    clines = body("counts")
    cm = COUNTS_TITLE_RE.match(clines[0]) if clines else None
    judge.check(f"{ns}: counts view title names format version 2 and the "
                "reader's netns", cm and int(cm.group(1)) == 2 and inode and
                int(cm.group(2)) == int(inode[0]),
                f"title {clines[:1]} expected netns {inode}")
    judge.check(f"{ns}: counts view kept by the hooks, not walked",
                cm and cm.group(3) == "kept", f"title {clines[:1]}")
    tlines = sections.get("tcpstates" + suffix, ([], -1))[0]
    tblock = tlines[tlines.index(""):] if "" in tlines else None
    judge.check(f"{ns}: counts view block equals /proc/tcpstates's",
                tblock is not None and clines[1:] == tblock,
                f"counts view {clines[1:]} tcpstates {tblock}")

    # The scenario's own record of what it holds.
    for m in expected:
        shown = [r for r in rows if key(r) == key(m)]
        judge.check(f"{ns}: {' '.join(m['text'])} shown", len(shown) == 1,
                    f"found {len(shown)}; same ports: " + str(
                        [r["text"] for r in rows
                         if r["local"] == m["local"]][:4]))
    same(judge, f"{ns}: rows equal the scenario's manifest",
         [key(r) for r in rows], [key(m) for m in expected])

    proc = (parse_proc_net(body("proc-net-tcp"), "tcp") +
            parse_proc_net(body("proc-net-tcp6"), "tcp6"))
    hashed = [r for r in rows if r["state"] != BOUND]
    same(judge, f"{ns}: rows but the bound ones equal /proc/net/tcp + "
         "/proc/net/tcp6", [key(r) for r in hashed], [key(r) for r in proc])
    same(judge, f"{ns}: queues, uid and inode equal /proc/net/tcp{{,6}}",
         [full_key(r) for r in hashed], [full_key(r) for r in proc])
    ss = parse_ss(body("ss-4"), "tcp") + parse_ss(body("ss-6"), "tcp6")
    # iproute2 from 6.x lists bound sockets (UNCONN) in ss -a on kernels
    # that dump them (6.6+); older ones do not.
    if any(r["state"] == BOUND for r in ss):
        same(judge, f"{ns}: rows equal ss -tan (which lists bound sockets)",
             [key(r) for r in rows], [key(r) for r in ss])
    else:
        same(judge, f"{ns}: rows but the bound ones equal ss -tan",
             [key(r) for r in hashed], [key(r) for r in ss])
    return rows


def parse_stamped(lines):
    """scenario stamp output: [(start_ns, end_ns, [lines])] per file, then
    the lines after the last stamp (ss), with their own stamps."""
    parts, cur, last = [], None, None
    for line in lines:
        if line.startswith("STAMP "):
            t = int(line.split()[1])
            if last is not None:
                parts.append((last, t, cur))
            last, cur = t, []
        elif cur is not None:
            cur.append(line)
    return parts


SS_TIMER_RE = re.compile(r"timer:\((\w+),")
SS_TIMERS = {"on": 1, "keepalive": 2, "timewait": 3, "persist": 4}


def parse_ss_info(lines):
    """ss -tanoiH -4, "#v6", ss -tanoiH -6: per socket, its key and its
    info words."""
    socks, cur, proto = [], None, "tcp"
    for line in lines:
        if line == "#v6":
            proto, cur = "tcp6", None
            continue
        if not line.strip():
            continue
        if line[0] in " \t" and cur is not None:
            cur["info"] += " " + line.strip()
            continue
        f = line.split()
        if len(f) < 5:
            continue
        try:
            cur = dict(proto=proto, state=SS_STATES.get(f[0], f[0]),
                       local=ss_endpoint(f[3], proto),
                       remote=ss_endpoint(f[4], proto), info=line)
        except ValueError:
            cur = None
            continue
        socks.append(cur)
    for sk in socks:
        m = SS_TIMER_RE.search(sk["info"])
        sk["timer"] = SS_TIMERS.get(m.group(1), -1) if m else 0
        vals = {}
        for k in ("lastsnd", "lastrcv", "lastack"):
            m = re.search(rf"\b{k}:(\d+)", sk["info"])
            vals[k] = int(m.group(1)) if m else 0
        sk["idle"] = (min(vals["lastrcv"], vals["lastack"]), vals["lastsnd"])
    return socks


# Slack in ms for the clocks' granularity: jiffies (up to 10 ms at
# HZ=100), /proc/net/tcp's clock_t (10 ms, truncated), our milliseconds.
SLACK_MS = 25


def judge_timers(judge, sections):
    """The Timer and Idle columns against /proc/net/tcp's tr, tm->when,
    retrnsmt and timeout columns and against ss -tanoi (over netlink),
    read right after: a row passes if one of the three tries agrees."""
    tries = []
    for t in (1, 2, 3):
        lines, rc = sections.get(f"timers-{t}", ([], -1))
        parts = parse_stamped(lines)
        if rc != 0 or len(parts) != 5:
            continue
        (s1, e1, ours), (s2, _, p4), (_, e2, p6), (s3, e3, ssl), _ = parts
        version, _, rows, _, _, errors = parse_tcpstates(ours)
        proc = {key(r): r for r in (parse_proc_net(p4, "tcp") +
                                     parse_proc_net(p6, "tcp6"))}
        ss = {key(r): r for r in parse_ss_info(ssl)}
        tries.append(dict(s1=s1 / 1e6, e1=e1 / 1e6, s2=s2 / 1e6,
                          e2=e2 / 1e6, s3=s3 / 1e6, e3=e3 / 1e6, rows=rows,
                          proc=proc, ss=ss, errors=errors))
    judge.check("timers: three stamped reads of /proc/tcpstates, "
                "/proc/net/tcp{,6} and ss were collected", len(tries) == 3,
                f"{len(tries)} usable")
    if not tries:
        return
    judge.check("timers: every row of the stamped reads is well-formed",
                not any(t["errors"] for t in tries),
                "; ".join(e for t in tries for e in t["errors"])[:300])

    def proc_ok(r, t):
        p = t["proc"].get(key(r))
        if p is None:
            return None
        if (p["timer"], p["retrans"], p["probes"]) != \
                (r["timer"], r["retrans"], r["probes"]):
            return False
        # Ours counted down by the time between the two reads.
        d = r["timer_ms"] - p["when"] * 10
        if r["timer"] == 0:
            return r["timer_ms"] == 0 and p["when"] == 0
        return (t["s2"] - t["e1"] - SLACK_MS <= d <=
                t["e2"] - t["s1"] + SLACK_MS)

    def ss_ok(r, t):
        s = t["ss"].get(key(r))
        if s is None:
            return None
        if s["timer"] != r["timer"]:
            return False
        if r["idle"] is None:
            return True
        lo, hi = t["s3"] - t["e1"] - SLACK_MS, t["e3"] - t["s1"] + SLACK_MS
        return all(lo <= s["idle"][i] - r["idle"][i] <= hi for i in (0, 1))

    rows = [r for r in tries[0]["rows"] if r["state"] != BOUND]
    seen_timers = set()
    bad_proc, bad_ss, idle_rows = [], [], 0
    for r in rows:
        results = [(proc_ok(x, t), ss_ok(x, t)) for t in tries
                   for x in t["rows"] if key(x) == key(r)]
        if not any(p for p, _ in results):
            bad_proc.append(f"{r['text']} timer {r['timer']} "
                            f"{r['timer_ms']}ms/{r['retrans']}/{r['probes']}")
        if not any(s for _, s in results):
            bad_ss.append(f"{r['text']} timer {r['timer']} idle {r['idle']}")
        seen_timers.add(TIMERS[r["timer"]])
        idle_rows += r["idle"] is not None
    judge.check(f"timers: each of {len(rows)} rows has /proc/net/tcp's timer, "
                "time left, retransmits and probes", rows and not bad_proc,
                "; ".join(bad_proc[:6]))
    judge.check(f"timers: each of {len(rows)} rows has ss -to's timer and "
                f"ss -i's idle times ({idle_rows} rows with a peer)",
                rows and not bad_ss and idle_rows > 0, "; ".join(bad_ss[:6]))
    judge.check("timers: the rows show every kind of timer "
                f"({', '.join(TIMERS)})", seen_timers == set(TIMERS),
                f"seen {sorted(seen_timers)}")
    peerless = [r["text"] for r in rows if r["idle"] is not None and (
        r["state"] in ("LISTEN", "SYN_SENT", "SYN_RECV", "TIME_WAIT") or
        TIMERS[r["timer"]] == "timewait")]
    judge.check("timers: listeners, SYN_SENT, request and timewait sockets "
                "show no idle times", not peerless, str(peerless[:4]))


def judge_bound(judge, sections, rows):
    """CLOSE rows against inet_diag's dump of bound-only sockets."""
    release = sections.get("uname", ([""], 0))[0]
    m = re.match(r"(\d+)\.(\d+)", release[0] if release else "")
    lines, rc = sections.get("diag-bound", ([], -1))
    if not m or (int(m.group(1)), int(m.group(2))) < (6, 6):
        print(f"# bound: kernel {release} has no inet_diag dump of bound "
              "sockets (6.6+); judged against the manifest only")
        return
    diag = []
    for line in lines:
        f = line.split()
        if len(f) == 3:
            lip, lport = ss_endpoint(f[1], f[0])
            rip, rport = ss_endpoint(f[2], f[0])
            diag.append((f[0], (lip, lport), (rip, rport), BOUND))
    ours = [key(r) for r in rows if r["state"] == BOUND]
    judge.check("bound: inet_diag's dump was collected", rc == 0, f"rc={rc}")
    same(judge, "bound: CLOSE rows equal inet_diag's bound-inactive dump",
         ours, diag)


def main():
    judge = Judge(os.environ.get("VM_TAG", ""))
    sections = read_sections(sys.argv[1])
    manifest = manifest_rows(sections.get("manifest", ([], 1))[0])
    judge.check("manifest names rows in init and two more netns",
                bool(manifest["init"]) and {"ns2", "ns3"} <= set(manifest),
                f"netns seen: {sorted(manifest)}")

    seen = {}
    for ns in sorted(manifest):
        suffix = "" if ns == "init" else "@" + ns
        seen[ns] = judge_netns(judge, sections, ns, suffix, manifest[ns])

    judge_timers(judge, sections)
    judge_bound(judge, sections, seen.get("init", []))

    init_states = {(r["proto"], r["state"]) for r in seen.get("init", [])}
    for proto in ("tcp", "tcp6"):
        for state in HELD:
            judge.check(f"init: a {proto} socket is held in {state}",
                        (proto, state) in init_states)

    # A reader sees its own netns only: no row of one in another's file.
    for ns, rows in seen.items():
        others = {key(m) for o, ms in manifest.items() if o != ns
                  for m in ms}
        leaked = [r["text"] for r in rows if key(r) in others]
        judge.check(f"{ns}: no socket of another netns is shown",
                    not leaked, str(leaked[:4]))

    print(f"passed={judge.passed} failed={judge.failed}")
    return 1 if judge.failed else 0


if __name__ == "__main__":
    sys.exit(main())
