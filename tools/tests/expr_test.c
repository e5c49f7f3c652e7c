// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of expr.c (make -C tools expr-check): ss(8) filter
 * expressions against a fixed set of rows.
 *
 * Each case gives the rows it must select, written by hand from ss's
 * meaning (iproute2 6.1 over netlink: the kernel's inet_diag_bc_run()
 * for addresses and ports, ssfilter.y for the grouping), never computed
 * by the code under test; or the exit status and the first line of the
 * message a mistake must get.  Prints "ok N - ..." / "not ok N - ...",
 * then "passed=N failed=M"; exits 1 if anything failed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../expr.h"
#include "../msg.h"
#include "../util.h"

/*
 * The rows, one letter each; "want" strings list letters in this order.
 * sport:  A 22  B 443  C 1024  D 22  E 65535  F 1  G 22  H 443  I 1023
 *         J 443  K 1024  L 65535  M 1023  N 0
 * dport:  A 0  B 0  C 22  D 1024  E 443  F 1023  G 0  H 0  I 22  J 1024
 *         K 65535  L 1  M 0  N 0
 */
static const struct {
	char name;
	bool v6;
	const char *laddr;
	unsigned int lport;
	const char *raddr;
	unsigned int rport;
} rows[] = {
	{ 'A', false, "127.0.0.1", 22, "0.0.0.0", 0 },	/* listener */
	{ 'B', false, "0.0.0.0", 443, "0.0.0.0", 0 },	/* on any address */
	{ 'C', false, "127.0.0.1", 1024, "127.0.0.1", 22 },	/* client of A */
	{ 'D', false, "127.0.0.1", 22, "127.0.0.1", 1024 },	/* A's end */
	{ 'E', false, "10.1.2.3", 65535, "192.0.2.7", 443 },
	{ 'F', false, "10.255.0.1", 1, "10.0.0.1", 1023 },
	{ 'G', true, "::1", 22, "::", 0 },			/* listener */
	{ 'H', true, "::", 443, "::", 0 },			/* dual-stack */
	{ 'I', true, "::1", 1023, "::1", 22 },
	{ 'J', true, "::ffff:127.0.0.1", 443, "::ffff:127.0.0.1", 1024 },
	{ 'K', true, "::ffff:10.1.2.3", 1024, "::ffff:192.0.2.7", 65535 },
	{ 'L', true, "2001:db8::1", 65535, "2001:db8:1::5", 1 },
	/* v4-compatible, not v4-mapped: no IPv4 prefix matches it. */
	{ 'M', true, "::7f00:1", 1023, "::", 0 },
	{ 'N', false, "0.0.0.0", 0, "0.0.0.0", 0 },		/* port '*' */
};

#define ALL	"ABCDEFGHIJKLMN"
#define V4	"ABCDEFN"
#define V6	"GHIJKLM"

#define MAX_ARGS	8

