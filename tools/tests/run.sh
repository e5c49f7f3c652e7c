#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of tools/tcpstates (make -C tools check).  The whole suite
# runs three times: on the plain build, under valgrind, and on the
# ASan+UBSan build.  Each run checks
#   - the golden cases of cases.txt: exact stdout, stderr, exit status;
#   - --json with jq: one document, its fields, and the same sockets as
#     the input file;
#   - --prometheus line by line against the text exposition format;
#   - a generated file of $HUGE_ROWS sockets (200000): counts, filters,
#     and, on the plain build, that it streams within 8 MB of address
#     space, far less than the file;
#   - --watch on a FIFO whose content changes, and its end by SIGINT.
# Then, once: guest.sh (dash, busybox applets, a fake ss), shellcheck,
# the man page, install, the static build, and that no state name list
# other than the uapi one exists in the sources.
#
# Prints "ok NAME" / "not ok NAME" per assertion, then "passed=N failed=M";
# exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")" || exit 1

out=.out
HUGE_ROWS=${HUGE_ROWS:-200000}
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}
not_ok() { # NAME [DETAILS]
	echo "not ok $1"
	if [ -n "${2:-}" ]; then
		head -n 20 <<<"$2" | sed 's/^/#   /'
	fi
	failed=$((failed + 1))
}
# check NAME CMD...: CMD's success is the verdict; its output, the details.
check() {
	local name=$1
	shift
	if "$@" >"$out/check.log" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$(cat "$out/check.log")"
	fi
}
same_file() { diff -u "$1" "$2"; }
equal() { [ "$1" = "$2" ] || { echo "expected '$1', got '$2'"; false; }; }
need() { # TOOL PACKAGE: a tool the suite cannot do without
	check "$1 is installed (apt-get install $2)" command -v "$1"
}

# The uapi list of state names: the tests' reference, read from the
# header itself rather than from the tool they test.
uapi_names() {
	sed -n '/#define TCPS_STATE_NAMES/,/^}/p' ../../uapi/linux/tcpstates.h |
		grep -o '"[A-Z_0-9][A-Z_0-9]*"' | tr -d '"'
}

# Inputs that are no text files: made here, not committed.
make_inputs() {
	printf 'tcpstates 1: TCP sockets of net namespace 1\nProto Recv-Q Send-Q Local Address Foreign Address State UID Inode\ntcp 0 0 1.2.3.4:1\0 5.6.7.8:2 LISTEN 0 0\n' \
		>"$out/nul-byte.txt"
	printf 'tcpstates 1: TCP sockets of net namespace 1\nProto Recv-Q Send-Q Local Address Foreign Address State UID Inode\ntcp 0 0 \033[31m1.2.3.4:1 5.6.7.8:2 LISTEN 0 0\n' \
		>"$out/control-chars.txt"
	# A line of 500 KB: refused at 4 KiB, never held whole.
	{ printf 'tcpstates 1: TCP sockets of net namespace 1\nProto Recv-Q Send-Q Local Address Foreign Address State UID Inode\ntcp 0 0 '
	  head -c 500000 /dev/zero | tr '\0' 1; printf '\n'; } >"$out/long-line.txt"
	./gen-huge.sh "$HUGE_ROWS" >"$out/huge.txt"
}

# --- one flavour of the suite: RUN is the command that runs the tool ---

run_cases() {
	local fl=$1 name status stdin args rc want_err
	set -f	# ARGS are split at blanks, never globbed
	while read -r name status stdin args; do
		case $name in '' | '#'*) continue ;; esac
		[ "$stdin" = - ] && stdin=/dev/null
		# shellcheck disable=SC2086 # split on purpose
		"${RUN[@]}" $args <"$stdin" >"$out/$name.out" 2>"$out/$name.err"
		rc=$?
		check "$fl: $name: exit status $status" equal "$status" "$rc"
		want_err=golden/$name.err
		[ -f "$want_err" ] || want_err=/dev/null
		if [ -f "golden/$name.out" ]; then
			check "$fl: $name: stdout" same_file "golden/$name.out" "$out/$name.out"
		else
			check "$fl: $name: stdout" same_file /dev/null "$out/$name.out"
		fi
		check "$fl: $name: stderr" same_file "$want_err" "$out/$name.err"
	done <cases.txt
	set +f
	if [ ! -e /proc/tcpstates ]; then
		"${RUN[@]}" >"$out/nomod.out" 2>"$out/nomod.err"
		check "$fl: module not loaded: exit status 1" equal 1 "$?"
		check "$fl: module not loaded: says so" same_file golden/module-not-loaded.err "$out/nomod.err"
	fi
}

