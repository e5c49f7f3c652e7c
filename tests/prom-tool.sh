#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prom-tool.sh promtool|node_exporter: print the path of the Prometheus
# project's own tools, the independent oracles of the reader's
# --prometheus: promtool (checks the text exposition format) and
# node_exporter (its textfile collector reads our files).  The one on
# $PATH, or Debian's, unpacked from its package into the cache (never
# installed: that would start a server).  Kept by the package's version.
set -euo pipefail

case ${1:-} in
promtool) pkg=prometheus bin=usr/bin/promtool ;;
node_exporter) pkg=prometheus-node-exporter bin=usr/bin/prometheus-node-exporter ;;
*) echo "usage: $0 promtool|node_exporter" >&2; exit 2 ;;
esac
if command -v "$1" >/dev/null; then
	command -v "$1"
	exit 0
fi
cache=${TCPS_CACHE:-/var/cache/tcpstates}
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || {
	echo "prom-tool.sh: no $pkg package in the apt sources" >&2
	exit 1
}
dir=$cache/$1-${ver//[^A-Za-z0-9.+~-]/_}
if [ ! -x "$dir/$bin" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root \
		"$pkg=$ver") >&2
	dpkg-deb -x "$tmp/${pkg}_"*.deb "$tmp/root"
	mkdir -p "$dir.new/$(dirname "$bin")"
	cp "$tmp/root/$bin" "$dir.new/$bin"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
fi
echo "$dir/$bin"
