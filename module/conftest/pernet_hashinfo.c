// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): each netns points at
 * its TCP hash tables (6.1+), which may be its own ehash.
 */
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>

struct inet_hashinfo *tcps_conftest(struct net *net);
struct inet_hashinfo *tcps_conftest(struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}
