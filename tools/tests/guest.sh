#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side checks of tools/tcpstates, run inside the test VM once
# /proc/tcpstates is live with sockets in every state, with a static
# tcpstates as /bin/tcpstates and the real ss(8) on $PATH.  POSIX sh: the
# guest's /bin/sh is dash, its commands busybox applets.
#
# Writes "ok NAME" / "not ok NAME" to fd 3, details of a failure to
# stdout (the console); exits 1 if anything failed.  It reads a stable
# socket set: the scenario holds its sockets far longer than this takes.
#
#   (a) tcpstates -s equals the module's own counter block;
#   (b) for each state, the (local, peer) address:port pairs of
#       "tcpstates -H state X" equal those of "ss -tanH state X";
#   (c) tcpstates --json parses (with jq, or at least is {...});
#   (d) with ss's flags (-t, -a, -l, -n, -o, -e, -4, -6, -f), the sockets
#       and states tcpstates shows are those ss shows;
#   (e) so with each expression of ss-expressions.txt (ss's filter
#       language), one check for all of them;
#   (f) -p names, for each socket, the processes ss -p names;
#   (g) -N NAME shows the sockets ss -N NAME shows;
#   (h) --check finds the CLOSE_WAIT sockets and full accept queues ss
#       shows.
#
# For tests of this script on the host, the environment may point it
# elsewhere: TCPSTATES (the tool), SS, JQ, TCPSTATES_FILE (a file for
# the tool and for (a) instead of /proc/tcpstates), SS_EXPRESSIONS
# (none: skip (e)), SS_PROCESSES (none: skip (f), whose owners are this
# machine's processes, not a file's), SS_NETNS (none: skip (g)) and
# SS_CHECK (none: skip (h)).

TCPSTATES=${TCPSTATES:-/bin/tcpstates}
SS=${SS:-ss}
JQ=${JQ:-jq}
gt_src=${TCPSTATES_FILE:-/proc/tcpstates}
gt_failed=0

gt_ok() { echo "ok tcpstates-tool: $*" >&3; }
gt_not_ok() {
	echo "not ok tcpstates-tool: $*" >&3
	gt_failed=1
}
gt_check() {
	gt_name=$1
	shift
	if "$@"; then gt_ok "$gt_name"; else gt_not_ok "$gt_name"; fi
}

# The tool on the live file, or on $TCPSTATES_FILE for host tests.
gt_tcps() {
	if [ -n "${TCPSTATES_FILE:-}" ]; then
		"$TCPSTATES" --file "$TCPSTATES_FILE" "$@"
	else
		"$TCPSTATES" "$@"
	fi
}

# The tool on the live file only (-N enters another netns, where
# $TCPSTATES_FILE means nothing).
gt_tcps_live() {
	"$TCPSTATES" "$@"
}

# Endpoints made comparable: ss prints a dual-stack wildcard address as
# "*", adds "%ifname" to an address bound to a device, and both print
# port 0 as "*".  Everything else (IPv4 a.b.c.d:port, IPv6 [addr]:port,
# v4-mapped [::ffff:a.b.c.d]:port) is written the same by both.
gt_norm='
function norm(ep,    host, port) {
	match(ep, /:[^:]*$/)
	host = substr(ep, 1, RSTART - 1)
	port = substr(ep, RSTART + 1)
	sub(/%.*/, "", host)
	if (host == "*")
		host = "[::]"
	if (port == "*")
		port = 0
	return host ":" port
}'

gt_tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$gt_tmp"' EXIT

