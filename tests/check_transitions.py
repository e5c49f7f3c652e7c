#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the transitions test's result channel on the host.

The guest (tests/guest/transitions.sh) runs each sequence of
tests/trans/transdrive in a fresh netns and dumps, as sections, what the
driver did (its sockets' exact endpoints), that netns's
/proc/tcpstates_transitions before and after, and its
/proc/tcpstates_transitions_log.  This file knows which transitions each
sequence makes, in terms of the driver's sockets, and checks that the
matrix moved by exactly those counts and that the log holds exactly those
entries, each socket's in order.

Transitions seen only through a kprobe (entering TIME_WAIT, a new request
socket) are expected only when the matrix file says that hook is attached,
and a kernel with kprobes must have them attached.

Usage: check_transitions.py RESULT_FILE   (env VM_TAG prefixes each line)
Prints one "ok NAME" / "not ok NAME: why" line per assertion and a final
"passed=N failed=M"; exits 1 if anything failed.
"""
import collections
import os
import re
import sys

import check_scenario
from check_scenario import Judge

STATES = ["OTHER", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
          "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
          "LISTEN", "CLOSING", "NEW_SYN_RECV", "TW_FIN_WAIT2"]
HOOKS = ["state", "timewait", "request", "tw-substate", "tw-end",
         "request-end"]
TRANS_TITLE = re.compile(r"^tcpstates_transitions 1: TCP state transitions"
                         r" of net namespace (\d+)$")
LOG_TITLE = re.compile(r"^tcpstates_transitions_log 2: recent TCP state"
                       r" transitions of net namespace (\d+)$")
LOG_ROW = re.compile(r"^(\d+)\.(\d{9}) +(\d+) +(tcp6?) +([A-Z_0-9]+) +"
                     r"([A-Z_0-9]+) +(\S+) +(\S+) +([0-9a-f]+)$")
NETNS = re.compile(r"^net:\[(\d+)\]$")

# The sequences the guest runs, each alone in a netns; "-6": over IPv6;
# "-mapped": IPv4 clients of a dual-stack [::] listener.
SEQUENCES = ["client-close", "client-close-6", "client-close-mapped",
             "server-close",
             "client-shutdown", "simultaneous-close", "crossed-close",
             "full-accept-queue", "listener-close", "request-reset",
             "request-expire", "timewait-reset", "timewait-reuse"]


def read_sections(path):
    """The result file's sections, name -> lines (the rc dropped)."""
    return {name: body for name, (body, _) in
            check_scenario.read_sections(path).items()}


def parse_matrix(lines):
    """/proc/tcpstates_transitions -> (netns, hooks, counts) or raise."""
    if not lines:
        raise ValueError("empty file")
    m = TRANS_TITLE.match(lines[0])
    if not m:
        raise ValueError(f"bad title {lines[0]!r}")
    if lines[1].split() != ["Hook", "Status", "Missed", "Source"]:
        raise ValueError(f"bad hook titles {lines[1]!r}")
    hooks, i = {}, 2
    while i < len(lines) and lines[i]:
        name, status, missed, source = lines[i].split(None, 3)
        if status not in ("attached", "unobserved"):
            raise ValueError(f"bad hook status {lines[i]!r}")
        hooks[name] = (status, missed, source)
        i += 1
    if lines[i + 1].split() != ["From", "To", "Count"]:
        raise ValueError(f"bad matrix titles {lines[i + 1]!r}")
    counts = collections.Counter()
    for line in lines[i + 2:]:
        f = line.split()
        if (len(f) != 3 or f[0] not in STATES or f[1] not in STATES
                or not f[2].isdigit() or int(f[2]) == 0):
            raise ValueError(f"bad matrix row {line!r}")
        if (f[0], f[1]) in counts:
            raise ValueError(f"duplicate matrix row {line!r}")
        counts[(f[0], f[1])] = int(f[2])
    return int(m.group(1)), hooks, counts


def parse_log(lines):
    """/proc/tcpstates_transitions_log -> (netns, [entry]) or raise."""
    m = LOG_TITLE.match(lines[0]) if lines else None
    if not m:
        raise ValueError(f"bad title {lines[:1]!r}")
    if lines[1].split() != ["Time", "Netns", "Proto", "From", "To", "Local",
                            "Address", "Foreign", "Address", "Cookie"]:
        raise ValueError(f"bad column titles {lines[1]!r}")
    entries = []
    for line in lines[2:]:
        r = LOG_ROW.match(line)
        if not r or r.group(5) not in STATES or r.group(6) not in STATES:
            raise ValueError(f"bad log row {line!r}")
        entries.append({"time": int(r.group(1)) * 10**9 + int(r.group(2)),
                        "netns": int(r.group(3)),
                        "key": r.group(4, 5, 6, 7, 8),
                        "cookie": int(r.group(9), 16)})
    return int(m.group(1)), entries


# Set by main() from the kernel release: see Expect.connect().
CHILD_OWN_ENDPOINTS = False


def no_port(endpoint):
    """'127.0.0.1:40312' -> '127.0.0.1:*': a client entering SYN_SENT."""
    return endpoint.rsplit(":", 1)[0] + ":*"


class Expect:
    """The transitions of one sequence, as (role, hook, log key) in the
    order each socket makes them."""

    def __init__(self, socks):
        self.socks = socks
        self.items = []

    def add(self, role, hook, frm, to, local=None, remote=None):
        s = self.socks[role]
        self.items.append((role, hook, (s["proto"], frm, to,
                                        local or s["local"],
                                        remote or s["remote"])))

    # Building blocks, named after what the sockets do.
    def listen(self, l):
        self.add(l, "state", "CLOSE", "LISTEN")

    def unlisten(self, l):
        self.add(l, "state", "LISTEN", "CLOSE")

    def connect(self, c, l, s=None, bound=False):
        """c connects to listener l; s is the child, if one is made.  The
        child is cloned from the listener; up to 6.x it enters SYN_RECV
        with the listener's endpoints, from 7.x with its own (the
        kernel sets them before the state).  A client bound before it
        connects has its port in SYN_SENT already."""
        cs = self.socks[c]
        self.add(c, "state", "CLOSE", "SYN_SENT",
                 local=cs["local"] if bound else no_port(cs["local"]))
        if s is None:
            return
        # The request socket has the child's family and endpoints (an
        # IPv4 client of a [::] listener: tcp6, v4-mapped).
        ss = self.socks[s]
        self.items.append((c + "-req", "request",
                           (ss["proto"], "LISTEN", "NEW_SYN_RECV",
                            ss["local"], ss["remote"])))
        # The child takes the request socket's place: its end.
        self.items.append((c + "-req", "request-end",
                           (ss["proto"], "NEW_SYN_RECV", "SYN_RECV",
                            ss["local"], ss["remote"])))
        self.add(c, "state", "SYN_SENT", "ESTABLISHED")
        if CHILD_OWN_ENDPOINTS:
            self.add(s, "state", "LISTEN", "SYN_RECV")
        else:
            ls = self.socks[l]
            self.add(s, "state", "LISTEN", "SYN_RECV", ls["local"],
                     ls["remote"])
        self.add(s, "state", "SYN_RECV", "ESTABLISHED")

    def orphan_close(self, x, facts):
        """Closed first: orphaned in FIN_WAIT2, then a timewait socket in
        substate FIN_WAIT2 at once, or, if the kernel kept the full socket
        (the driver saw which in /proc/net/tcp), one in substate TIME_WAIT
        when the peer's FIN comes."""
        for frm, to in (("ESTABLISHED", "FIN_WAIT1"),
                        ("FIN_WAIT1", "FIN_WAIT2")):
            self.add(x, "state", frm, to)
        path = facts[f"{x}-fin-wait2"]
        if path not in ("timewait", "full"):
            raise KeyError(f"{x}-fin-wait2={path}")
        self.add(x, "timewait", "FIN_WAIT2",
                 "TW_FIN_WAIT2" if path == "timewait" else "TIME_WAIT")
        self.add(x, "state", "FIN_WAIT2", "CLOSE")

    def passive_close(self, y, orphan=None, facts=None):
        """y closes after its peer; if that peer is an orphan that became
        a timewait socket in substate FIN_WAIT2, y's FIN moves it to
        TIME_WAIT."""
        for frm, to in (("ESTABLISHED", "CLOSE_WAIT"),
                        ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSE")):
            self.add(y, "state", frm, to)
        if orphan and facts[f"{orphan}-fin-wait2"] == "timewait":
            self.add(orphan, "tw-substate", "TW_FIN_WAIT2", "TIME_WAIT")

    def to_time_wait(self, x, via):
        self.add(x, "timewait", via, "TIME_WAIT")
        self.add(x, "state", via, "CLOSE")


def expected(seq, socks, facts):
    e = Expect(socks)
    if seq in ("client-close", "server-close"):
        first, second = ("C", "S") if seq == "client-close" else ("S", "C")
        e.listen("L")
        e.connect("C", "L", "S")
        e.orphan_close(first, facts)
        e.passive_close(second, first, facts)
        e.unlisten("L")
    elif seq == "client-shutdown":
        e.listen("L")
        e.connect("C", "L", "S")
        e.add("C", "state", "ESTABLISHED", "FIN_WAIT1")
        e.add("C", "state", "FIN_WAIT1", "FIN_WAIT2")
        e.to_time_wait("C", "FIN_WAIT2")
        e.passive_close("S")
        e.unlisten("L")
    elif seq == "simultaneous-close":
        e.listen("L")
        e.connect("C", "L", "S")
        e.add("C", "state", "ESTABLISHED", "FIN_WAIT1")
        e.add("C", "state", "FIN_WAIT1", "CLOSING")
        e.to_time_wait("C", "CLOSING")
        e.add("S", "state", "ESTABLISHED", "FIN_WAIT1")
        e.add("S", "state", "FIN_WAIT1", "FIN_WAIT2")
        e.to_time_wait("S", "FIN_WAIT2")
        e.unlisten("L")
    elif seq == "crossed-close":
        e.listen("L")
        e.connect("C", "L", "S")
        for x in ("C", "S"):
            # S may see its FIN acked before C's FIN comes: C's backlog
            # runs with softirqs enabled, so S can take C's segment
            # carrying that ACK before C has logged its own CLOSING (seen
            # on the debug kernel).  Then S goes through FIN_WAIT2.
            via = "FIN_WAIT2" if x == "S" and facts.get("s-acked-first") \
                else "CLOSING"
            e.add(x, "state", "ESTABLISHED", "FIN_WAIT1")
            e.add(x, "state", "FIN_WAIT1", via)
            e.to_time_wait(x, via)
        e.unlisten("L")
    elif seq == "full-accept-queue":
        e.listen("L")
        e.connect("C1", "L", "S")
        # The dropped SYN made no request socket: C2 just gives up.
        e.connect("C2", "L")
        e.add("C2", "state", "SYN_SENT", "CLOSE")
        e.orphan_close("S", facts)
        e.passive_close("C1", "S", facts)
        e.unlisten("L")
    elif seq == "request-reset":
        # The server end stays a request socket (TCP_DEFER_ACCEPT); the
        # client's RST (SO_LINGER 0) drops it.
        e.listen("L")
        e.connect("C", "L")
        rs = e.socks["R"]
        e.items.append(("C-req", "request",
                        (rs["proto"], "LISTEN", "NEW_SYN_RECV",
                         rs["local"], rs["remote"])))
        e.add("C", "state", "SYN_SENT", "ESTABLISHED")
        e.add("C", "state", "ESTABLISHED", "CLOSE")
        e.items.append(("C-req", "request-end",
                        (rs["proto"], "NEW_SYN_RECV", "CLOSE",
                         rs["local"], rs["remote"])))
        e.unlisten("L")
    elif seq == "request-expire":
        # A SYN from nowhere: the request's SYN-ACKs go unanswered and
        # its timer drops it.
        e.listen("L")
        rs = e.socks["R"]
        for frm, to, hook in (("LISTEN", "NEW_SYN_RECV", "request"),
                              ("NEW_SYN_RECV", "CLOSE", "request-end")):
            e.items.append(("R-req", hook, (rs["proto"], frm, to,
                                            rs["local"], rs["remote"])))
        e.unlisten("L")
    elif seq == "timewait-reset":
        # C waits for a FIN; S's RST ends it, timewait socket or full.
        e.listen("L")
        e.connect("C", "L", "S")
        if facts["C-fin-wait2"] == "timewait":
            e.orphan_close("C", facts)
            e.add("C", "tw-end", "TW_FIN_WAIT2", "CLOSE")
        else:
            for frm, to in (("ESTABLISHED", "FIN_WAIT1"),
                            ("FIN_WAIT1", "FIN_WAIT2"), ("FIN_WAIT2", "CLOSE")):
                e.add("C", "state", frm, to)
        e.add("S", "state", "ESTABLISHED", "CLOSE_WAIT")
        e.add("S", "state", "CLOSE_WAIT", "CLOSE")
        e.unlisten("L")
    elif seq == "timewait-reuse":
        # C2's connect() from C's port takes over C's timewait socket.
        e.listen("L")
        e.connect("C", "L", "S", bound=True)
        e.orphan_close("C", facts)
        e.passive_close("S", "C", facts)
        e.connect("C2", "L", "S2", bound=True)
        e.add("C", "tw-end", "TIME_WAIT", "CLOSE")
        e.add("C2", "state", "ESTABLISHED", "CLOSE")
        e.add("S2", "state", "ESTABLISHED", "CLOSE")
        e.unlisten("L")
    elif seq == "listener-close":
        e.listen("L")
        e.connect("C", "L", "S")
        e.unlisten("L")
        e.add("S", "state", "ESTABLISHED", "CLOSE")
        e.add("C", "state", "ESTABLISHED", "CLOSE")
    else:
        raise ValueError(f"no expectation for {seq}")
    return e.items


def parse_driver(lines):
    """The driver's output -> [(sequence, socks, facts, done)], a run per
    SEQ line."""
    runs = []
    for line in lines:
        f = line.split()
        if f[:1] == ["SEQ"] and len(f) == 3:
            runs.append((f[1], {}, {}, False))
        elif not runs:
            continue
        elif f[:1] == ["SOCK"] and len(f) == 6:
            runs[-1][1][f[1]] = {"proto": f[2], "local": f[3],
                                 "remote": f[4]}
            if f[5] != "-":
                runs[-1][1][f[1]]["cookie"] = int(f[5], 16)
        elif f[:1] == ["FACT"] and len(f) == 3:
            runs[-1][2][f[1]] = f[2]
        elif f[:1] == ["SKIP"]:
            runs[-1][2]["skip"] = line[5:]
        elif f[:1] == ["DONE"] and len(f) == 2 and f[1] == runs[-1][0]:
            runs[-1] = runs[-1][:3] + (True,)
    return runs


def multiset_diff(got, want):
    g, w = collections.Counter(got), collections.Counter(want)
    missing = list((w - g).elements())
    extra = list((g - w).elements())
    return (f"missing {missing[:6]}" if missing else "") + \
        (f" extra {extra[:6]}" if extra else "")


def check_order(log_keys, items):
    """Each role's entries appear in the log in the order it made them.
    Log entries are matched to expected ones of the same key in turn."""
    pending = collections.defaultdict(collections.deque)
    for idx, (role, _, key) in enumerate(items):
        pending[key].append((role, idx))
    last = {}
    for key in log_keys:
        if not pending[key]:
            continue
        role, idx = pending[key].popleft()
        if last.get(role, -1) > idx:
            return f"{role}: {key[1]}->{key[2]} logged out of order"
        last[role] = idx
    return ""


def judge_files(judge, name, part, ns, nolog=False):
    """The two files of a sequence's netns parse and are that netns's.
    Returns (hooks, matrix delta, log entries) or None.  With nolog (the
    module loaded with log=0) the log read must have failed with
    ENODATA: no entries."""
    try:
        b_ns, _, before = parse_matrix(part("before"))
        a_ns, hooks, after = parse_matrix(part("after"))
        judge.check(f"{name}: matrix file parses", True)
    except (ValueError, IndexError) as err:
        judge.check(f"{name}: matrix file parses", False, str(err))
        return None
    judge.check(f"{name}: matrix is of the reader's netns",
                b_ns == ns and a_ns == ns, f"{b_ns}, {a_ns}, reader {ns}")
    judge.check(f"{name}: a new netns starts with an empty matrix",
                not before, str(dict(before)))
    if nolog:
        judge.check(f"{name}: the log file fails with ENODATA",
                    any("No data available" in line for line in part("log")),
                    "; ".join(part("log")[:2]))
        return hooks, after - before, []
    try:
        l_ns, log = parse_log(part("log"))
        judge.check(f"{name}: log file parses", True)
    except (ValueError, IndexError) as err:
        judge.check(f"{name}: log file parses", False, str(err))
        return None
    judge.check(f"{name}: log title and every entry show the reader's netns",
                l_ns == ns and all(e["netns"] == ns for e in log))
    times = [e["time"] for e in log]
    judge.check(f"{name}: log is oldest first", times == sorted(times))
    return hooks, after - before, log


def judge_sequence(judge, sections, tag, want_runs, attached, cap=None,
                   nolog=False):
    """One guest run of the driver: want_runs sequences in one netns.
    With cap (the ring size the module was loaded with), the log must
    hold exactly cap entries: all of the last run's, the rest from the one
    before, none older.  With nolog (log=0) the matrix alone is judged."""
    name = tag
    part = lambda p: sections.get(f"seq:{tag}:{p}")
    driver = part("driver")
    if not judge.check(f"{name}: all sections present",
                       None not in (driver, part("before"), part("after"),
                                    part("log"), part("netns"))):
        return
    runs = parse_driver(driver)
    judge.check(f"{name}: driver ran {' '.join(want_runs)}",
                [r[0] for r in runs] == want_runs and all(r[3] for r in runs)
                and "EXIT 0" in driver, "; ".join(driver[-3:]))
    if [r[0] for r in runs] != want_runs:
        return
    if "skip" in runs[-1][2]:
        # Not run: allowed only on a kernel without userfaultfd.
        if sections.get("userfaultfd", ["?"])[0] == "no":
            print(f"{judge.tag}# skip {name}: {runs[-1][2]['skip']}")
        else:
            judge.check(f"{name}: ran", False, runs[-1][2]["skip"])
        return
    ns = NETNS.match(part("netns")[0]) if part("netns") else None
    files = judge_files(judge, name, part, int(ns.group(1)) if ns else None,
                        nolog)
    if not files:
        return
    _, delta, log = files

    per_run = []
    for seq, socks, facts, _ in runs:
        if seq == "crossed-close" and "S" in socks:
            key = (socks["S"]["proto"], "FIN_WAIT1", "FIN_WAIT2",
                   socks["S"]["local"], socks["S"]["remote"])
            if key in (e["key"] for e in log):
                facts["s-acked-first"] = True
                print(f"{judge.tag}# {name}: S's FIN was acked before C's"
                      " FIN came; S's path is taken from the log")
        try:
            items = expected(seq, socks, facts)
        except KeyError as err:
            judge.check(f"{name}: driver named every socket", False, str(err))
            return
        per_run.append([i for i in items if i[1] in attached])
    items = [i for run in per_run for i in run]
    want = collections.Counter((k[1], k[2]) for _, _, k in items)
    judge.check(f"{name}: matrix moved by exactly the expected counts",
                delta == want, multiset_diff(delta.elements(),
                                             want.elements()))
    if nolog:
        return

    keys = [e["key"] for e in log]
    got = collections.Counter(keys)
    if cap is None:
        want_keys = collections.Counter(k for _, _, k in items)
        judge.check(f"{name}: log has exactly the expected entries",
                    got == want_keys,
                    multiset_diff(keys, list(want_keys.elements())))
    else:
        # Runs follow each other: the last run's entries are the newest.
        items = per_run[-1]
        last = collections.Counter(k for _, _, k in items)
        prev = collections.Counter(k for _, _, k in per_run[-2])
        head = collections.Counter(keys[:-len(items)])
        keys = keys[-len(items):]
        judge.check(f"{name}: log holds exactly {cap} entries (the ring size)",
                    len(log) == cap, f"{len(log)} entries")
        judge.check(f"{name}: its newest are the last run's, all of them",
                    collections.Counter(keys) == last,
                    multiset_diff(keys, list(last.elements())))
        judge.check(f"{name}: the rest are from the run before",
                    not (head - prev), str(list((head - prev).elements())))
    order = check_order(keys, items)
    judge.check(f"{name}: log keeps each socket's transitions in order",
                not order, order)

    # Each entry of a socket the driver held carries its SO_COOKIE (the
    # request socket's entry has a cookie of its own, not checked).  Up
    # to 6.x a child enters SYN_RECV as a copy of its listener, before
    # it has its own cookie: 0 there.
    cookies = collections.defaultdict(set)
    for run, (_, socks, _, _) in zip(per_run, runs):
        for role, hook, key in run:
            if hook == "request" or "cookie" not in socks.get(role, {}):
                continue
            copy = key[1:3] == ("LISTEN", "SYN_RECV") and \
                not CHILD_OWN_ENDPOINTS
            cookies[key].add(0 if copy else socks[role]["cookie"])
    wrong = [(e["key"], hex(e["cookie"])) for e in log
             if e["key"] in cookies and e["cookie"] not in cookies[e["key"]]]
    checked = sum(e["key"] in cookies for e in log)
    judge.check(f"{name}: each of {checked} entries of a held socket carries "
                "its SO_COOKIE", checked > 0 and not wrong, str(wrong[:4]))

    facts = runs[-1][2]
    if want_runs[-1] == "full-accept-queue":
        judge.check(f"{name}: the second SYN was dropped (ListenOverflows+1)",
                    facts.get("listen-overflows") == "1",
                    str(facts.get("listen-overflows")))
    if want_runs[-1] in ("simultaneous-close", "crossed-close"):
        judge.check(f"{name}: the client's FIN was held until the server"
                    " closed", facts.get("fin-held") == "yes")
    if want_runs[-1] == "crossed-close":
        judge.check(f"{name}: the client was held while the server's FIN"
                    " came", facts.get("c-held") == "yes")


def row_slot(line):
    """A /proc/tcpstates (format 2) row -> its matrix slot, or None."""
    f = line.split()
    if len(f) != 10 or f[0] not in ("tcp", "tcp6"):
        return None
    state, timer, idle = f[5], f[8], f[9]
    if state == "FIN_WAIT2" and timer.startswith("timewait("):
        return "TW_FIN_WAIT2"
    if state == "SYN_RECV" and idle == "-":
        return "NEW_SYN_RECV"        # a request socket
    return state


def conservation(counts):
    """Entries minus exits per slot, each cell counted for the socket
    object it concerns: a child (LISTEN -> SYN_RECV), a request (LISTEN
    -> NEW_SYN_RECV) and a timewait socket (X -> TIME_WAIT or
    TW_FIN_WAIT2, from a full socket's state) are born there, the
    listener or full socket does not leave; a request taken over by its
    child (NEW_SYN_RECV -> SYN_RECV) leaves, the child's entry is its own
    birth."""
    net = collections.Counter()
    for (frm, to), n in counts.items():
        birth = (frm == "LISTEN" and to in ("SYN_RECV", "NEW_SYN_RECV")) or \
            (to in ("TIME_WAIT", "TW_FIN_WAIT2") and frm != "TW_FIN_WAIT2")
        if not (frm == "NEW_SYN_RECV" and to == "SYN_RECV"):
            net[to] += n
        if not birth:
            net[frm] -= n
    return net


def judge_conservation(judge, sections, attached):
    if set(HOOKS) - attached:
        print(f"{judge.tag}# conservation not judged: hooks "
              f"{sorted(set(HOOKS) - attached)} unobserved")
        return
    for tag in ("", "-late", "-churn", "-churn-late"):
        name = "conservation" + (" under churn" if "churn" in tag else "") + \
            (" after TIME_WAIT expired" if tag.endswith("late") else "")
        try:
            _, _, before = parse_matrix(sections.get(f"conserve{tag}-before", []))
            _, _, after = parse_matrix(sections.get(f"conserve{tag}-after", []))
        except (ValueError, IndexError) as err:
            judge.check(f"{name}: matrices parse", False, str(err))
            continue
        judge.check(f"{name}: nothing changed across the rows' read",
                    before == after)
        rows = collections.Counter(
            s for s in map(row_slot, sections.get(f"conserve{tag}-rows", []))
            if s)
        net = conservation(after)
        slots = [s for s in STATES if s not in ("OTHER", "CLOSE")]
        bad = [f"{s}: {net[s]} in-out, {rows[s]} now" for s in slots
               if net[s] != rows[s]]
        judge.check(f"{name}: per state, entries minus exits equal the "
                    f"sockets in it ({sum(after.values())} transitions, "
                    f"{sum(rows.values())} sockets)", not bad, "; ".join(bad))
        if "churn" in tag:
            # Some 10 transitions a connection: the churn must have run.
            judge.check(f"{name}: the churn made connections",
                        sum(after.values()) >= 1000,
                        f"{sum(after.values())} transitions")
        if tag.endswith("late"):
            judge.check(f"{name}: every timewait socket ended (tw-end)",
                        rows["TIME_WAIT"] == 0 and rows["TW_FIN_WAIT2"] == 0
                        and after[("TIME_WAIT", "CLOSE")] > 0,
                        f"TIME_WAIT -> CLOSE {after[('TIME_WAIT', 'CLOSE')]}")


def judge_follow(judge, sections):
    """tcpstates --follow against the log it followed: the same entries
    in the same order, and each time in state as the man page defines
    it, worked out here from the log's own timestamps."""
    if "follow-out" not in sections:
        print(f"{judge.tag}# --follow not judged: no reader in the guest")
        return
    err = sections.get("follow-err", [])
    judge.check("--follow: ended by SIGTERM with exit status 0, no message",
                err == ["EXIT 0"], "; ".join(err))
    log = []
    for line in sections.get("follow-log", [])[2:]:
        m = LOG_ROW.match(line)
        if m:
            log.append(m)
    got = [line.split() for line in sections["follow-out"]]
    judge.check(f"--follow: a line per log entry ({len(log)} entries)",
                len(got) == len(log) and len(log) >= 20,
                f"{len(got)} lines, {len(log)} entries")
    last, want = {}, []
    for m in log:
        sec, nsec, proto, frm, to = m.group(1), m.group(2), m.group(4), \
            m.group(5), m.group(6)
        cookie = int(m.group(9), 16)
        ns = int(sec) * 10**9 + int(nsec)
        tw_from = frm in ("TIME_WAIT", "TW_FIN_WAIT2")
        tw_to = to in ("TIME_WAIT", "TW_FIN_WAIT2")
        key = ("tw" if tw_from else "full", cookie)
        since = last.get(key)
        if not cookie:
            shown = "-"
        else:
            shown = "-" if since is None or ns < since else \
                f"{(ns - since) // 10**6}.{(ns - since) // 1000 % 1000:03d}"
            if tw_to and not tw_from:
                last[("tw", cookie)] = ns
            else:
                last[key] = ns
        want.append([f"{sec}.{nsec[:6]}", proto, m.group(7), m.group(8),
                     frm, "->", to, shown, m.group(9)])
    bad = [(g, w) for g, w in zip(got, want) if g != w]
    judge.check("--follow: each line is its entry, with the time in the "
                "state it left worked out from the log", not bad and
                len(got) == len(want), str(bad[:3]))


def main():
    judge = Judge(os.environ.get("VM_TAG", ""))
    if len(sys.argv) != 2:
        print("usage: check_transitions.py RESULT_FILE", file=sys.stderr)
        return 2
    sections = read_sections(sys.argv[1])

    # What the kernel under test does when a child enters SYN_RECV
    # (KERNEL-NOTES.md, "Linux 7.x"): the release the guest reported.
    global CHILD_OWN_ENDPOINTS
    release = (sections.get("kernel") or ["?"])[0]
    m = re.match(r"^(\d+)\.\d+", release)
    judge.check("the guest reported its kernel release", m is not None,
                release)
    CHILD_OWN_ENDPOINTS = m is not None and int(m.group(1)) >= 7

    kprobes = sections.get("kprobes", ["?"])[0]
    try:
        _, hooks, _ = parse_matrix(sections.get("init-before", []))
    except (ValueError, IndexError) as err:
        judge.check("matrix file parses in the initial netns", False, str(err))
        hooks = {}
    for h in HOOKS:
        judge.check(f"hook {h} is listed", h in hooks)
    judge.check("the state tracepoint is attached",
                hooks.get("state", ("",))[0] == "attached",
                str(hooks.get("state")))
    # The functions each probe hook needs, any one of a list: the kernel
    # must have kprobes and a symbol for them (the guest lists those).
    symbols = set(sections.get("symbols", []))
    needs = {"timewait": [["inet_twsk_hashdance_schedule",
                           "inet_twsk_hashdance"]],
             "request": [["tcp_v4_send_synack"], ["tcp_v6_send_synack"]],
             "tw-substate": [["tcp_timewait_state_process"],
                             ["__inet_twsk_schedule"]],
             "tw-end": [["inet_twsk_kill"]],
             "request-end": [["inet_csk_complete_hashdance"],
                             ["__inet_csk_reqsk_queue_drop"]]}
    for h in HOOKS[1:]:
        st = hooks.get(h, ("",))[0]
        can = kprobes == "yes" and all(symbols & set(alt)
                                        for alt in needs[h])
        judge.check(f"the {h} hook is attached iff the kernel has kprobes"
                    f" ({kprobes}) and a symbol to probe"
                    f" ({'yes' if can else 'no'})",
                    st == ("attached" if can else "unobserved"),
                    str(hooks.get(h)))
    attached = {h for h in HOOKS if hooks.get(h, ("",))[0] == "attached"}

    for tag in SEQUENCES:
        seq = re.sub(r"-(6|mapped)$", "", tag)
        judge_sequence(judge, sections, tag, [seq], attached)
    judge_conservation(judge, sections, attached)
    judge_follow(judge, sections)
    # The ring test: the module reloaded with trans_ring_size=N.
    rings = [m for m in (re.match(r"^seq:ring(\d+):driver$", n)
                         for n in sections) if m]
    judge.check("the ring-size run is present", len(rings) == 1)
    for m in rings:
        judge_sequence(judge, sections, f"ring{m.group(1)}",
                       ["client-close"] * 3, attached, cap=int(m.group(1)))

    # The module reloaded with log=0: counting only, as exactly.
    judge.check("the log=0 run is present", "seq:nolog:driver" in sections)
    if "seq:nolog:driver" in sections:
        judge_sequence(judge, sections, "nolog",
                       ["client-close", "server-close"], attached,
                       nolog=True)

    try:
        _, _, init_before = parse_matrix(sections.get("init-before", []))
        _, _, init_after = parse_matrix(sections.get("init-after", []))
        judge.check("the initial netns's matrix did not move while other"
                    " netns ran the sequences", init_before == init_after,
                    multiset_diff(init_after.elements(),
                                  init_before.elements()))
    except (ValueError, IndexError) as err:
        judge.check("initial netns matrix parses", False, str(err))

    # After thousands of connections (the churn), no probe hit was lost.
    try:
        _, hooks, counts = parse_matrix(sections.get("churn-matrix", []))
        judge.check("the churn was counted", sum(counts.values()) > 0)
        for h in sorted(attached):
            judge.check(f"hook {h} missed no hit during the churn",
                        hooks[h][1] == "0", hooks[h][1])
    except (ValueError, IndexError, KeyError) as err:
        judge.check("churn matrix parses", False, str(err))

    print(f"passed={judge.passed} failed={judge.failed}")
    return 1 if judge.failed else 0


if __name__ == "__main__":
    sys.exit(main())