/* Expressions that parse, and the rows each selects. */
static const struct {
	const char *argv[MAX_ARGS];	/* NULL-terminated */
	const char *want;
} matches[] = {
	{ { NULL }, ALL },		/* no argument: the empty expression */
	{ { "" }, ALL },
	{ { " \t " }, ALL },

	/* sport/dport '=' and '!=', every spelling and bare form */
	{ { "sport = :22" }, "ADG" },
	{ { "sport == :22" }, "ADG" },
	{ { "sport eq :22" }, "ADG" },
	{ { "sport :22" }, "ADG" },
	{ { "sport 22" }, "ADG" },
	{ { "sport = 22" }, "ADG" },
	{ { "dport = :22" }, "CI" },
	{ { "dport != :22" }, "ABDEFGHJKLMN" },
	{ { "dport ne :22" }, "ABDEFGHJKLMN" },
	{ { "dport neq :22" }, "ABDEFGHJKLMN" },
	{ { "sport = :0" }, "N" },
	{ { "dport = :0" }, "ABGHMN" },
	{ { "dport != :0" }, "CDEFIJKL" },
	{ { "sport = *" }, ALL },
	{ { "sport = :*" }, ALL },
	{ { "dport != *" }, "" },
	{ { "sport = :65535" }, "EL" },
	{ { "sport = :1" }, "F" },
	{ { "dport = :1" }, "L" },

	/* ordering: ss's '<' is not '>=', '>' is not '<=' */
	{ { "sport < :1024" }, "ABDFGHIJMN" },
	{ { "sport lt :1024" }, "ABDFGHIJMN" },
	{ { "sport <= :1024" }, "ABCDFGHIJKMN" },
	{ { "sport le :1024" }, "ABCDFGHIJKMN" },
	{ { "sport leq :1024" }, "ABCDFGHIJKMN" },
	{ { "sport > :1023" }, "CEKL" },
	{ { "sport gt :1023" }, "CEKL" },
	{ { "sport >= :1023" }, "CEIKLM" },
	{ { "sport ge :1023" }, "CEIKLM" },
	{ { "sport geq :1023" }, "CEIKLM" },
	{ { "sport >= :0" }, ALL },
	{ { "sport < :0" }, "" },
	{ { "sport <= :0" }, "N" },
	{ { "dport > :65534" }, "K" },
	{ { "dport >= :65535" }, "K" },
	{ { "sport > :65535" }, "" },
	{ { "dport <= :1" }, "ABGHLMN" },
	{ { "sport > :1 and sport < :1024" }, "ABDGHIJM" },
	{ { "sport>=:1024" }, "CEKL" },
	{ { "sport<=:1" }, "FN" },
	{ { "dport!=:0" }, "CDEFIJKL" },

	/* and, or, not: spellings, juxtaposition */
	{ { "sport = :22 or sport = :443" }, "ABDGHJ" },
	{ { "sport = :22 || sport = :443" }, "ABDGHJ" },
	{ { "sport = :22 | sport = :443" }, "ABDGHJ" },
	{ { "sport = :22 and dport = :0" }, "AG" },
	{ { "sport = :22 && dport = :0" }, "AG" },
	{ { "sport = :22 & dport = :0" }, "AG" },
	{ { "sport = :22 dport = :0" }, "AG" },
	{ { "not sport = :22" }, "BCEFHIJKLMN" },
	{ { "! sport = :22" }, "BCEFHIJKLMN" },
	{ { "!sport = :22" }, "BCEFHIJKLMN" },
	{ { "not not sport = :22" }, "ADG" },
	{ { "!!sport=:22" }, "ADG" },
	{ { "not ( sport = :22 or dport = :22 )" }, "BEFHJKLMN" },

	/*
	 * Grouping: and/or bind equally, from the left.  Where C's rule
	 * would select other rows, the comment says which.
	 */
	/* C: ADG + BH = ABDGH */
	{ { "sport = :22 or sport = :443 and dport = :0" }, "ABGH" },
	{ { "dport = :0 and sport = :22 or sport = :443" }, "ABGHJ" },
	/* C: BHJ + AG = ABGHJ */
	{ { "sport = :443 or dport = :0 and sport = :22" }, "AG" },
	/* juxtaposition is an "and" of the same rank: C would give ABDGH */
	{ { "sport = :22 or sport = :443 dport = :0" }, "ABGH" },
	{ { "not sport = :22 and dport = :0" }, "BHMN" },
	{ { "not sport = :22 or sport = :22" }, ALL },
	{ { "( sport = :22 or sport = :443 ) and dport = :0" }, "ABGH" },
	{ { "sport = :22 or ( sport = :443 and dport = :0 )" }, "ABDGH" },
	{ { "(sport=:22)" }, "ADG" },
	{ { "( ( ( sport = :22 ) ) )" }, "ADG" },
	{ { "not ( not ( sport = :22 or sport = :443 ) and dport = :0 )" },
	  "ABCDEFGHIJKL" },
	{ { "sport=:22 or(dport=:22)" }, "ACDGI" },
	/* C: BHJ + (ADG - dport 0) = BDHJ */
	{ { "sport = :443 or sport = :22 and not dport = :0" }, "DJ" },
	/* C: FN + (EL - src 10/8) = FLN */
	{ { "sport = :1 or sport = :0 or sport = :65535 and not src 10.0.0.0/8" },
	  "LN" },

	/* IPv4: tcp rows, and tcp6 rows only by a v4-mapped address */
	{ { "src 127.0.0.1" }, "ACDJ" },
	{ { "src = 127.0.0.1" }, "ACDJ" },
	{ { "src == 127.0.0.1" }, "ACDJ" },
	{ { "src eq 127.0.0.1" }, "ACDJ" },
	{ { "dst 127.0.0.1" }, "CDJ" },
	{ { "dst 0.0.0.0" }, "ABN" },		/* not "::": not mapped */
	{ { "src 0.0.0.0" }, "BN" },
	{ { "src 127.0.0.1:22" }, "AD" },
	{ { "dst 127.0.0.1:1024" }, "DJ" },
	{ { "src 127.0.0.1:*" }, "ACDJ" },
	{ { "src 127.0.0.0/8" }, "ACDJ" },
	{ { "src 127.255.255.255/8" }, "ACDJ" },	/* host bits ignored */
	{ { "src 127/8" }, "ACDJ" },		/* ss's short form */
	{ { "src 127.0.0.0/255.0.0.0" }, "ACDJ" },	/* a netmask */
	{ { "src 127.0.0.0/31" }, "ACDJ" },
	{ { "src 127.1" }, "" },		/* 127.1.0.0 for ss */
	{ { "src 10.0.0.0/8" }, "EFK" },
	{ { "src 10/8" }, "EFK" },
	{ { "src 10.1.2.3/32" }, "EK" },
	{ { "src 10.1.2.3" }, "EK" },
	{ { "dst 192.0.2.7" }, "EK" },
	{ { "src 10.128.0.0/9" }, "F" },
	{ { "src 10.0.0.0/9" }, "EK" },
	{ { "src 0.0.0.0/0" }, "ABCDEFJKN" },	/* not G H I L M */
	{ { "dst 0.0.0.0/0" }, "ABCDEFJKN" },
	{ { "src 0.0.0.0/1" }, "ABCDEFJKN" },
	{ { "src 128.0.0.0/1" }, "" },
	{ { "dst 128.0.0.0/1" }, "EK" },
	{ { "src 127.0.0.1/8:22" }, "AD" },
	{ { "src 0.0.0.0/32" }, "BN" },
	{ { "src 0.0.0.0/8" }, "BN" },	/* "::", "::1" are no 0.x.x.x */

	/* IPv6: tcp6 rows only, v4-mapped ones by their IPv6 form */
	{ { "src [::1]" }, "GI" },
	{ { "dst [::1]" }, "I" },
	{ { "src ::1" }, "GI" },
	{ { "dst [::]" }, "GHM" },
	{ { "src ::" }, "H" },
	{ { "src [::ffff:127.0.0.1]" }, "J" },	/* never the tcp rows */
	{ { "dst ::ffff:127.0.0.1" }, "J" },
	{ { "src [::1]:22" }, "G" },
	{ { "src [::ffff:127.0.0.1]:443" }, "J" },
	{ { "src [::1/128]" }, "GI" },
	{ { "src [::1]/128" }, "GI" },
	{ { "src ::1/128" }, "GI" },
	{ { "src ::1/128:1023" }, "I" },
	{ { "src ::/0" }, V6 },
	{ { "dst ::/0" }, V6 },
	{ { "src ::/96" }, "GHIM" },
	{ { "src ::ffff:0:0/96" }, "JK" },
	{ { "src [::ffff:127.0.0.0/104]" }, "J" },
	{ { "src [::ffff:127.0.0.0]/104" }, "J" },
	{ { "src [::ffff:127.0.0.0]/104:443" }, "J" },
	{ { "src ::ffff:127.0.0.1/128" }, "J" },
	{ { "src 2001:db8::/32" }, "L" },
	{ { "dst 2001:db8::/32" }, "L" },
	{ { "dst 2001:db8::/48" }, "" },
	{ { "src 2001:db8::1/127" }, "L" },
	{ { "src ::127.0.0.1" }, "M" },
	{ { "src [::7f00:1]" }, "M" },
	{ { "src ::/0 and src 0.0.0.0/0" }, "JK" },
	{ { "src [::ffff:127.0.0.1] or src 127.0.0.1" }, "ACDJ" },
	{ { "src ::ffff:127.0.0.1:443" }, "J" },	/* ADDRESS:PORT */

	/* any address */
	{ { "src *" }, ALL },
	{ { "src *:22" }, "ADG" },
	{ { "dst *:*" }, ALL },
	{ { "src :22" }, "ADG" },
	{ { "dst :0" }, "ABGHMN" },
	{ { "src any" }, ALL },
	{ { "src all:443" }, "BHJ" },
	{ { "src default" }, ALL },

	/* "inet:", "inet6:": that family only, whatever else is said */
	{ { "src inet:127.0.0.1" }, "ACD" },
	{ { "src inet:*" }, V4 },
	{ { "dst inet6:*" }, V6 },
	{ { "src inet6:[::1]" }, "GI" },
	{ { "src inet6:::1" }, "GI" },
	{ { "sport = inet6::443" }, "HJ" },
	{ { "src inet:10.0.0.0/8 or sport = :22" }, "ADEF" },
	{ { "not src inet6:[::1]" }, "HJKLM" },
	{ { "src 0.0.0.0/0 and not src inet:127.0.0.1" }, "BEFN" },
	{ { "dst inet:0.0.0.0/0" }, V4 },

	/* arguments: tokens split across and within them */
	{ { "dport", "=", ":22" }, "CI" },
	{ { "dport=:22" }, "CI" },
	{ { "(dport = :22)" }, "CI" },
	{ { "(", "dport", "=", ":22", ")" }, "CI" },
	{ { "dport", "=:22" }, "CI" },
	{ { "", "sport = :22", "" }, "ADG" },
	{ { "sport\t=\t:22" }, "ADG" },
	{ { "( dport = :22 or sport = :443 )", "and", "not", "dst",
	    "10.0.0.0/8" }, "BCHIJ" },
	{ { "src 127.0.0.1", "and dport gt :1024" }, "" },
	{ { "src 127.0.0.1", "and dport gt :1023" }, "DJ" },
	{ { "dst [::1]/128 or dst ::ffff:127.0.0.1" }, "IJ" },
};