# The sockets and states of tcpstates' mine.raw and ss's ss.raw (ss:
# State Recv-Q Send-Q Local Peer, in its own state words), sorted, into
# mine and theirs; bound (CLOSE) rows left out on both sides.  With
# "no-tw", timewait sockets too: TIME_WAIT rows, and those whose timer is
# the timewait one (ss must have been run with -o to show it).
gt_socket_sets() {
	gt_tw=${1:-}
	awk "$gt_norm"' $6 != "CLOSE" && (tw != "no-tw" || ($6 != "TIME_WAIT" &&
		$9 !~ /^timewait\(/)) { print norm($4), norm($5), $6 }' \
		tw="$gt_tw" "$gt_tmp/mine.raw" | sort >"$gt_tmp/mine"
	awk "$gt_norm"' tw == "no-tw" && ($1 == "TIME-WAIT" ||
		/timer:\(timewait/) { next }
		BEGIN {
		split("ESTAB ESTABLISHED SYN-SENT SYN_SENT SYN-RECV SYN_RECV " \
		      "FIN-WAIT-1 FIN_WAIT1 FIN-WAIT-2 FIN_WAIT2 TIME-WAIT " \
		      "TIME_WAIT CLOSE-WAIT CLOSE_WAIT LAST-ACK LAST_ACK " \
		      "LISTEN LISTEN CLOSING CLOSING", w, " ")
		for (i = 1; i in w; i += 2) name[w[i]] = w[i + 1] }
		$1 in name { print norm($4), norm($5), name[$1] }' \
		tw="$gt_tw" "$gt_tmp/ss.raw" | sort >"$gt_tmp/theirs"
}

# GT_PART=early: (a) to (c), which read the stable set the scenario
# holds, timewait sockets included; GT_PART=late: (d) to (h), which
# take long enough on a slow guest (arm64, debug kernels) for timewait
# sockets to expire, so the scenario runs them after its last comparison
# with its first read, and they leave timewait sockets out on both
# sides.  Unset: all of them.
GT_PART=${GT_PART:-all}

if [ "$GT_PART" != late ]; then

	# (a) The counts against the module's own block.  The block follows the
	# first blank line; -s prints its title and lines the same way.
	cat "$gt_src" >"$gt_tmp/snapshot"
	gt_tcps -s >"$gt_tmp/summary"
	gt_check "tcpstates -s exits 0" [ $? -eq 0 ]
	awk 'block { print $1, $2 } /^$/ { block = 1 }' "$gt_tmp/snapshot" >"$gt_tmp/block"
	awk '{ print $1, $2 }' "$gt_tmp/summary" >"$gt_tmp/counts"
	if [ -s "$gt_tmp/block" ] && cmp -s "$gt_tmp/block" "$gt_tmp/counts"; then
		gt_ok "tcpstates -s counts equal the module's counter block"
	else
		gt_not_ok "tcpstates -s counts equal the module's counter block"
		diff "$gt_tmp/block" "$gt_tmp/counts"
	fi

	# (b) The address pairs of each state against ss.  These are ss's words
	# (the oracle's vocabulary); "closed" is left out: a closed socket is in
	# no table ss can dump.
	for gt_word in established syn-sent syn-recv fin-wait-1 fin-wait-2 \
		       time-wait close-wait last-ack listening closing; do
		gt_name="state $gt_word: tcpstates -H pairs equal ss -tanH pairs"
		if ! gt_tcps -H state "$gt_word" >"$gt_tmp/mine.raw"; then
			gt_not_ok "$gt_name"
			echo "tcpstates -H state $gt_word failed"
			continue
		fi
		if ! "$SS" -tanH state "$gt_word" >"$gt_tmp/ss.raw"; then
			gt_not_ok "$gt_name"
			echo "ss -tanH state $gt_word failed"
			continue
		fi
		awk "$gt_norm"' { print norm($4), norm($5) }' "$gt_tmp/mine.raw" |
			sort >"$gt_tmp/mine"
		# Without a State column when one state is asked for; with it, not.
		awk "$gt_norm"' $1 ~ /^[0-9]+$/ { print norm($3), norm($4); next }
			NF >= 5 { print norm($4), norm($5) }' "$gt_tmp/ss.raw" |
			sort >"$gt_tmp/theirs"
		echo "guest: state $gt_word: $(wc -l <"$gt_tmp/mine") pairs from tcpstates, $(wc -l <"$gt_tmp/theirs") from ss"
		if cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
			gt_ok "$gt_name"
		else
			gt_not_ok "$gt_name"
			diff "$gt_tmp/mine" "$gt_tmp/theirs"
		fi
	done

	# (c) --json is one JSON document.
	gt_name="tcpstates --json parses"
	if ! gt_tcps --json >"$gt_tmp/json"; then
		gt_not_ok "$gt_name"
		echo "tcpstates --json failed"
	elif command -v "$JQ" >/dev/null 2>&1; then
		if "$JQ" -e 'type == "object"' "$gt_tmp/json" >/dev/null; then
			gt_ok "$gt_name"
		else
			gt_not_ok "$gt_name"
		fi
	else
		echo "guest: no jq: checking only that --json is {...}"
		gt_first=$(head -c 1 "$gt_tmp/json")
		gt_last=$(tail -c 2 "$gt_tmp/json" | head -c 1)
		gt_check "$gt_name" [ "$gt_first$gt_last" = "{}" ]
	fi

