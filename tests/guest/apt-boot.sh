#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/apt-guest.sh, first stage, run by the harness's /init
# as /test.sh (dash, busybox applets): make the Debian machine whose
# ext4 image run-vm.sh attaches read-only (VM_DISK, /dev/vda) the root of
# the test, writable through an overlay whose upper layer is a tmpfs, so
# the cached tree on the host is never written; then run the second
# stage, /bin/apt-guest.sh, chrooted into it, with the .debs this image
# carries in its /root/debs.  Not a full systemd boot: /proc, /sys, /dev,
# /tmp and /run, what apt, dpkg, DKMS and modprobe use.  fd 3 (the result
# port) goes through to the second stage; init writes the DONE line after.
ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }
new=/newroot

# setup NAME CMD...: one step of building the root; a failure ends the run
# (nothing after it could mean anything).
setup() {
	name=$1
	shift
	if "$@"; then
		ok "boot: $name"
	else
		not_ok "boot: $name"
		exit 1
	fi
}

mkdir -p /lower /upper "$new"
setup "the Debian tree mounts from the read-only disk" \
	mount -t ext4 -o ro /dev/vda /lower
setup "a tmpfs for the overlay's upper layer" mount -t tmpfs -o size=1536m tmpfs /upper
mkdir -p /upper/data /upper/work
setup "the overlay (the disk below, tmpfs above) mounts as the root" \
	mount -t overlay overlay \
	-o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work "$new"
# devtmpfs has the device nodes; the links to /proc that udev would add
# (bash's <(...) and DKMS use /dev/fd) are made here.
setup "/proc, /sys, /dev, /tmp and /run in it" sh -c "
	mount -t proc proc $new/proc &&
	mount -t sysfs sysfs $new/sys &&
	mount -t devtmpfs devtmpfs $new/dev &&
	mkdir -p $new/dev/pts $new/dev/shm &&
	mount -t devpts devpts $new/dev/pts &&
	mount -t tmpfs tmpfs $new/dev/shm &&
	mount -t tmpfs tmpfs $new/tmp &&
	mount -t tmpfs tmpfs $new/run &&
	ln -s /proc/self/fd $new/dev/fd &&
	ln -s fd/0 $new/dev/stdin && ln -s fd/1 $new/dev/stdout &&
	ln -s fd/2 $new/dev/stderr"
# The second stage and the packages, carried in this image's /bin.
mkdir -p "$new/root/debs"
setup "the .debs copied in" sh -c "cp /bin/*.deb $new/root/debs/"
cp /bin/apt-guest.sh "$new/root/apt-guest.sh"

# A clean environment, as a root shell on the machine would have.
chroot "$new" /usr/bin/env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash /root/apt-guest.sh