/* Mistakes: the exit status and the first line on stderr. */
static const struct {
	const char *argv[MAX_ARGS];
	int status;
	const char *msg;
} errors[] = {
	/* structure */
	{ { "(" }, 2, "expected a condition after '(', found the end of the expression" },
	{ { "( sport = :22" }, 2, "'(' is never closed: expected ')' before the end of the expression" },
	{ { "((sport = :22)" }, 2, "'(' is never closed: expected ')' before the end of the expression" },
	{ { "sport = :22 )" }, 2, "')' without a matching '('" },
	{ { ")" }, 2, "')' without a matching '('" },
	{ { "sport = :22 ) (" }, 2, "')' without a matching '('" },
	{ { "( )" }, 2, "nothing between '(' and ')': expected a condition such as 'dport = :22'" },
	{ { "sport = :22 (" }, 2, "expected a condition after '(', found the end of the expression" },
	{ { "and sport = :22" }, 2, "'and' has no condition before it" },
	{ { "( or sport = :22 )" }, 2, "'or' has no condition before it" },
	{ { "sport = :22 or" }, 2, "expected a condition after 'or', found the end of the expression" },
	{ { "sport = :22 and or dport = :1" }, 2, "expected a condition after 'and', found 'or'" },
	{ { "dst 1.2.3.4 || or dst 1.2.3.5" }, 2, "expected a condition after '||', found 'or'" },
	{ { "( sport = :22 and )" }, 2, "expected a condition after 'and', found ')'" },
	{ { "not" }, 2, "expected a condition after 'not', found the end of the expression" },
	{ { "sport = :22 !" }, 2, "expected a condition after '!', found the end of the expression" },
	{ { "( not )" }, 2, "expected a condition after 'not', found ')'" },
	{ { "not and sport = :22" }, 2, "expected a condition after 'not', found 'and'" },
	{ { "= :22" }, 2, "'=' has no 'sport', 'dport', 'src' or 'dst' before it" },
	{ { "sport = :22 = :23" }, 2, "'=' has no 'sport', 'dport', 'src' or 'dst' before it" },
	{ { "sport = :22 foo" }, 2, "unknown word 'foo': expected a condition (src, dst, sport, dport), 'not' or '('" },
	{ { "sport = :22 AND dport = :0" }, 2, "unknown word 'AND': ss's keywords are lower case" },
	{ { "SPORT = :22" }, 2, "unknown word 'SPORT': ss's keywords are lower case" },
	{ { "127.0.0.1" }, 2, "'127.0.0.1' has no 'src' or 'dst' before it: e.g. 'dst 127.0.0.1'" },
	{ { "[::1]:22" }, 2, "'[::1]:22' has no 'src' or 'dst' before it: e.g. 'dst [::1]:22'" },
	{ { ":22" }, 2, "':22' has no 'sport' or 'dport' before it: e.g. 'dport = :22'" },
	{ { "state established" }, 2, "'state' inside the filter expression: state filters come before it, as in ss: 'state established dport = :22'" },
	{ { "sport = :22 exclude listening" }, 2, "'exclude' inside the filter expression: state filters come before it, as in ss: 'state established dport = :22'" },

	/* ports */
	{ { "sport" }, 2, "expected a port after 'sport', found the end of the expression: e.g. 'sport = :22', 'sport > :1023'" },
	{ { "dport =" }, 2, "expected a port after '=', found the end of the expression: e.g. 'dport = :22', 'dport > :1023'" },
	{ { "dport = and" }, 2, "expected a port after '=', found 'and': e.g. 'dport = :22', 'dport > :1023'" },
	{ { "sport <> :22" }, 2, "expected a port after '<', found '>': e.g. 'sport = :22', 'sport > :1023'" },
	{ { "dport =< :22" }, 2, "expected a port after '=', found '<': e.g. 'dport = :22', 'dport > :1023'" },
	{ { "sport = :70000" }, 2, "port 70000 is out of range: a port is 0 to 65535" },
	{ { "sport = :65536" }, 2, "port 65536 is out of range: a port is 0 to 65535" },
	{ { "sport = 99999999999999999999999" }, 2, "port 99999999999999999999999 is out of range: a port is 0 to 65535" },
	{ { "sport = :ssh" }, 2, "'ssh' is a service name: tcpstates does not read /etc/services, write the port number (e.g. ':22', not ':ssh')" },
	{ { "sport = :022" }, 2, "port '022' has a leading zero, which ss reads as octal: write the port in decimal" },
	{ { "sport = :0x16" }, 2, "'0x16' is not a port: expected a number from 0 to 65535, or '*' for any port" },
	{ { "sport = :-1" }, 2, "'-1' is not a port: expected a number from 0 to 65535, or '*' for any port" },
	{ { "sport = :1.5" }, 2, "'1.5' is not a port: expected a number from 0 to 65535, or '*' for any port" },
	{ { "sport = :" }, 2, "no port number after ':': expected a number from 0 to 65535, or '*' for any port" },
	{ { "sport = *:22" }, 2, "'*:22' is not a port: expected a number from 0 to 65535, or '*' for any port" },
	{ { "sport > *" }, 2, "'*' is any port and cannot be compared with '>': give a number" },
	{ { "dport le :*" }, 2, "'*' is any port and cannot be compared with 'le': give a number" },

	/* addresses */
	{ { "src" }, 2, "expected an address after 'src', found the end of the expression: e.g. 'src 127.0.0.1', 'src 10.0.0.0/8' or 'src [::1]:22'" },
	{ { "dst = = 1.2.3.4" }, 2, "expected an address after '=', found '=': e.g. 'dst 127.0.0.1', 'dst 10.0.0.0/8' or 'dst [::1]:22'" },
	{ { "src 1.2.3.4 dst" }, 2, "expected an address after 'dst', found the end of the expression: e.g. 'dst 127.0.0.1', 'dst 10.0.0.0/8' or 'dst [::1]:22'" },
	{ { "src != 127.0.0.1" }, 2, "'src' takes no '!=': ss compares addresses with '=' only; for the opposite write 'not src ADDRESS'" },
	{ { "dst > 1.2.3.4" }, 2, "'dst' takes no '>': ss compares addresses with '=' only; for the opposite write 'not dst ADDRESS'" },
	{ { "src 127.0.0.1/33" }, 2, "prefix length 33 in '127.0.0.1/33' is out of range: an IPv4 prefix is 0 to 32 bits" },
	{ { "src [::1/129]" }, 2, "prefix length 129 in '::1/129' is out of range: an IPv6 prefix is 0 to 128 bits" },
	{ { "src ::/129" }, 2, "prefix length 129 in '::/129' is out of range: an IPv6 prefix is 0 to 128 bits" },
	{ { "src [::1]/129" }, 2, "prefix length 129 in '::1/129' is out of range: an IPv6 prefix is 0 to 128 bits" },
	{ { "src 10.0.0.0/" }, 2, "nothing after '/' in '10.0.0.0/': expected a prefix length from 0 to 32" },
	{ { "src 10.0.0.0/abc" }, 2, "bad prefix length 'abc' in '10.0.0.0/abc': expected 0 to 32 bits, or a netmask such as 255.255.255.0" },
	{ { "src 10.0.0.0/255.0.255.0" }, 2, "bad prefix length '255.0.255.0' in '10.0.0.0/255.0.255.0': expected 0 to 32 bits, or a netmask such as 255.255.255.0" },
	{ { "src 10.0.0.0/08" }, 2, "prefix length '08' in '10.0.0.0/08' has a leading zero, which ss reads as octal: write it in decimal" },
	{ { "src 1.2.3.4/8/8" }, 2, "bad prefix length '8/8' in '1.2.3.4/8/8': expected 0 to 32 bits, or a netmask such as 255.255.255.0" },
	{ { "src [::1/64]/64" }, 2, "two prefix lengths in '[::1/64]/64'" },
	{ { "src 256.0.0.1" }, 2, "'256.0.0.1' is not an IPv4 address: each part is 0 to 255" },
	{ { "src 1.2.3.4.5" }, 2, "'1.2.3.4.5' is not an IP address (tcpstates resolves no host names): write e.g. 127.0.0.1, 10.0.0.0/8, [::1] or [2001:db8::]/32" },
	{ { "src 010.0.0.1" }, 2, "'010.0.0.1' has a part with a leading zero, which ss reads as octal: write the address in decimal" },
	{ { "dst localhost" }, 2, "'localhost' is not an IP address (tcpstates resolves no host names): write e.g. 127.0.0.1, 10.0.0.0/8, [::1] or [2001:db8::]/32" },
	{ { "src 1.2.3.4\x01" }, 2, "'1.2.3.4?' is not an IP address (tcpstates resolves no host names): write e.g. 127.0.0.1, 10.0.0.0/8, [::1] or [2001:db8::]/32" },
	{ { "dst ::1:22" }, 2, "'::1:22' is ambiguous: ss reads it as address ::1 port 22; write '[::1]:22' for that, or '[::1:22]' for the IPv6 address" },
	{ { "dst fe80::1%lo" }, 2, "'fe80::1%lo' is neither an IP address nor ADDRESS:PORT: write an IPv6 address in brackets, e.g. [::1] or [::1]:22" },
	{ { "dst [::1" }, 2, "'[' without ']' in '[::1': write an IPv6 address as [::1] or [::1]:22" },
	{ { "dst []" }, 2, "no address between '[' and ']' in '[]'" },
	{ { "dst [::1]22" }, 2, "unexpected '22' after ']' in '[::1]22': expected ':PORT' or '/PREFIX' there, or nothing" },
	{ { "dst [::1]:ssh" }, 2, "'ssh' is a service name: tcpstates does not read /etc/services, write the port number (e.g. ':22', not ':ssh')" },
	{ { "dst *22" }, 2, "unexpected '22' after '*' in '*22': expected '*' or '*:PORT'" },
	{ { "dst 127.0.0.1:" }, 2, "no port number after ':': expected a number from 0 to 65535, or '*' for any port" },
	{ { "dst 127.0.0.1:70000" }, 2, "port 70000 is out of range: a port is 0 to 65535" },
	{ { "dst ::ffff:127.0.0.1:http" }, 2, "'http' is a service name: tcpstates does not read /etc/services, write the port number (e.g. ':22', not ':ssh')" },
	{ { "dst any/8" }, 2, "'any/8' is any address and takes no prefix length: write e.g. 0.0.0.0/0" },
	{ { "dst inet:[::1]" }, 2, "'::1' is not an IPv4 address, and 'inet:' here or before it in the expression makes every later address IPv4, as in ss" },
	{ { "dst inet6:[::1] or dst 127.0.0.1" }, 2, "'127.0.0.1' is not an IPv6 address, and 'inet6:' here or before it in the expression makes every later address IPv6, as in ss" },
	{ { "dst inet:127.0.0.1 or dst ::1" }, 2, "'::1' is not an IPv4 address, and 'inet:' here or before it in the expression makes every later address IPv4, as in ss" },
	{ { "dst inet:" }, 2, "no address after 'inet:': write e.g. 'inet:*' for any address of that family" },
	{ { "dst unix:/tmp/sock" }, 2, "not supported by tcpstates: 'unix:' addresses (the file holds TCP sockets only)" },
	{ { "sport = netlink:1" }, 2, "not supported by tcpstates: 'netlink:' addresses (the file holds TCP sockets only)" },

	/* ss's conditions on what the file does not hold */
	{ { "dev eth0" }, 2, "not supported by tcpstates: 'dev' (the file does not hold the device a socket is bound to)" },
	{ { "sport = :22 and dev = lo" }, 2, "not supported by tcpstates: 'dev' (the file does not hold the device a socket is bound to)" },
	{ { "fwmark = 0x1/0xff" }, 2, "not supported by tcpstates: 'fwmark' (the file does not hold socket marks)" },
	{ { "cgroup = /sys/fs/cgroup" }, 2, "not supported by tcpstates: 'cgroup' (the file does not hold cgroups)" },
	{ { "not autobound" }, 2, "not supported by tcpstates: 'autobound' (the file does not hold whether a port was bound explicitly)" },
};

