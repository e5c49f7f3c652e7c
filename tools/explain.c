// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstates --explain: one paragraph per state on what it means, which
 * end of a connection is in it, how long it normally lasts and when to
 * worry.  The man page's STATES section says the same; tests/run.sh
 * checks that the two agree word for word.
 */
#include <stdbool.h>
#include <string.h>

#include "explain.h"
#include "states.h"

static const char *const tcps_explanations[TCPS_STATE_SLOTS] = {
	[TCPS_ESTABLISHED] =
	"The connection is open and data can flow both ways. Both ends are "
	"in this state for as long as the applications keep the connection. "
	"Worry when Recv-Q keeps growing (the local application does not "
	"read), or when Send-Q grows while the timer shows retransmits "
	"counting up (the peer or the path does not take the data). Idle "
	"tells how long the peer has been silent.",
	[TCPS_SYN_SENT] =
	"The local end called connect(): its SYN is out and it waits for an "
	"answer. Only the client is in it, normally for one round trip. "
	"Worry when many pile up or one's retransmits count up: the peer is "
	"down or unreachable, or a firewall drops the SYN without a word (a "
	"refusal would end the attempt at once). Linux gives up after "
	"net.ipv4.tcp_syn_retries attempts, about two minutes by default.",
	[TCPS_SYN_RECV] =
	"A SYN reached a listener, which answered with a SYN-ACK and waits "
	"for the handshake's last ACK. Only the server end is in it, "
	"normally for one round trip; until then it is a small request "
	"socket (Idle shows '-'). Worry when many pile up: either the "
	"application does not accept() fast enough and the listener's "
	"queue is full (see the listener's Recv-Q), or it is a SYN flood "
	"(many remote addresses, SYN-ACK retransmits counting up). A "
	"request is dropped after net.ipv4.tcp_synack_retries resends.",
	[TCPS_FIN_WAIT1] =
	"The local application closed (or shut down writing): the FIN is "
	"sent, not yet acknowledged. Only the end that closed first is in "
	"it, normally for one round trip, after any data still queued. "
	"Worry when it lingers with a probe or retransmit timer: the peer "
	"stopped reading (a zero window) or has gone away.",
	[TCPS_FIN_WAIT2] =
	"The local end's FIN was acknowledged; it waits for the peer to "
	"close too. Only the end that closed first is in it. A socket the "
	"application closed waits at most net.ipv4.tcp_fin_timeout (60 "
	"seconds by default; the timer shows it). Worry when one the "
	"application still holds (after shutdown()) stays for long: the "
	"peer never closes its end.",
	[TCPS_TIME_WAIT] =
	"Both ends have closed. The end that closed first waits here so "
	"that late segments of the old connection cannot be taken for part "
	"of a new one between the same addresses and ports: 60 seconds on "
	"Linux, always. Many of them on a busy client or proxy are normal. "
	"Worry only when they use up the local ports towards one "
	"destination (connect() fails with EADDRNOTAVAIL): keep connections "
	"open and reuse them.",
	[TCPS_CLOSE] =
	"Here: a socket that holds a local port, by bind() or kept after a "
	"connect() failed, but neither listens nor is connected. Netstat "
	"and ss show no such socket without inet_diag's help. It lasts "
	"until the application listens, connects or closes it. Worry when "
	"a server cannot start with 'Address already in use': such a "
	"socket may hold the port, and its UID and Inode name the owner.",
	[TCPS_CLOSE_WAIT] =
	"The peer closed its end (its FIN arrived) and the local "
	"application has not closed its own yet. Only the end that did not "
	"close first is in it, for as long as the application takes to "
	"notice (a read() that returns 0) and close. Worry when it lingers "
	"and Idle keeps growing: the application never closed after its "
	"peer did, which is a descriptor leak in the application. Only the "
	"application can end it: fix it, or restart it.",
	[TCPS_LAST_ACK] =
	"The peer closed first, then the local application closed: its FIN "
	"waits to be acknowledged. Only the end that closed last is in it, "
	"normally for one round trip. Worry when it lingers with "
	"retransmits counting up: the peer went away after closing.",
	[TCPS_LISTEN] =
	"A server socket waiting for connections, for as long as the "
	"service runs. Its Recv-Q is the number of connections that "
	"finished the handshake and wait for accept(); its Send-Q is 0 "
	"here, where ss shows the queue's limit. Worry when Recv-Q stays "
	"near that limit: the application does not accept fast enough, and "
	"new connections are dropped (clients pile up in SYN_SENT).",
	[TCPS_CLOSING] =
	"Both ends closed at the same moment: the local FIN is out and the "
	"peer's FIN arrived before the peer acknowledged ours. Both ends "
	"may be in it, normally for one round trip, then TIME_WAIT. Worry "
	"when it lingers: the local FIN is not being acknowledged.",
};

/* @text wrapped at 72 columns, each line indented by @indent. */
static void tcps_wrap_text(FILE *out, const char *indent, const char *text)
{
	const size_t width = 72 - strlen(indent);
	size_t col = 0, len;

	while (*text) {
		len = strcspn(text, " ");
		if (col && col + 1 + len > width) {
			fputc('\n', out);
			col = 0;
		}
		if (!col) {
			fputs(indent, out);
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, len, out);
		col += len;
		text += len;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

void tcps_explain(FILE *out, unsigned int mask)
{
	bool first = true;
	int id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		if (!(mask & TCPS_BIT(id)))
			continue;
		if (!first)
			fputc('\n', out);
		first = false;
		fprintf(out, "%s\n", tcps_state_names[id]);
		tcps_wrap_text(out, "    ", tcps_explanations[id]);
	}
}