fi
[ "$GT_PART" != early ] || exit "$gt_failed"

# (d) ss's flags mean what they mean to ss: the sockets of "tcpstates
# FLAGS" are those of "ss FLAGS" (the state each shows, compared too).
# Bound (CLOSE) rows are left out: Debian 12's ss never lists them, 13's
# does when asked for all states; so are timewait sockets (a late check:
# they may expire between the two reads).
# Where the two releases' ss differ, tcpstates follows Debian 12's: from
# iproute2 6.8 on, ss's default set (its SS_CONN, all but four states)
# also holds its new kernel-only NEW_SYN_RECV bit, so "ss -t" lists
# request sockets (SYN-RECV) that "ss -t" of 6.1 does not.
gt_ss_ver=$("$SS" -V 2>/dev/null | sed -n 's/.*iproute2-\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
gt_ss_requests=no
# shellcheck disable=SC2086 # "MAJOR MINOR"
[ -n "$gt_ss_ver" ] && [ "$(printf '%d%03d' $gt_ss_ver)" -ge 6008 ] &&
	gt_ss_requests=yes
for gt_flags in -tH -taH -tlH -tanH -tnoeH -4tlH -6taH "-tHf inet6"; do
	gt_name="tcpstates $gt_flags: the sockets of ss $gt_flags"
	# shellcheck disable=SC2086 # split on purpose
	if ! gt_tcps $gt_flags >"$gt_tmp/mine.raw" ||
	   ! "$SS" $gt_flags -o >"$gt_tmp/ss.raw"; then
		gt_not_ok "$gt_name"
		echo "tcpstates or ss $gt_flags failed"
		continue
	fi
	case $gt_ss_requests$gt_flags in
	yes*a* | yes*l*) ;;
	yes*) { grep -v '^SYN-RECV ' "$gt_tmp/ss.raw" || :; } >"$gt_tmp/ss.req"
		mv "$gt_tmp/ss.req" "$gt_tmp/ss.raw" ;;
	esac
	gt_socket_sets no-tw
	echo "guest: $gt_flags: $(wc -l <"$gt_tmp/mine") sockets from tcpstates, $(wc -l <"$gt_tmp/theirs") from ss"
	if [ -s "$gt_tmp/mine" ] && cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
		gt_ok "$gt_name"
	else
		gt_not_ok "$gt_name"
		diff "$gt_tmp/mine" "$gt_tmp/theirs"
	fi
done

# (e) ss's expression language: for each line of $SS_EXPRESSIONS, the
# sockets (all states) and states of "tcpstates -taH EXPR" are those of
# "ss -taH EXPR".  Bound rows are left out, as in (d).
SS_EXPRESSIONS=${SS_EXPRESSIONS:-/bin/ss-expressions.txt}
gt_exprs=0
gt_bad=0
if [ "$SS_EXPRESSIONS" = none ]; then
	echo "guest: no ss expressions (SS_EXPRESSIONS=none)"