static int passed, failed;

static void verdict(bool ok, const char *what, const char *detail)
{
	if (ok) {
		passed++;
		printf("ok %d - %s\n", passed + failed, what);
	} else {
		failed++;
		printf("not ok %d - %s\n", passed + failed, what);
		if (detail)
			printf("#   %s\n", detail);
	}
}

static int count_args(const char *const *argv)
{
	int n = 0;

	while (n < MAX_ARGS && argv[n])
		n++;
	return n;
}

/* "a" "b c": for test names. */
static void describe(char *buf, size_t size, int argc, const char *const *argv)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	if (!argc)
		snprintf(buf, size, "(no argument)");
	for (i = 0; i < argc && len < size; i++)
		len += snprintf(buf + len, size - len, "%s'%s'", i ? " " : "",
				argv[i]);
}

/* The selected rows' letters, in row order. */
static void select_rows(const struct tcps_expr *e, char *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct tcps_row r = {
			.v6 = rows[i].v6,
			.local = { rows[i].laddr, rows[i].lport },
			.remote = { rows[i].raddr, rows[i].rport },
		};

		if (tcps_expr_match(e, &r))
			*out++ = rows[i].name;
	}
	*out = '\0';
}

/*
 * Parse with stderr caught in a file: the status, and stderr's first
 * line (without its newline) in @line.
 */