json_checks() {
	local fl=$1 f j keys
	keys='["proto","recv_q","send_q","local_address","local_port","remote_address","remote_port","state","uid","inode"]'
	for f in normal every spacing extra-columns no-sockets; do
		j=$out/$f.json
		"${RUN[@]}" --json --file "fixtures/$f.txt" >"$j" 2>&1
		check "$fl: --json of $f.txt is one JSON document" \
			jq -e -s 'length == 1 and (.[0] | type) == "object"' "$j"
		check "$fl: --json of $f.txt: sockets, counts and total agree" \
			jq -e '.format_version == 1 and (.netns | type) == "number" and
				(.sockets | length) == .total and
				([.counts[]] | add) == .total' "$j"
		check "$fl: --json of $f.txt: every socket has the fields, in order" \
			jq -e "[.sockets[] | keys_unsorted == $keys] | all" "$j"
		check "$fl: --json of $f.txt: counts name every uapi state, in order" \
			equal "$(uapi_names | paste -sd ' ')" \
			"$(jq -r '.counts | keys_unsorted | join(" ")' "$j")"
		# The sockets again, from the input by awk: brackets off, * is 0.
		jq -r '.sockets[] | [.proto, .recv_q, .send_q, .local_address,
			.local_port, .remote_address, .remote_port, .state, .uid,
			.inode] | join(" ")' "$j" >"$out/$f.json.rows"
		awk '{ sub(/\r$/, "") } NR > 2 && NF == 0 { exit } NR > 2 {
			for (i = 4; i <= 5; i++) {
				n = split($i, p, ":"); port = p[n]
				addr = substr($i, 1, length($i) - length(port) - 1)
				gsub(/^\[|\]$/, "", addr)
				$i = addr " " (port == "*" ? 0 : port)
			}
			print $1, $2, $3, $4, $5, $6, $7, $8 }' "fixtures/$f.txt" \
			>"$out/$f.awk.rows"
		check "$fl: --json of $f.txt: the sockets are the file's rows" \
			same_file "$out/$f.awk.rows" "$out/$f.json.rows"
	done
	# Format 2: Timer and Idle as objects, the same figures as the file.
	j=$out/format2.json
	"${RUN[@]}" --json --file fixtures/format2.txt >"$j"
	check "$fl: --json of format2.txt: every socket has timer and idle last" \
		jq -e "[.sockets[] | keys_unsorted == $keys + [\"timer\", \"idle\"]] | all" "$j"
	jq -r '.sockets[] | [.timer.name, .timer.seconds, .timer.retransmits,
		.timer.probes, (.idle | if . == null then "-" else
		"\(.received_seconds)/\(.sent_seconds)" end)] | join(" ")' "$j" \
		>"$out/format2.json.timers"
	# jq prints 0.5 for 0.500: the file's figures, as numbers, likewise.
	awk -v OFMT=%.10g 'NR > 2 && NF == 0 { exit } NR > 2 {
		split($9, t, /[()\/]/)
		idle = $10
		if (idle != "-") { split(idle, i, "/"); idle = (i[1] + 0) "/" (i[2] + 0) }
		print t[1], t[2] + 0, t[3], t[4], idle }' fixtures/format2.txt \
		>"$out/format2.awk.timers"
	check "$fl: --json of format2.txt: timers and idle times are the file's" \
		same_file "$out/format2.awk.timers" "$out/format2.json.timers"
	"${RUN[@]}" --json --file fixtures/normal.txt >"$out/spec.json"
	check "$fl: --json: the first socket of the sample reads as documented" \
		equal '{"proto":"tcp","recv_q":0,"send_q":0,"local_address":"127.0.0.1","local_port":5001,"remote_address":"0.0.0.0","remote_port":0,"state":"LISTEN","uid":0,"inode":2100}' \
		"$(jq -c '.sockets[0]' "$out/spec.json")"
	"${RUN[@]}" --json -s -6 --file fixtures/every.txt >"$out/s.json"
	check "$fl: --json -s: counts only, of the selected sockets" \
		jq -e '(has("sockets") | not) and .total == 6 and .counts.LISTEN == 2' "$out/s.json"
	"${RUN[@]}" -s --json -w 0.01 -c 3 --file fixtures/every.txt >"$out/w.json"
	check "$fl: --json -w: one document per sample" \
		jq -e -s 'length == 3 and .[0].delta == null and
			.[2].total_delta == 0 and ([.[].sample] == [1, 2, 3])' "$out/w.json"
}

