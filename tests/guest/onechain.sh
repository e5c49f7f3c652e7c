#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/bench/onechain.sh (tcpstates.ko loaded): for each
# size of onechain_sizes= (kernel command line, default 20000,50000,100000)
# and each table, a netns holding that many ESTABLISHED sockets (made in
# TCP repair mode by mksockets, no packets):
#   shared    the netns uses the shared table (tcp_child_ehash_entries=0)
#   onechain  its own table of ONE bucket (tcp_child_ehash_entries=1):
#             every socket in one chain, which a user with a user ns can
#             make
# and in it one timed read each of /proc/tcpstates (1 MiB read()s), the
# counts view, and /proc/net/tcp{,6} (as the kernel's own lister; in the
# one chain only up to 20000 sockets: it walks the chain again from its
# head for every page of output, quadratic).  Rows and counters are
# checked (ok / not ok on fd 3); the times go out as "# onechain:" lines.

sizes=20000,50000,100000
for w in $(cat /proc/cmdline); do
	case "$w" in onechain_sizes=*) sizes=${w#onechain_sizes=} ;; esac
done
ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }
comment() { echo "# onechain: $*" >&3; }

echo 2000000 >/proc/sys/fs/file-max
comment "$(uname -r), $(nproc) CPUs"
for n in $(echo "$sizes" | tr , ' '); do
	for table in shared onechain; do
		[ $table = onechain ] && e=1 || e=0
		echo $e >/proc/sys/net/ipv4/tcp_child_ehash_entries
		rm -rf /tmp/oc
		mkdir /tmp/oc
		unshare -n sh -c '
			ip link set lo up
			mksockets repair /tmp/oc 0 '"$n"' 2>/tmp/oc/err 3>&- &
			while [ ! -e /tmp/oc/ready.0 ]; do
				kill -0 $! 2>/dev/null || exit 1
				sleep 1
			done
			cat /proc/sys/net/ipv4/tcp_ehash_entries >/tmp/oc/ehash
			est=$(awk '"'"'$1 == "ESTABLISHED" && NF == 2 { print $2 }'"'"' /proc/tcpstates_counts)
			rows=$(awk '"'"'$1 ~ /^tcp6?$/ { n++ } END { print n + 0 }'"'"' /proc/tcpstates)
			echo "$est $rows" >/tmp/oc/check
			t=$(benchtime 1 read 1048576 /proc/tcpstates | cut -d " " -f 2)
			c=$(benchtime 1 read 1048576 /proc/tcpstates_counts | cut -d " " -f 2)
			p=-
			if [ '"$table"' = shared ] || [ '"$n"' -le 20000 ]; then
				p=$(benchtime 1 read 1048576 /proc/net/tcp /proc/net/tcp6 | cut -d " " -f 2)
			fi
			echo "$t $c $p" >/tmp/oc/times
			kill $!
		' || { not_ok "onechain: $n sockets in the $table table: $(cat /tmp/oc/err)"; continue; }
		read -r est rows </tmp/oc/check
		read -r t c p </tmp/oc/times
		if [ "$est" = "$n" ] && [ "$rows" = "$n" ]; then
			ok "onechain: $n sockets, $table table (ehash_entries $(cat /tmp/oc/ehash)): $n rows and ESTABLISHED $n"
		else
			not_ok "onechain: $n sockets, $table table: rows $rows, ESTABLISHED $est"
		fi
		comment "n=$n table=$table tcpstates_ms=$t counts_ms=$c proc_net_tcp_ms=$p us_per_socket=$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.2f", t * 1000 / n }')"
	done
done
echo 0 >/proc/sys/net/ipv4/tcp_child_ehash_entries
dmesg | grep -E 'self-detected stall|detected stalls|rcu: INFO|soft lockup|blocked for more than|hung_task' >/tmp/stalls
if [ -s /tmp/stalls ]; then not_ok "onechain: stall reports: $(head -3 /tmp/stalls)"; else ok "onechain: no RCU stall, soft-lockup or hung-task report"; fi
