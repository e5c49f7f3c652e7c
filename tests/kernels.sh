# SPDX-License-Identifier: GPL-2.0
# Sourced: the Debian kernel releases the tests boot, read from the
# metapackages tests/deps.sh installed, so a new Debian point release needs
# no edit here.

# kver_of METAPACKAGE: the kernel release the linux-image metapackage pulls.
kver_of() {
	dpkg-query -W -f='${Depends}' "$1" | sed 's/^linux-image-//; s/[ ,].*//'
}

declare -A TCPS_KERNELS=(
	[6.1]=$(kver_of linux-image-amd64)
	[6.12]=$(kver_of linux-image-6.12-amd64)
)