elif [ -r "$SS_EXPRESSIONS" ]; then
	set -f
	while IFS= read -r gt_expr; do
		case $gt_expr in '' | '#'*) continue ;; esac
		gt_exprs=$((gt_exprs + 1))
		if ! gt_tcps -taH "$gt_expr" >"$gt_tmp/mine.raw" 2>"$gt_tmp/err" ||
		   ! "$SS" -taoH "$gt_expr" >"$gt_tmp/ss.raw" 2>>"$gt_tmp/err"; then
			gt_bad=$((gt_bad + 1))
			echo "guest: expression '$gt_expr' failed: $(head -c 300 "$gt_tmp/err")"
			continue
		fi
		gt_socket_sets no-tw
		if ! cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
			gt_bad=$((gt_bad + 1))
			echo "guest: expression '$gt_expr': tcpstates and ss differ:"
			diff "$gt_tmp/mine" "$gt_tmp/theirs" | head -20
		fi
	done <"$SS_EXPRESSIONS"
	set +f
	echo "guest: $gt_exprs expressions, $gt_bad differ"
	gt_check "$gt_exprs ss expressions select the sockets ss selects" \
		[ "$gt_exprs" -ge 60 ] && [ "$gt_bad" -eq 0 ]
else
	gt_not_ok "ss expressions: $SS_EXPRESSIONS is readable"
fi

# (f) -p names the processes ss -p names, socket by socket: each
# socket's users, sorted, from both; "-" for a socket no process holds
# (a child not accepted yet).  Bound, timewait and SYN_RECV sockets are
# left out: ss 6.1 lists no bound ones, and SYN_RECV are request
# sockets in one, children in the other on some kernels.
gt_name="tcpstates -tanpH: the processes of ss -tanpH"
if [ "${SS_PROCESSES:-}" = none ]; then
	echo "guest: no -p check (SS_PROCESSES=none)"