# The text exposition format, line by line, and what the metrics say:
# every state once, adding up to the file's Total; the transition
# counters as in the file; then promtool, the format's own checker.
prom_checks() {
	local fl=$1 f args labels total
	labels=$(uapi_names | tr '[:upper:]' '[:lower:]' | paste -sd ' ')
	for args in "--file fixtures/every.txt" "--file fixtures/no-sockets.txt" \
		    "-6 --sport 6001 --file fixtures/every.txt" \
		    "--file fixtures/format2.txt --transitions-file fixtures/transitions.txt" \
		    "state connected --file fixtures/format2.txt --transitions-file fixtures/transitions-unobserved.txt"; do
		f=$out/prom.txt
		# shellcheck disable=SC2086 # split on purpose
		"${RUN[@]}" --prometheus $args >"$f"
		check "$fl: --prometheus $args: exit status 0" equal 0 "$?"
		# shellcheck disable=SC2086 # split on purpose
		total=$("${RUN[@]}" -s -H ${args%% --transitions-file*} 2>/dev/null |
			awk '$1 == "Total" { print $2 }')
		# shellcheck disable=SC2016 # an awk program
		check "$fl: --prometheus $args: every line is valid exposition text" \
			awk -v labels="$labels" -v total="$total" '
			function fail(why) { print "line " NR ": " why ": " $0; bad = 1 }
			/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* [^ ]/ { help[$3] = 1; next }
			/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (gauge|counter)$/ {
				if (!($3 in help)) fail("TYPE before HELP")
				if (($4 == "counter") != ($3 ~ /_total$/)) fail("a counter, and only a counter, ends in _total")
				type[$3] = 1; next }
			/^[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*",)*[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"\} [0-9]+$/ {
				name = $1; sub(/\{.*/, "", name)
				if (!(name in type)) fail("sample before its TYPE")
				if (!match($0, /netns="[0-9]+"/)) fail("no netns label")
				series = $0; sub(/ [0-9]+$/, "", series)
				if (key[series]++) fail("a series twice")
				if (name == "tcpstates_sockets") {
					if (!match($0, /state="[a-z_0-9]+"/)) { fail("no state label"); next }
					st = substr($0, RSTART + 7, RLENGTH - 8)
					seen[st]++; sum += $NF
				} else if (name == "tcpstates_transitions_total") {
					if (!match($0, /from="[a-z_0-9]+",to="[a-z_0-9]+"/)) fail("no from and to")
				} else if (name !~ /^tcpstates_transition_hook_(attached|missed_total)$/) {
					fail("unexpected metric")
				}
				next }
			{ fail("not exposition text") }
			END {
				n = split(labels, want, " ")
				for (i = 1; i <= n; i++)
					if (seen[want[i]] != 1) fail("state " want[i] " present " seen[want[i]] + 0 " times")
				for (st in seen) if (index(" " labels " ", " " st " ") == 0) fail("unknown state " st)
				if (sum != total) fail("states add up to " sum ", the file says " total)
				exit bad }' "$f"
		if [ -n "$PROMTOOL" ]; then
			# shellcheck disable=SC2016 # sh -c's program
			check "$fl: --prometheus $args: promtool check metrics finds nothing" \
				sh -c '"$1" check metrics <"$2" 2>&1 | tee /dev/stderr | grep -q . && exit 1; exit 0' - "$PROMTOOL" "$f"
		fi
	done
	# The transition counters are the file's pairs, one for one.
	"${RUN[@]}" --prometheus --file fixtures/format2.txt \
		--transitions-file fixtures/transitions.txt >"$f"
	check "$fl: --prometheus: tcpstates_transitions_total is the file's From To Count" \
		same_file <(awk '/^From/ { on = 1; next } on { print tolower($1), tolower($2), $3 }' \
				fixtures/transitions.txt) \
			<(sed -n 's/^tcpstates_transitions_total{netns="[0-9]*",from="\([a-z_0-9]*\)",to="\([a-z_0-9]*\)"} /\1 \2 /p' "$f")
}

huge_checks() {
	local fl=$1 h=$out/huge.txt want
	"${RUN[@]}" -s --file "$h" >"$out/huge.s"
	check "$fl: huge ($HUGE_ROWS rows): -s exits 0" equal 0 "$?"
	sed -n '/^State/,$p' "$h" >"$out/huge.block"
	check "$fl: huge: -s is the file's counter block" same_file "$out/huge.block" "$out/huge.s"
	want=$(awk '$6 == "ESTABLISHED" && $1 == "tcp6"' "$h" | wc -l)
	check "$fl: huge: -6 state established selects the rows awk finds" \
		equal "$want" "$("${RUN[@]}" -H -6 state established --file "$h" | wc -l)"
	want=$(awk '$4 ~ /:1024$/' "$h" | wc -l)
	check "$fl: huge: --sport 1024 -s counts the rows awk finds" \
		equal "$want" "$("${RUN[@]}" --sport 1024 -s --file "$h" | awk '$1 == "Total" { print $2 }')"
	[ "$fl" = valgrind ] && return	# the rest is slow under valgrind
	check "$fl: huge: every row is listed" \
		equal "$HUGE_ROWS" "$("${RUN[@]}" -H --file "$h" | wc -l)"
	check "$fl: huge: --json has every socket" \
		equal "$HUGE_ROWS" "$("${RUN[@]}" --json --file "$h" | jq '.sockets | length')"
	check "$fl: huge: read from stdin" \
		same_file "$out/huge.block" <("${RUN[@]}" -s --file - <"$h")
	if [ "$fl" = plain ]; then
		# Streaming: 8 MB of address space for a 20 MB file and more.
		check "$fl: huge: streams in 8 MB of address space" \
			bash -c 'ulimit -v 8192 && "$@" >/dev/null' - "${RUN[@]}" -H --file "$h"
	fi
}

# A FIFO whose writer sends three different files, one per sample.
watch_checks() {
	local fl=$1 fifo=$out/fifo writer pid i
	rm -f "$fifo"
	mkfifo "$fifo"
	(
		for f in normal every normal; do
			cat "fixtures/$f.txt" >"$fifo"
			sleep 0.5	# the reader closes before the next open
		done
	) &
	writer=$!
	timeout 60 "${RUN[@]}" -s -w 0.01 -c 3 --file "$fifo" >"$out/watch-fifo.out" 2>&1
	check "$fl: --watch on a changing file: exit status 0" equal 0 "$?"
	check "$fl: --watch on a changing file: counts and deltas" \
		same_file golden/watch-fifo.out "$out/watch-fifo.out"
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null

	# SIGINT ends a watch with status 0 after whole samples.  The signal
	# goes only once the first sample is out: the handler is set by then.
	"${RUN[@]}" -s -w 0.05 --file fixtures/every.txt >"$out/watch-int.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		grep -q '^Total' "$out/watch-int.out" && break
		sleep 0.05
	done
	sleep 0.2
	kill -INT "$pid"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	wait "$pid"
	check "$fl: --watch ends on SIGINT with exit status 0" equal 0 "$?"
	# shellcheck disable=SC2016 # an awk program
	check "$fl: --watch printed whole samples until SIGINT" \
		awk 'END { if (NR < 13 || NR % 14 != 13 || $1 != "Total") exit 1 }' \
		"$out/watch-int.out"
}

# Damaged copies of a good file (cut, one byte changed, bytes removed),
# the same ones every run: never a crash nor a sanitizer report, always
# status 0 or 3, and 3 always with a FILE:LINE message.
fuzz_checks() { # FLAVOUR COUNT
	local fl=$1 n=$2 f=$out/fuzz.txt base=fixtures/every.txt
	local size i pos rc bad="" byte
	local -a modes=("-s" "--json" "-H" "--prometheus" "-6 state connected")
	size=$(stat -c %s "$base")
	RANDOM=1
	for ((i = 0; i < n; i++)); do
		pos=$(((RANDOM * 32768 + RANDOM) % size))
		case $((RANDOM % 3)) in
		0) head -c "$pos" "$base" >"$f" ;;
		1)
			byte=$(printf '\\%03o' $((RANDOM % 256)))
			{
				head -c "$pos" "$base"
				printf '%b' "$byte"
				tail -c +$((pos + 2)) "$base"
			} >"$f"
			;;
		2)
			{
				head -c "$pos" "$base"
				tail -c +$((pos + 2 + RANDOM % 40)) "$base"
			} >"$f"
			;;
		esac
		# shellcheck disable=SC2086 # split on purpose
		"${RUN[@]}" ${modes[i % ${#modes[@]}]} --file "$f" >/dev/null 2>"$out/fuzz.err"
		rc=$?
		if { [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; } ||
		   grep -q 'Sanitizer\|runtime error' "$out/fuzz.err" ||
		   { [ "$rc" -eq 3 ] && ! grep -q "^tcpstates: $f:[0-9]*: " "$out/fuzz.err"; }; then
			cp "$f" "$out/fuzz-failed-$i.txt"
			bad+="input $i (kept as $out/fuzz-failed-$i.txt): status $rc"$'\n'
		fi
	done
	check "$fl: fuzz: $n damaged inputs: status 0 or 3 with FILE:LINE, no crash" \
		equal "" "$bad"
}

suite() { # FLAVOUR COMMAND...
	local fl=$1
	shift
	RUN=("$@")
	run_cases "$fl"
	json_checks "$fl"
	prom_checks "$fl"
	huge_checks "$fl"
	watch_checks "$fl"
	if [ "$fl" = valgrind ]; then
		fuzz_checks "$fl" 40
	else
		fuzz_checks "$fl" 300
	fi
}

# --- once ---

guest_checks() {
	local bb=$out/busybox dash a rc
	dash=$(command -v dash)
	mkdir -p "$bb"
	# The guest's commands are busybox applets under dash: so here.
	for a in awk sort cmp cat head tail mktemp rm diff wc sed; do
		ln -sf "$(command -v busybox)" "$bb/$a"
	done
	check "guest.sh: dash -n" dash -n guest.sh
	guest() { # FD3-FILE SS-DATA JQ
		PATH=$PWD/$bb JQ=$3 TCPSTATES=$PWD/../tcpstates \
			SS=$PWD/fake-ss.sh FAKE_SS_DATA=$2 SS_EXPRESSIONS=none SS_PROCESSES=none SS_NETNS=none SS_CHECK=none \
			TCPSTATES_FILE=guest-fixture/tcpstates.txt \
			"$dash" guest.sh 3>"$1" >"$1.console" 2>&1
	}
	guest "$out/guest.ok" guest-fixture/ss.txt jq
	rc=$?
	check "guest.sh: against a matching ss: exit status 0" equal 0 "$rc"
	check "guest.sh: against a matching ss: 21 ok, nothing else" \
		equal "21 21" "$(grep -c '^ok ' "$out/guest.ok") $(wc -l <"$out/guest.ok")"
	guest "$out/guest.wrong" guest-fixture/ss-wrong.txt jq
	rc=$?
	check "guest.sh: against an ss that differs: exit status 1" equal 1 "$rc"
	# (The flag checks leave timewait sockets out.)
	check "guest.sh: against an ss that differs: only time-wait is not ok" \
		equal "not ok tcpstates-tool: state time-wait: tcpstates -H pairs equal ss -tanH pairs" \
		"$(grep -v '^ok ' "$out/guest.wrong")"
	guest "$out/guest.nojq" guest-fixture/ss.txt /nonexistent/jq
	rc=$?
	check "guest.sh: without jq: exit status 0" equal 0 "$rc"
	check "guest.sh: without jq: falls back to the {...} check" \
		grep -q 'no jq' "$out/guest.nojq.console"
	printf 'tcpstates 1: TCP sockets of net namespace 1\n' >"$out/guest-truncated.txt"
	PATH=$PWD/$bb TCPSTATES=$PWD/../tcpstates SS=$PWD/fake-ss.sh \
		FAKE_SS_DATA=guest-fixture/ss.txt SS_EXPRESSIONS=none SS_PROCESSES=none SS_NETNS=none SS_CHECK=none \
		TCPSTATES_FILE=$out/guest-truncated.txt \
		"$dash" guest.sh 3>"$out/guest.bad" >/dev/null 2>&1
	check "guest.sh: a broken file fails (a)" \
		grep -qx 'not ok tcpstates-tool: tcpstates -s exits 0' "$out/guest.bad"
}

static_checks() {
	if command -v shellcheck >/dev/null; then
		check "shellcheck: run.sh" shellcheck -x run.sh
		check "shellcheck -s sh: guest.sh fake-ss.sh gen-huge.sh" \
			shellcheck -s sh guest.sh fake-ss.sh gen-huge.sh
	else
		echo "# skip shellcheck: not installed (apt-get install shellcheck)"
	fi
	check "man page: groff -man -ww reports nothing" \
		bash -c '! groff -man -ww -z -t ../tcpstates.8 2>&1 | grep .'
	for a in NAME SYNOPSIS DESCRIPTION OPTIONS '"STATE FILTERS"' \
		 EXPRESSIONS OUTPUT STATES '"EXIT STATUS"' FILES EXAMPLES '"SEE ALSO"'; do
		check "man page: has section $a" grep -qx ".SH $a" ../tcpstates.8
	done
	# Its STATES are --explain's paragraphs, word for word.
	check "man page: STATES says what --explain says" same_file \
		<(../tcpstates --explain | tr -s ' ' '\n' | grep .) \
		<(sed -n '/^\.SH STATES$/,/^\.SH "EXIT STATUS"$/p' ../tcpstates.8 |
			sed -e '1,4d' -e '$d' -e '/^\.TP$/d' -e 's/^\.B //' \
			    -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\\\/\\/g' |
			tr -s ' ' '\n' | grep .)
	# Every long option of --help is in the man page.
	for a in $(../tcpstates --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		check "man page: documents $a" grep -q -- "${a//-/\\\\-}" ../tcpstates.8
	done
	rm -rf "$out/root"
	check "make install PREFIX=/usr/local DESTDIR=..." \
		make -s -C .. install PREFIX=/usr/local DESTDIR="$PWD/$out/root"
	check "install: the binary in bin/, mode 0755" \
		equal 755 "$(stat -c %a "$out/root/usr/local/bin/tcpstates")"
	check "install: the man page in share/man/man8, mode 0644" \
		equal 644 "$(stat -c %a "$out/root/usr/local/share/man/man8/tcpstates.8")"
	check "install: the timer and service in lib/systemd/system, mode 0644" \
		equal "644 644" "$(stat -c %a "$out/root/usr/local/lib/systemd/system/tcpstates-textfile."{service,timer} | paste -sd ' ')"
	check "install: the service runs the installed binary" \
		grep -qx 'ExecStart=/usr/local/bin/tcpstates --prometheus --output /var/lib/prometheus/node-exporter/tcpstates.prom' \
		"$out/root/usr/local/lib/systemd/system/tcpstates-textfile.service"
	if command -v systemd-analyze >/dev/null; then
		# The units as installed, pointing at this build of the tool.
		mkdir -p "$out/units"
		sed "s|@BINDIR@|$PWD/..|" ../systemd/tcpstates-textfile.service.in \
			>"$out/units/tcpstates-textfile.service"
		cp ../systemd/tcpstates-textfile.timer "$out/units/"
		check "systemd-analyze verify: the timer and the service" \
			systemd-analyze verify --man=no "$out/units/tcpstates-textfile.service" \
			"$out/units/tcpstates-textfile.timer"
	fi
	check "make static" make -s -C .. static
	check "static: no program interpreter" \
		bash -c '! readelf -l ../tcpstates-static | grep -q "program interpreter"'
	check "static: reads the sample" \
		same_file golden/normal.out <(../tcpstates-static --file fixtures/normal.txt)
	# The uapi list is the only list of state names in the tool.
	local name hits=""
	for name in $(uapi_names); do
		hits+=$(grep -n "\"$name\"" ../*.[ch])
	done
	check "no state name spelled out in the tool's sources" equal "" "$hits"
}

# -p against this machine's own processes: a listener a python3 process
# holds, in a file made for its inode, against ss -p's view of it; then
# as user nobody, who may not look into root's descriptors.
processes_checks() {
	local fx=$out/owned.txt port ino fd pid want theirs
	coproc HOLDER { exec python3 -c 'import os, socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], os.fstat(s.fileno()).st_ino, s.fileno(), flush=True)
time.sleep(60)'; }
	read -r port ino fd <&"${HOLDER[0]}"
	pid=$HOLDER_PID
	{
		echo "tcpstates 2: TCP sockets of net namespace 1"
		echo "Proto Recv-Q Send-Q Local Address Foreign Address State UID Inode Timer Idle"
		echo "tcp 0 0 127.0.0.1:$port 0.0.0.0:* LISTEN 0 $ino off(0.000/0/0) -"
		echo "tcp 0 0 127.0.0.1:1 127.0.0.1:2 TIME_WAIT 0 0 timewait(1.000/0/0) -"
		printf '\nState Count\n'
		uapi_names | awk '{ print $1, ($1 == "LISTEN" || $1 == "TIME_WAIT") }'
		echo "Total 2"
	} >"$fx"
	want="users:((\"python3\",pid=$pid,fd=$fd))"
	check "-p: the holder of a listener, as ss -p writes it" \
		equal "$want" "$(../tcpstates -p -H --file "$fx" | head -1 | awk '{ print $NF }')"
	theirs=$(ss -tlnpH "sport = :$port" | grep -o 'users:.*')
	check "-p: the same as ss -tlnp says" equal "$want" "$theirs"
	check "-p: a timewait socket (inode 0) has no owner" \
		equal "-" "$(../tcpstates -p -H --file "$fx" | tail -1 | awk '{ print $NF }')"
	check "-p --json: users, an array of command, pid, fd" \
		equal "[{\"command\":\"python3\",\"pid\":$pid,\"fd\":$fd}] []" \
		"$(../tcpstates -p --json --file "$fx" | jq -c '.sockets[].users' | paste -sd ' ')"
	if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
		check "-p as nobody: root's process is not shown, and no error" \
			equal "- 0" "$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
				../tcpstates -p -H --file "$fx" | head -1 | awk '{ print $NF }') $?"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# --output: the file is the output, whole; a failed run keeps the old
# one and leaves nothing beside it.
output_checks() {
	local f=$out/out.prom
	rm -f "$f" "$f".tmp.*
	../tcpstates --prometheus --file fixtures/format2.txt --output "$f"
	check "--output: exit status 0" equal 0 "$?"
	check "--output: the file is what stdout would have been" \
		same_file "$f" <(../tcpstates --prometheus --file fixtures/format2.txt)
	check "--output: mode 0644" equal 644 "$(stat -c %a "$f")"
	../tcpstates --prometheus --file fixtures/bad-state.txt --output "$f" 2>/dev/null
	check "--output: a malformed input fails (3)" equal 3 "$?"
	check "--output: ... and the old file stays" \
		same_file "$f" <(../tcpstates --prometheus --file fixtures/format2.txt)
	check "--output: ... and no temporary file is left" \
		equal "" "$(ls "$f".tmp.* 2>/dev/null)"
	../tcpstates --file fixtures/normal.txt --output "$out/no/such/dir/x" 2>/dev/null
	check "--output into a missing directory: exit status 1" equal 1 "$?"
	../tcpstates -w 1 --file fixtures/normal.txt --output "$f" 2>/dev/null
	check "--output with --watch: usage error" equal 2 "$?"
}

# The real node_exporter's textfile collector over three of our files in
# one directory (IPv4, IPv6, everything): it must take every series of
# each (none dropped as a duplicate), report no scrape error, and serve
# the counts tcpstates -s gives.
node_exporter_checks() {
	local dir=$out/textfile port pid metrics n f
	[ -n "$NODE_EXPORTER" ] || return
	rm -rf "$dir"
	mkdir -p "$dir"
	f=fixtures/format2.txt
	../tcpstates --prometheus -4 --file $f --output "$dir/v4.prom"
	../tcpstates --prometheus -6 --file $f --output "$dir/v6.prom"
	../tcpstates --prometheus --file $f --transitions-file fixtures/transitions.txt \
		--output "$dir/all.prom"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$NODE_EXPORTER" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$dir" \
		--web.listen-address="127.0.0.1:$port" >"$out/node_exporter.log" 2>&1 &
	pid=$!
	metrics=$(python3 - "$port" <<-'PY'
		import sys, time, urllib.request
		for _ in range(100):
		    try:
		        url = "http://127.0.0.1:%s/metrics" % sys.argv[1]
		        print(urllib.request.urlopen(url, timeout=5).read().decode())
		        break
		    except OSError:
		        time.sleep(0.1)
	PY
	)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check "node_exporter: scraped" grep -q '^node_textfile_scrape_error' <<<"$metrics"
	check "node_exporter: no textfile scrape error" \
		grep -qx 'node_textfile_scrape_error 0' <<<"$metrics"
	n=$(grep -c '^tcpstates_sockets{' <<<"$metrics")
	check "node_exporter: all 33 state series of the three files kept" equal 33 "$n"
	check "node_exporter: the IPv4 file's established count is tcpstates -s -4's" \
		equal "$(../tcpstates -s -H -4 --file $f | awk '$1 == "ESTABLISHED" { print $2 }')" \
		"$(sed -n 's/^tcpstates_sockets{filter="-4",netns="[0-9]*",state="established"} //p' <<<"$metrics")"
	check "node_exporter: the transition counters are served" \
		equal "$(awk '/^From/ { on = 1; next } on' fixtures/transitions.txt | wc -l)" \
		"$(grep -c '^tcpstates_transitions_total{' <<<"$metrics")"
}

# --check on this machine's own sockets: a listener with backlog 1 and
# two connections nobody accepts (its queue over its limit: the kernel
# queues one more than the backlog, then drops SYNs), in a file
# made for its inode; the queue and limit are inet_diag's, as ss -tln
# shows them.  Then the statuses a monitoring system reads.
check_checks() {
	local fx=$out/check.txt port ino want theirs rc
	coproc QUEUE { exec python3 -c 'import os, socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
cs = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
time.sleep(0.5)
print(port, os.fstat(s.fileno()).st_ino, flush=True)
time.sleep(60)'; }
	read -r port ino <&"${QUEUE[0]}"
	{
		echo "tcpstates 2: TCP sockets of net namespace 1"
		echo "Proto Recv-Q Send-Q Local Address Foreign Address State UID Inode Timer Idle"
		echo "tcp 2 0 127.0.0.1:$port 0.0.0.0:* LISTEN 0 $ino off(0.000/0/0) -"
		echo "tcp 1 0 127.0.0.1:1 127.0.0.1:2 CLOSE_WAIT 0 0 off(0.000/0/0) 30.000/30.000"
		printf '\nState Count\n'
		uapi_names | awk '{ print $1, ($1 == "LISTEN" || $1 == "CLOSE_WAIT") }'
		echo "Total 2"
	} >"$fx"
	theirs=$(ss -tlnH "sport = :$port" | awk '{ print $2 " of " $3 }')
	want="CRITICAL accept-queue 127.0.0.1:$port 0.0.0.0:*: accept queue $theirs, full (new handshakes are dropped): the application does not accept() fast enough users:((\"python3\",pid=$QUEUE_PID,fd=3))"
	../tcpstates --check --file "$fx" >"$out/check.out"
	rc=$?
	check "--check: a listener over its limit is CRITICAL, exit status 2" \
		equal 2 "$rc"
	check "--check: its queue and limit are those ss -tln shows ($theirs)" \
		equal "$want" "$(grep accept-queue "$out/check.out")"
	# shellcheck disable=SC2016 # bash -c's program
	check "--check: a CLOSE_WAIT idle 30 s is no finding at 60 s" \
		bash -c '! grep -q close-wait "$1"' - "$out/check.out"
	../tcpstates --check --close-wait 20,40 --file "$fx" >"$out/check.out"
	check "--check --close-wait 20,40: the CLOSE_WAIT idle 30 s is a WARNING" \
		grep -qx 'WARNING close-wait 127.0.0.1:1 127.0.0.1:2: idle 30.000 s: the peer closed, the application never did' \
		"$out/check.out"
	../tcpstates --check --close-wait 20,25 --accept-queue 100 --file "$fx" |
		tail -1 >"$out/check.out"
	check "--check: the summary line counts the findings" \
		equal "CRITICAL: 2 critical, 0 warnings, of 2 sockets" "$(cat "$out/check.out")"
	../tcpstates --check --prometheus --close-wait 20 --file "$fx" >"$out/check.prom"
	check "--check --prometheus: exit status 0, the findings as gauges" \
		equal "0 1 1" "$? $(grep -c 'check="accept-queue",severity="critical"} 1$' "$out/check.prom") $(grep -c 'check="close-wait",severity="warning"} 1$' "$out/check.prom")"
	if [ -n "$PROMTOOL" ]; then
		# shellcheck disable=SC2016 # bash -c's program
		check "--check --prometheus: promtool finds nothing" \
			bash -c '! "$1" check metrics <"$2" 2>&1 | grep .' - "$PROMTOOL" "$out/check.prom"
	fi
	../tcpstates --check --file fixtures/does-not-exist 2>/dev/null
	check "--check: a file that cannot be read is UNKNOWN (3)" equal 3 "$?"
	../tcpstates --check --close-wait x 2>/dev/null
	check "--check: a bad command line is UNKNOWN (3)" equal 3 "$?"
	kill "$QUEUE_PID" 2>/dev/null
	wait "$QUEUE_PID" 2>/dev/null
}

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' ../../dkms.conf)
check "-V prints dkms.conf's version" \
	equal "tcpstates $version (reads format versions 1 to 2)" "$(../tcpstates -V)"
need jq jq
need valgrind valgrind
PROMTOOL=${PROMTOOL:-$(command -v promtool || true)}
check "promtool is available (PROMTOOL=\$(tests/prom-tool.sh promtool))" test -n "$PROMTOOL"
NODE_EXPORTER=${NODE_EXPORTER:-$(command -v node_exporter || true)}
check "node_exporter is available (NODE_EXPORTER=\$(tests/prom-tool.sh node_exporter))" \
	test -n "$NODE_EXPORTER"
need busybox busybox
make_inputs
suite plain ../tcpstates
if command -v valgrind >/dev/null; then
	suite valgrind valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=all --errors-for-leak-kinds=all \
		--log-file="$PWD/$out/valgrind.%p.log" ../tcpstates
	check "valgrind: no report in any run" \
		bash -c "! cat $out/valgrind.*.log | grep ."
fi
if [ -x ../tcpstates-asan ]; then
	export ASAN_OPTIONS=detect_leaks=1:exitcode=98
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98
	suite asan ../tcpstates-asan
	unset ASAN_OPTIONS UBSAN_OPTIONS
else
	not_ok "ASan+UBSan build exists (make -C tools asan)"
fi
guest_checks
processes_checks
output_checks
check_checks
node_exporter_checks
static_checks

echo "passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