static int parse_quietly(int argc, char **argv, struct tcps_expr **e,
			 char *line, size_t size)
{
	FILE *f = tmpfile();
	int saved, rc;

	line[0] = '\0';
	if (!f) {
		perror("tmpfile");
		exit(1);
	}
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fileno(f), STDERR_FILENO) < 0) {
		perror("dup");
		exit(1);
	}
	rc = tcps_expr_parse(argc, argv, e);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	if (fgets(line, (int)size, f))
		line[strcspn(line, "\n")] = '\0';
	fclose(f);
	return rc;
}

static void check_match(int argc, char **argv, const char *want)
{
	char name[512], detail[1200], got[ARRAY_SIZE(rows) + 1], err[512];
	struct tcps_expr *e;
	int rc;

	describe(name, sizeof(name), argc, (const char *const *)argv);
	rc = parse_quietly(argc, argv, &e, err, sizeof(err));
	if (rc || !e) {
		snprintf(detail, sizeof(detail), "status %d: %s", rc, err);
		verdict(false, name, detail);
		return;
	}
	select_rows(e, got);
	tcps_expr_free(e);
	snprintf(detail, sizeof(detail), "rows %s, expected %s%s%s",
		 *got ? got : "(none)", *want ? want : "(none)",
		 *err ? "; stderr: " : "", err);
	snprintf(name + strlen(name), sizeof(name) - strlen(name),
		 " selects %s", *want ? want : "nothing");
	verdict(!strcmp(got, want) && !*err, name, detail);
}

