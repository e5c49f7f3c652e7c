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

# Booted by the scenario tests: on Debian 12 its two series; on Debian 13
# (the demo) its default kernel, 6.12.
if [ "$(. /etc/os-release && echo "$VERSION_CODENAME")" = trixie ]; then
	declare -A TCPS_KERNELS=([6.12]=$(kver_of linux-image-amd64))
else
	declare -A TCPS_KERNELS=(
		[6.1]=$(kver_of linux-image-amd64)
		[6.12]=$(kver_of linux-image-6.12-amd64)
	)
fi

# Every Debian kernel ABI the DKMS matrix builds for, and the ones booted
# from the DKMS-installed tree.
TCPS_DKMS_HEADERS=(
	linux-headers-amd64 linux-headers-cloud-amd64 linux-headers-rt-amd64
	linux-headers-6.12-amd64 linux-headers-6.12-cloud-amd64
	linux-headers-6.12-rt-amd64
)
declare -A TCPS_DKMS_BOOT=(
	[6.1]=$(kver_of linux-image-amd64)
	[6.12]=$(kver_of linux-image-6.12-amd64)
	[6.12-rt]=$(kver_of linux-image-6.12-rt-amd64)
)

# Kernels this Debian 12 host cannot build for, each built in a Debian root
# with its own distribution's compiler and booted from there
# (tests/roots.sh): "TAG SUITE SPEC", SPEC as roots.sh kver takes it.
TCPS_ROOT_KERNELS=(
	"13-6.12 trixie meta"
	"13-7.3 trixie meta@trixie-backports"
	"13-7.2 trixie 7.2@trixie-backports"
	"sid sid meta"
)

# Other architectures: cross-built in a root, booted under QEMU TCG with
# the root's guest programs of that architecture: "TAG SUITE SPEC ARCH".
TCPS_CROSS_KERNELS=(
	"13-6.12-arm64 trixie meta arm64"
)
