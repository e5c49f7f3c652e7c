#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages (debian/) as make deb builds them, checked without
# installing them (that would have DKMS build the module for this
# machine's kernels: tests/dkms-root.sh installs tcpstates-dkms in a root):
#   - lintian: no error and no warning on the source package,
#     tcpstates-dkms and tcpstates (its pedantic and info tags shown as
#     comments), and every override says why;
#   - one version: dkms.conf's PACKAGE_VERSION is the changelog's, the
#     packages', the DKMS tree's, the one the maintainer scripts give DKMS
#     and the one the reader prints;
#   - tcpstates-dkms: exactly the Makefile's DKMS_FILES in
#     /usr/src/tcpstates-VERSION, a dependency on dkms, maintainer scripts
#     dh_dkms wrote (none in debian/);
#   - tcpstates: the reader, its man page and the systemd units, the reader
#     built with dpkg-buildflags' flags (hardened); extracted, it runs and
#     reads a sample as the golden output says; systemd-analyze verify
#     accepts the units with the binary and man page of the extracted tree;
#     the postinst does not enable the timer;
#   - make deb leaves the checkout as it found it.
#
# usage: tests/deb.sh
# Prints ok/not ok lines and "passed=N failed=M"; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

logs=.build/deb-test
rm -rf "$logs"
mkdir -p "$logs"
passed=0 failed=0
ok() { echo "ok $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok $*"; failed=$((failed + 1)); }
# check NAME CMD...: CMD's success is the verdict; its output, the details.
check() {
	local name=$1
	shift
	if "$@" >"$logs/check.log" 2>&1; then ok "$name"; else
		not_ok "$name"
		head -n 20 "$logs/check.log" | sed 's/^/#   /'
	fi
}
# shellcheck disable=SC2317 # called through check
equal() { [ "$1" = "$2" ] || { echo "expected '$1', got '$2'"; false; }; }
finish() {
	echo "passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
	exit
}

tests/deps.sh deb >"$logs/deps.log" 2>&1 ||
	{ not_ok "the tools (tests/deps.sh deb; see $logs/deps.log)"; finish; }

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
arch=$(dpkg --print-architecture)
dkms_deb=.build/tcpstates-dkms_${version}_all.deb
tool_deb=.build/tcpstates_${version}_${arch}.deb
in_git=no
git rev-parse --is-inside-work-tree >/dev/null 2>&1 && in_git=yes
[ "$in_git" = no ] || git status --porcelain >"$logs/status.before"

rm -f "$dkms_deb" "$tool_deb"
if make --no-print-directory deb >"$logs/make-deb.log" 2>&1; then
	ok "make deb"
else
	not_ok "make deb (see $logs/make-deb.log)"
	tail -n 15 "$logs/make-deb.log" | sed 's/^/#   /'
	finish
fi
check "make deb leaves $dkms_deb" test -f "$dkms_deb"
check "make deb leaves $tool_deb" test -f "$tool_deb"
if [ ! -f "$dkms_deb" ] || [ ! -f "$tool_deb" ]; then finish; fi
if [ "$in_git" = yes ]; then
	git status --porcelain >"$logs/status.after"
	check "make deb leaves the checkout as it was" \
		diff -u "$logs/status.before" "$logs/status.after"
fi
tree=.build/deb/tcpstates-$version
changes=$(ls .build/deb/tcpstates_"${version}"_*.changes 2>/dev/null)

# --- lintian ---

# Errors and warnings fail; --pedantic and -I tags are shown, each a
# comment line.  The .changes names the source package and every .deb.
lintian --pedantic -I --fail-on error,warning "$changes" >"$logs/lintian.log" 2>&1
rc=$?
grep -v '^running with root privileges' "$logs/lintian.log" | sed 's/^/# lintian: /'
if [ $rc -eq 0 ] && ! grep -q '^[EW]: ' "$logs/lintian.log"; then
	ok "lintian: no error, no warning ($(lintian --version))"
else
	not_ok "lintian: no error, no warning (exit $rc)"
fi
# lintian checks every file the .changes lists.
for f in "tcpstates_$version.dsc" "${dkms_deb#.build/}" "${tool_deb#.build/}"; do
	check "lintian checked $f" grep -q " $f\$" "$changes"