static void check_error(int argc, char **argv, int status, const char *msg)
{
	char name[512], detail[1200], want[512], err[512];
	struct tcps_expr *e = NULL;
	int rc;

	describe(name, sizeof(name), argc, (const char *const *)argv);
	snprintf(name + strlen(name), sizeof(name) - strlen(name),
		 " is refused");
	snprintf(want, sizeof(want), TCPS_PROG ": %s", msg);
	rc = parse_quietly(argc, argv, &e, err, sizeof(err));
	snprintf(detail, sizeof(detail), "status %d, expected %d; message:\n#   %s\n#   expected:\n#   %s",
		 rc, status, err, want);
	verdict(rc == status && !e && !strcmp(err, want), name, detail);
	tcps_expr_free(e);
}

/* @n copies of @unit then of @close, for nesting limits. */
static char *repeat(const char *unit, int n, const char *middle,
		    const char *close)
{
	size_t ul = strlen(unit), cl = strlen(close), ml = strlen(middle);
	char *s = malloc(n * (ul + cl) + ml + 1), *p = s;
	int i;

	if (!s) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, middle, ml);
	p += ml;
	for (i = 0; i < n; i++, p += cl)
		memcpy(p, close, cl);
	*p = '\0';
	return s;
}

/* The expression repeat() makes: selects @rows, or is refused with @msg. */
static void check_repeat(const char *unit, int n, const char *middle,
			 const char *close, const char *rows, const char *msg)
{
	char *argv[1] = { repeat(unit, n, middle, close) };

	if (msg)
		check_error(1, argv, 2, msg);
	else
		check_match(1, argv, rows);
	free(argv[0]);
}

