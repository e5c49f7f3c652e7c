#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a promtool, the Prometheus project's own checker of
# the text exposition format: the one on $PATH, or Debian's, unpacked
# from its prometheus package into the cache (never installed: that
# would start a Prometheus server).  Kept by the package's version.
set -euo pipefail

if command -v promtool >/dev/null; then
	command -v promtool
	exit 0
fi
cache=${TCPS_CACHE:-/var/cache/tcpstates}
ver=$(apt-cache policy prometheus | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || {
	echo "promtool.sh: no prometheus package in the apt sources" >&2
	exit 1
}
dir=$cache/promtool-${ver//[^A-Za-z0-9.+~-]/_}
if [ ! -x "$dir/usr/bin/promtool" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root \
		"prometheus=$ver") >&2
	dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
	mkdir -p "$dir.new/usr/bin"
	cp "$tmp/root/usr/bin/promtool" "$dir.new/usr/bin/"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
fi
echo "$dir/usr/bin/promtool"
