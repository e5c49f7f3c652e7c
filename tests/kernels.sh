# SPDX-License-Identifier: GPL-2.0
# Sourced: the Debian kernel releases the tests use, read from the
# metapackages tests/deps.sh installed, so a Debian point release needs no
# edit here.

# kver_of METAPACKAGE: the kernel release a linux-image/-headers
# metapackage pulls in (empty when it is not installed).
kver_of() {
	dpkg-query -W -f='${Depends}' "$1" 2>/dev/null |
		sed 's/^linux-\(image\|headers\)-//; s/[ ,].*//'
}

# This host's Debian release: the kernels it installs and builds for
# itself; every other release's are built in a root (tests/roots.sh).
TCPS_HOST=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# Booted by the scenario tests from this host's packages: on Debian 12 its
# two series, on Debian 13 its default kernel, 6.12.
if [ "$TCPS_HOST" = trixie ]; then
	declare -A TCPS_KERNELS=([6.12]=$(kver_of linux-image-amd64))
	# Every Debian kernel ABI the DKMS matrix builds for, and the ones
	# booted from the DKMS-installed tree.
	TCPS_DKMS_HEADERS=(
		linux-headers-amd64 linux-headers-cloud-amd64
		linux-headers-rt-amd64
	)
	declare -A TCPS_DKMS_BOOT=(
		[6.12]=$(kver_of linux-image-amd64)
		[6.12-rt]=$(kver_of linux-image-rt-amd64)
	)
else
	declare -A TCPS_KERNELS=(
		[6.1]=$(kver_of linux-image-amd64)
		[6.12]=$(kver_of linux-image-6.12-amd64)
	)
	TCPS_DKMS_HEADERS=(
		linux-headers-amd64 linux-headers-cloud-amd64
		linux-headers-rt-amd64 linux-headers-6.12-amd64
		linux-headers-6.12-cloud-amd64 linux-headers-6.12-rt-amd64
	)
	declare -A TCPS_DKMS_BOOT=(
		[6.1]=$(kver_of linux-image-amd64)
		[6.12]=$(kver_of linux-image-6.12-amd64)
		[6.12-rt]=$(kver_of linux-image-6.12-rt-amd64)
	)
fi

# Every series Debian ships: "TAG SUITE SPEC", SPEC as roots.sh kver takes
# it.  Those of this host's own release (no backports) are the ones above;
# the others are built in a Debian root of their suite with its own
# compiler and booted from there.
TCPS_ALL_KERNELS=(
	"12-6.1 bookworm meta"
	"12-6.12 bookworm 6.12"
	"13-6.12 trixie meta"
	"13-7.3 trixie meta@trixie-backports"
	"13-7.2 trixie 7.2@trixie-backports"
	"sid sid meta"
)
TCPS_ROOT_KERNELS=()
for _k in "${TCPS_ALL_KERNELS[@]}"; do
	[[ $_k =~ \ $TCPS_HOST\ [^@]*$ ]] || TCPS_ROOT_KERNELS+=("$_k")
done
unset _k

# The other stable release, whose DKMS and demo are proven in its root.
if [ "$TCPS_HOST" = trixie ]; then TCPS_OTHER=bookworm; else TCPS_OTHER=trixie; fi

# Other architectures: cross-built in a root, booted under QEMU TCG with
# the root's guest programs of that architecture: "TAG SUITE SPEC ARCH".
TCPS_CROSS_KERNELS=(
	"13-6.12-arm64 trixie meta arm64"
)