/* The limits: nesting, tokens, length; and what is just inside them. */
static void check_limits(void)
{
	const char *deep = "parentheses and 'not' nested deeper than 64";
	int depth = TCPS_EXPR_MAX_DEPTH;
	char *s, *argv[1], msg[512];

	check_repeat("(", depth, "sport = :22", ")", "ADG", NULL);
	check_repeat("(", depth + 1, "sport = :22", ")", NULL, deep);
	check_repeat("! ", depth, "sport = :22", "", "ADG", NULL);
	check_repeat("not ", depth + 1, "sport = :22", "", NULL, deep);
	check_repeat("( not ", depth / 2, "sport = :22", " )", "ADG", NULL);
	check_repeat("( not ", depth / 2 + 1, "sport = :22", " )", NULL, deep);
	/* Exactly the most characters, and one more. */
	check_repeat(" ", TCPS_EXPR_MAX_TEXT - 11, "sport = :22", "", "ADG",
		     NULL);
	check_repeat(" ", TCPS_EXPR_MAX_TEXT - 10, "sport = :22", "", NULL,
		     "the filter expression is longer than 65536 characters");

	/*
	 * "! sport = :22" and 1023 times "or sport = :22": 4096 tokens;
	 * one more "!" is one too many.
	 */
	s = repeat(" or sport = :22", TCPS_EXPR_MAX_TOKENS / 4, "", "");
	memcpy(s, " ! ", 3);
	argv[0] = s;
	check_match(1, argv, ALL);
	memcpy(s, "!! ", 3);
	check_error(1, argv, 2, "the filter expression has more than 4096 words and operators");
	free(s);

	/* A long word is quoted cut to 48 characters and "...". */
	s = repeat("1", 60000, "", "");
	memcpy(s, "dst ", 4);
	argv[0] = s;
	snprintf(msg, sizeof(msg), "'%.48s...' is not an IP address (tcpstates resolves no host names): write e.g. 127.0.0.1, 10.0.0.0/8, [::1] or [2001:db8::]/32",
		 s + 4);
	check_error(1, argv, 2, msg);
	memcpy(s, "dst [", 5);
	snprintf(msg, sizeof(msg), "'[' without ']' in '%.48s...': write an IPv6 address as [::1] or [::1]:22",
		 s + 4);
	check_error(1, argv, 2, msg);
	free(s);
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(matches); i++)
		check_match(count_args(matches[i].argv),
			    (char **)matches[i].argv, matches[i].want);
	for (i = 0; i < ARRAY_SIZE(errors); i++)
		check_error(count_args(errors[i].argv),
			    (char **)errors[i].argv, errors[i].status,
			    errors[i].msg);
	check_limits();
	tcps_expr_free(NULL);
	printf("passed=%d failed=%d\n", passed, failed);
	return failed ? 1 : 0;
}