elif gt_tcps -tanpH >"$gt_tmp/mine.raw" && "$SS" -tanpoH >"$gt_tmp/ss.raw"; then
	gt_users='
	function users(s,    n, i, u, out) {
		sub(/ timer:\(.*$/, "", s)	# -o adds it after the users
		sub(/ +$/, "", s)	# ss pads its last column
		if (!match(s, /users:\(.*\)$/))
			return "-"
		s = substr(s, RSTART + 7, RLENGTH - 8)
		n = split(s, u, /\),\(/)
		for (i = 1; i <= n; i++) { gsub(/^\(|\)$/, "", u[i]); list[i] = u[i] }
		for (i = 2; i <= n; i++)	# insertion sort: a handful
			for (j = i; j > 1 && list[j] < list[j - 1]; j--) {
				t = list[j]; list[j] = list[j - 1]; list[j - 1] = t }
		out = list[1]
		for (i = 2; i <= n; i++) out = out " " list[i]
		return out
	}'
	awk "$gt_norm$gt_users"' $6 != "CLOSE" && $6 != "TIME_WAIT" &&
		$6 != "SYN_RECV" && $9 !~ /^timewait\(/ {
		print norm($4), norm($5), users($0) }' "$gt_tmp/mine.raw" |
		sort >"$gt_tmp/mine"
	awk "$gt_norm$gt_users"' $1 != "UNCONN" && $1 != "TIME-WAIT" &&
		$1 != "SYN-RECV" && !/timer:\(timewait/ {
		print norm($4), norm($5), users($0) }' \
		"$gt_tmp/ss.raw" | sort >"$gt_tmp/theirs"
	echo "guest: -p: $(grep -vc ' -$' "$gt_tmp/mine") sockets with owners from tcpstates, $(grep -vc ' -$' "$gt_tmp/theirs") from ss"
	if grep -q 'pid=' "$gt_tmp/mine" && cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
		gt_ok "$gt_name"
	else
		gt_not_ok "$gt_name"
		diff "$gt_tmp/mine" "$gt_tmp/theirs" | head -20
	fi
else
	gt_not_ok "$gt_name"
	echo "tcpstates or ss -tanpH failed"
fi

# (g) -N NAME reads the named network namespace, as ss -N does: a
# listener made in one by "ip netns", and nothing of this namespace.
if [ "${SS_NETNS:-}" = none ]; then
	echo "guest: no -N check (SS_NETNS=none)"
else
	gt_name="tcpstates -N NAME: the sockets of ss -N NAME"
	gt_ns=tcpstates-guest
	ip netns add "$gt_ns" 2>/dev/null
	ip netns exec "$gt_ns" ip link set lo up
	ip netns exec "$gt_ns" nc -l -p 7777 >/dev/null 2>&1 &
	gt_nc=$!
	gt_i=0
	until "$SS" -N "$gt_ns" -tlnH | grep -q ':7777 ' || [ $gt_i -ge 50 ]; do
		sleep 0.1
		gt_i=$((gt_i + 1))
	done
	if gt_tcps_live -N "$gt_ns" -taH >"$gt_tmp/mine.raw" &&
	   "$SS" -N "$gt_ns" -taH >"$gt_tmp/ss.raw"; then
		gt_socket_sets
		if grep -q ':7777 ' "$gt_tmp/mine" &&
		   cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
			gt_ok "$gt_name"
		else
			gt_not_ok "$gt_name"
			diff "$gt_tmp/mine" "$gt_tmp/theirs"
		fi
	else
		gt_not_ok "$gt_name"
		echo "tcpstates or ss -N $gt_ns failed"
	fi
	kill "$gt_nc" 2>/dev/null
	ip netns del "$gt_ns"
fi

# (h) --check against ss: with thresholds of 0 every CLOSE_WAIT socket
# is a finding (ss -tan state close-wait lists them), and the listeners
# found are those whose queue ss -tln shows at 80% of its limit or over.
if [ "${SS_CHECK:-}" = none ]; then
	echo "guest: no --check check (SS_CHECK=none)"
else
	gt_name="tcpstates --check: the CLOSE_WAIT sockets and full queues ss shows"
	gt_tcps_live --check --close-wait 0 --ignore-bound >"$gt_tmp/check.out"
	gt_rc=$?
	awk "$gt_norm"' $2 == "close-wait" { sub(/:$/, "", $4); print norm($3), norm($4) }' \
		"$gt_tmp/check.out" | sort >"$gt_tmp/mine"
	"$SS" -tanH state close-wait | awk "$gt_norm"' { print norm($3), norm($4) }' |
		sort >"$gt_tmp/theirs"
	awk "$gt_norm"' $2 == "accept-queue" { lim = $9; sub(/[,:]$/, "", lim)
		print norm($3), $7, lim }' "$gt_tmp/check.out" >>"$gt_tmp/mine"
	# The share as the man page defines it: of a limit of 0, as of 1.
	"$SS" -tlnH | awk "$gt_norm"' $1 == "LISTEN" {
		if (int($2 * 100 / ($3 ? $3 : 1)) >= 80 || $2 > $3)
			print norm($4), $2, $3 }' >>"$gt_tmp/theirs"
	sort -o "$gt_tmp/mine" "$gt_tmp/mine"
	sort -o "$gt_tmp/theirs" "$gt_tmp/theirs"
	echo "guest: --check: $(wc -l <"$gt_tmp/mine") findings (status $gt_rc), $(wc -l <"$gt_tmp/theirs") from ss"
	if [ "$gt_rc" -le 2 ] && [ -s "$gt_tmp/mine" ] &&
	   cmp -s "$gt_tmp/mine" "$gt_tmp/theirs"; then
		gt_ok "$gt_name"
	else
		gt_not_ok "$gt_name"
		diff "$gt_tmp/mine" "$gt_tmp/theirs"
		cat "$gt_tmp/check.out"
	fi
fi

exit "$gt_failed"