done
uncommented=$(for f in debian/source/lintian-overrides debian/*.lintian-overrides; do
	[ -f "$f" ] || continue
	awk -v f="$f" '/^[^#]/ && prev !~ /^#/ { print f ": " $0 } { prev = $0 }' "$f"
done)
check "every lintian override says why (a comment above it)" equal "" "$uncommented"

# --- one version ---

field() { dpkg-deb -f "$1" "$2"; }
check "the changelog's version is dkms.conf's ($version)" \
	equal "$version" "$(dpkg-parsechangelog -S Version)"
check "the source package's version is dkms.conf's" \
	equal "$version" "$(sed -n 's/^Version: //p' .build/deb/tcpstates_"$version".dsc)"
check "tcpstates-dkms's version is dkms.conf's" equal "$version" "$(field "$dkms_deb" Version)"
check "tcpstates's version is dkms.conf's" equal "$version" "$(field "$tool_deb" Version)"

# --- tcpstates-dkms ---

root=$logs/root
mkdir -p "$root/dkms" "$root/tool"
dpkg-deb -x "$dkms_deb" "$root/dkms"
dpkg-deb -e "$dkms_deb" "$root/dkms-control"
dpkg-deb -x "$tool_deb" "$root/tool"
dpkg-deb -e "$tool_deb" "$root/tool-control"
dpkg-deb -c "$dkms_deb" >"$logs/dkms.contents"
dpkg-deb -c "$tool_deb" >"$logs/tool.contents"
# files PACKAGE-ROOT: the package's files (not directories), sorted.
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | sort); }

check "tcpstates-dkms: Architecture all" equal all "$(field "$dkms_deb" Architecture)"
check "tcpstates-dkms: Depends on dkms" \
	grep -Eq '(^|, )dkms( \(>= [^)]*\))?(,|$)' <<<"$(field "$dkms_deb" Depends)"
# What make dkms-install copies to /usr/src: the Makefile's DKMS_FILES.
# shellcheck disable=SC2207 # a list of top-level names without blanks
dkms_files=($(sed -n 's/^DKMS_FILES := //p' Makefile))
if [ "$in_git" = yes ]; then
	git ls-files -- "${dkms_files[@]}" | sort >"$logs/dkms.want"
else
	find "${dkms_files[@]}" ! -type d | sort >"$logs/dkms.want"
fi
src=usr/src/tcpstates-$version
files "$root/dkms" | grep -v '^usr/share/doc/' | sed -n "s|^$src/||p" >"$logs/dkms.got"
check "tcpstates-dkms: /$src holds exactly the Makefile's DKMS_FILES (${dkms_files[*]})" \
	diff -u "$logs/dkms.want" "$logs/dkms.got"
check "tcpstates-dkms: nothing outside /$src but its doc" \
	equal "" "$(files "$root/dkms" | grep -v -e "^$src/" -e '^usr/share/doc/tcpstates-dkms/')"
check "tcpstates-dkms: /$src/dkms.conf is the checkout's" cmp dkms.conf "$root/dkms/$src/dkms.conf"
check "tcpstates-dkms: the DKMS tree's PACKAGE_VERSION is $version" equal "$version" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$root/dkms/$src/dkms.conf")"
for s in postinst prerm; do
	check "tcpstates-dkms: the $s is dh_dkms's" \
		grep -q '^# Automatically added by dh_dkms/' "$root/dkms-control/$s"
	check "tcpstates-dkms: the $s gives DKMS tcpstates $version" \
		equal "DKMS_NAME=tcpstates DKMS_VERSION=$version" \
		"$(grep -E '^DKMS_(NAME|VERSION)=' "$root/dkms-control/$s" | paste -sd ' ')"
done
check "tcpstates-dkms: the postinst runs DKMS's common.postinst" \
	grep -q '/usr/lib/dkms/common.postinst' "$root/dkms-control/postinst"
check "tcpstates-dkms: the prerm removes the module from DKMS" \
	grep -q "dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all" "$root/dkms-control/prerm"
shopt -s nullglob
scripts=(debian/*preinst debian/*postinst debian/*prerm debian/*postrm)
shopt -u nullglob
check "no hand-written maintainer script in debian/" equal "" "${scripts[*]}"

# --- tcpstates ---

check "tcpstates: Architecture $arch" equal "$arch" "$(field "$tool_deb" Architecture)"
check "tcpstates: Depends on libc6 (shlibs)" \
	grep -Eq '(^|, )libc6 ' <<<"$(field "$tool_deb" Depends)"
# The units in this release's systemd unit directory (/lib/systemd/system
# on Debian 12, /usr/lib/systemd/system on 13).
units=$(pkg-config --variable=systemdsystemunitdir systemd)
units=${units#/}
check "tcpstates: the reader, its man page, the units in /$units, the docs" \
	diff -u - <(files "$root/tool") <<EOF
$(printf '%s\n' "$units/tcpstates-textfile.service" \
	"$units/tcpstates-textfile.timer" usr/bin/tcpstates \
	usr/share/doc/tcpstates/changelog.gz usr/share/doc/tcpstates/copyright \
	usr/share/man/man8/tcpstates.8.gz | sort)
EOF
check "tcpstates: /usr/bin/tcpstates is root's, mode 0755" \
	grep -Eq '^-rwxr-xr-x root/root .* \./usr/bin/tcpstates$' "$logs/tool.contents"

# The compiler got every flag dpkg-buildflags gives this build (the rules'
# DEB_BUILD_MAINT_OPTIONS), on the command that made the binary.
maint=$(sed -n 's/^export DEB_BUILD_MAINT_OPTIONS = //p' debian/rules)
cc_line=$(grep -E -- ' -o tcpstates ' "$logs/make-deb.log" | head -n 1)
for v in CPPFLAGS CFLAGS LDFLAGS; do
	missing=""
	for f in $(cd "$tree" && DEB_BUILD_MAINT_OPTIONS=$maint dpkg-buildflags --get "$v"); do
		[[ " $cc_line " == *" $f "* ]] || missing+=" $f"
	done
	check "tcpstates: the compiler got dpkg-buildflags' $v" equal "" "$missing"
done
bin=$root/tool/usr/bin/tcpstates
check "tcpstates: a position-independent executable" \
	grep -q 'Type: *DYN' <(readelf -h "$bin")
check "tcpstates: relocations read-only and bound at load (relro, now)" \
	bash -c "readelf -l '$bin' | grep -q GNU_RELRO && readelf -d '$bin' | grep -q 'BIND_NOW\|FLAGS_1.*NOW'"
check "tcpstates: stack protector and fortified functions" \
	bash -c "readelf --dyn-syms -W '$bin' | grep -q __stack_chk_fail &&
		readelf --dyn-syms -W '$bin' | grep -Eq ' __[a-z]+_chk(@|$)'"

# The reader, from the extracted tree.
check "tcpstates --help" bash -c "'$bin' --help | head -n 1 | grep -q '^Usage: tcpstates '"
check "tcpstates --version prints $version" \
	bash -c "'$bin' --version | grep -q '^tcpstates $version '"
check "tcpstates --explain close-wait" \
	bash -c "'$bin' --explain close-wait | head -n 1 | grep -qx CLOSE_WAIT"
check "tcpstates --file: a sample, as the golden output says" \
	diff -u tools/tests/golden/normal.out \
	<("$bin" --file tools/tests/fixtures/normal.txt)

# The units where they are installed: the service runs the packaged
# binary, and systemd-analyze verify, looking into the extracted tree
# (with this machine's own units beside ours, for timers.target and the
# like), finds that binary and the man page the units name.
unitdir=$root/tool/$units
check "the service runs /usr/bin/tcpstates" \
	grep -q '^ExecStart=/usr/bin/tcpstates ' "$unitdir/tcpstates-textfile.service"
cp -an /lib/systemd/system/. "$unitdir/"
check "systemd-analyze verify: the timer and the service, as installed" \
	env MANPATH="$PWD/$root/tool/usr/share/man" systemd-analyze verify \
	--root="$PWD/$root/tool" tcpstates-textfile.timer tcpstates-textfile.service

# dh_installsystemd --no-enable: its postinst enables the timer only again
# on an upgrade where the admin had it enabled, never on a first install.
check "the postinst does not enable the timer on installation" \
	grep -q "deb-systemd-helper debian-installed 'tcpstates-textfile.timer'" \
	"$root/tool-control/postinst"
check "the postinst is dh_installsystemd's" \
	grep -q '^# Automatically added by dh_installsystemd/' "$root/tool-control/postinst"
finish
