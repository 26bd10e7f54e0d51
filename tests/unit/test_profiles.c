/* The MN profile table (cp/pmip/pmip_profiles.c): the format, every rule
 * with its file:line message, lookups, and truncation and bit flips. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "pmip_profiles.h"

static const char GOOD[] =
	"# NAI MAC LMA HNP [hoa=] [mags=]\n"
	"mn1@lab.example  02:00:00:00:01:01  2001:db8:c::2  2001:db8:1000::/64  hoa=2001:db8:1000::100\n"
	"\n"
	"mn2@lab.example\t02:00:00:00:01:02\t2001:db8:c::2\t2001:db8:1001::/64 mags=2001:db8:c::1,2001:db8:c::3 # two MAGs\n"
	"   mn3@lab.example 0a:00:00:00:01:03 2001:db8:c::4 2001:db8:1000::/64 hoa=2001:db8:1000::101\r\n";

static struct pmip_config_errors errs;

static int parse(const char *text, struct pmip_profiles *t)
{
	memset(&errs, 0, sizeof(errs));
	return pmip_profiles_parse(text, strlen(text), "p.tab", t, &errs);
}

static struct in6_addr A(const char *s)
{
	struct in6_addr a;
	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	return a;
}

Test(profiles, good_table)
{
	struct pmip_profiles t;
	cr_assert_eq(parse(GOOD, &t), 0, "%s", errs.msg[0]);
	cr_assert_eq(t.n, 3);
	const uint8_t mac2[6] = { 2, 0, 0, 0, 1, 2 };
	const struct pmip_profile_entry *e = pmip_profiles_by_mac(&t, mac2);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->p.mn_id, "mn2@lab.example");
	cr_assert_eq(e->line, 4);
	struct in6_addr lma = A("2001:db8:c::2"), hnp = A("2001:db8:1001::");
	cr_assert_arr_eq(&e->p.lma, &lma, 16);
	cr_assert_arr_eq(&e->p.hnp, &hnp, 16);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&e->p.hoa));
	cr_assert_eq(e->n_mags, 2);
	struct in6_addr m1 = A("2001:db8:c::1"), m3 = A("2001:db8:c::3"), m9 = A("2001:db8:c::9");
	cr_assert(pmip_profiles_mag_allowed(e, &m1));
	cr_assert(pmip_profiles_mag_allowed(e, &m3));
	cr_assert_not(pmip_profiles_mag_allowed(e, &m9));

	e = pmip_profiles_by_nai(&t, "mn3@lab.example");
	cr_assert_not_null(e);
	struct in6_addr hoa = A("2001:db8:1000::101");
	cr_assert_arr_eq(&e->p.hoa, &hoa, 16);
	cr_assert_eq(e->p.mac[0], 0x0a);
	cr_assert(pmip_profiles_mag_allowed(e, &m9), "no mags=: any MAG");
	cr_assert_null(pmip_profiles_by_nai(&t, "mn4@lab.example"));
	cr_assert_null(pmip_profiles_by_nai(&t, "mn1@lab.exampl"));
	const uint8_t other[6] = { 2, 0, 0, 0, 1, 4 };
	cr_assert_null(pmip_profiles_by_mac(&t, other));
	pmip_profiles_free(&t);
}

/* Each broken rule: the line and the message an operator reads. */
static const struct {
	const char *line;
	const char *want;
} BAD[] = {
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2", "p.tab:2: a profile needs NAI MAC LMA HNP/64 (3 fields given)" },
	{ "mn1 02:00:00:00:01 2001:db8:c::2 2001:db8:1::/64", "p.tab:2: MAC: not a link-layer address xx:xx:xx:xx:xx:xx" },
	{ "mn1 02-00-00-00-01-01 2001:db8:c::2 2001:db8:1::/64", "p.tab:2: MAC: not a link-layer address xx:xx:xx:xx:xx:xx" },
	{ "mn1 02:00:00:00:01:0g 2001:db8:c::2 2001:db8:1::/64", "p.tab:2: MAC: not a link-layer address xx:xx:xx:xx:xx:xx" },
	{ "mn1 03:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64", "p.tab:2: MAC: a multicast address" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::zz 2001:db8:1::/64", "p.tab:2: LMA: not a unicast IPv6 address" },
	{ "mn1 02:00:00:00:01:01 ff02::1 2001:db8:1::/64", "p.tab:2: LMA: not a unicast IPv6 address" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/48", "p.tab:2: HNP: not a prefix of length 64 (PREFIX/64)" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::", "p.tab:2: HNP: not a prefix of length 64 (PREFIX/64)" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 fe80::/64", "p.tab:2: HNP: not a global IPv6 prefix" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::5/64", "p.tab:2: HNP: bits set past the prefix length 64" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 hoa=2001:db8:2::5", "p.tab:2: hoa: not a unicast address inside the HNP" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 hoa=2001:db8:1::", "p.tab:2: hoa: not a unicast address inside the HNP" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 hoa=2001:db8:1::5 hoa=2001:db8:1::6", "p.tab:2: field 6: 'hoa=2001:db8:1::6' is not hoa=ADDRESS or mags=LIST (each at most once)" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 lifetime=5", "p.tab:2: field 5: 'lifetime=5' is not hoa=ADDRESS or mags=LIST (each at most once)" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 mags=", "p.tab:2: mags: empty list" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 mags=2001:db8::1,x", "p.tab:2: mags: 'x' is not a unicast IPv6 address" },
	{ "mn1 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64 mags=2001:db8::1,2001:db8::2,2001:db8::3,2001:db8::4,2001:db8::5", "p.tab:2: mags: more than 4 MAGs" },
	{ "a b c d e f g h i", "p.tab:2: more than 8 fields" },
};

Test(profiles, every_rule_names_the_line_and_field)
{
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		char text[600];
		struct pmip_profiles t;
		snprintf(text, sizeof(text), "# header\n%s\n", BAD[i].line);
		cr_assert_eq(parse(text, &t), -1, "accepted: %s", BAD[i].line);
		cr_assert_eq(errs.n, 1, "%s: %u errors", BAD[i].line, errs.n);
		cr_assert_str_eq(errs.msg[0], BAD[i].want);
		cr_assert_eq(t.n, 0);
		cr_assert_null(t.e);
	}
}

Test(profiles, nai_limits)
{
	char text[800], nai[300];
	struct pmip_profiles t;
	memset(nai, 'n', 253);
	nai[253] = 0;
	snprintf(text, sizeof(text), "%s 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64\n", nai);
	cr_assert_eq(parse(text, &t), 0, "253 octets (RFC 7542 2.2) fit: %s", errs.msg[0]);
	cr_assert_not_null(pmip_profiles_by_nai(&t, nai));
	pmip_profiles_free(&t);
	nai[253] = 'n';
	nai[254] = 0;
	snprintf(text, sizeof(text), "%s 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64\n", nai);
	cr_assert_eq(parse(text, &t), -1);
	cr_assert_str_eq(errs.msg[0], "p.tab:1: NAI: longer than 253 octets");
	const char ctl[] = "mn\x01x 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64\n";
	cr_assert_eq(parse(ctl, &t), -1);
	cr_assert_str_eq(errs.msg[0], "p.tab:1: NAI: control character at octet 3");
	const char nul[] = "mn\0x 02:00:00:00:01:01 2001:db8:c::2 2001:db8:1::/64\n";
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(pmip_profiles_parse(nul, sizeof(nul) - 1, "p.tab", &t, &errs), -1);
	cr_assert_str_eq(errs.msg[0], "p.tab:1: a NUL octet in the line");
}

Test(profiles, duplicates_name_both_lines)
{
	struct pmip_profiles t;
	cr_assert_eq(parse("a 02:00:00:00:00:01 2001:db8:c::2 2001:db8:1::/64 hoa=2001:db8:1::9\n"
			   "b 02:00:00:00:00:02 2001:db8:c::2 2001:db8:1::/64 hoa=2001:db8:1::9\n"
			   "a 02:00:00:00:00:03 2001:db8:c::2 2001:db8:2::/64\n"
			   "d 02:00:00:00:00:01 2001:db8:c::2 2001:db8:3::/64\n"
			   "e 02:00:00:00:00:05 2001:db8:c::2 2001:db8:4::/64\n"
			   "f 02:00:00:00:00:06 2001:db8:c::2 2001:db8:4::/64\n",
			   &t), -1);
	cr_assert_eq(errs.n, 3);
	/* In index order: MAC, NAI, hoa. No home address twice unless set. */
	cr_assert_str_eq(errs.msg[0], "p.tab:4: MAC: same as the profile at line 1");
	cr_assert_str_eq(errs.msg[1], "p.tab:3: NAI: same as the profile at line 1");
	cr_assert_str_eq(errs.msg[2], "p.tab:2: hoa: same as the profile at line 1");
	cr_assert_eq(t.n, 0);
}

Test(profiles, errors_on_many_lines_all_reported)
{
	struct pmip_profiles t;
	cr_assert_eq(parse("x\ny\n# fine\nmn 02:00:00:00:00:01 2001:db8:c::2 2001:db8:1::/64\nz\n", &t), -1);
	cr_assert_eq(errs.n, 3);
	cr_assert(strncmp(errs.msg[0], "p.tab:1: ", 9) == 0);
	cr_assert(strncmp(errs.msg[1], "p.tab:2: ", 9) == 0);
	cr_assert(strncmp(errs.msg[2], "p.tab:5: ", 9) == 0);
}

Test(profiles, empty_table_is_valid)
{
	struct pmip_profiles t;
	cr_assert_eq(parse("# nobody yet\n\n", &t), 0);
	cr_assert_eq(t.n, 0);
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	cr_assert_null(pmip_profiles_by_mac(&t, mac));
	cr_assert_null(pmip_profiles_by_nai(&t, "x"));
	pmip_profiles_free(&t);
}

Test(profiles, load_relative_to_the_ini)
{
	char dir[] = "/tmp/pmip-profiles-XXXXXX", file[300], ini[300];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/mns.tab", dir);
	snprintf(ini, sizeof(ini), "%s/mag.ini", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs(GOOD, f);
	fclose(f);
	struct pmip_profiles t;
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(pmip_profiles_load("mns.tab", ini, &t, &errs), 0, "%s", errs.msg[0]);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.path, file);
	pmip_profiles_free(&t);
	cr_assert_eq(pmip_profiles_load(file, "elsewhere/x.ini", &t, &errs), 0);
	pmip_profiles_free(&t);
	cr_assert_eq(pmip_profiles_load("missing.tab", ini, &t, &errs), -1);
	char want[400];
	snprintf(want, sizeof(want), "%s/missing.tab: cannot open: No such file or directory", dir);
	cr_assert_str_eq(errs.msg[0], want);
	cr_assert_eq(pmip_profiles_load(dir, ini, &t, &errs), -1, "a directory is refused");
	unlink(file);
	rmdir(dir);
}

/* Many profiles: every one found by MAC and NAI through the sorted indexes. */
Test(profiles, many_lookups)
{
	enum { N = 5000 };
	size_t cap = (size_t)N * 100;
	char *text = malloc(cap);
	size_t off = 0;
	for (unsigned i = 0; i < N; i++) {
		unsigned k = (i * 7919u) % 65521;   /* not in MAC or NAI order */
		off += (size_t)snprintf(text + off, cap - off,
					"mn%u@x 02:00:00:00:%02x:%02x 2001:db8:c::2 2001:db8:%x::/64\n", k,
					k >> 8, k & 0xff, k);
	}
	struct pmip_profiles t;
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(pmip_profiles_parse(text, off, "p.tab", &t, &errs), 0, "%s", errs.msg[0]);
	cr_assert_eq(t.n, N);
	for (unsigned i = 0; i < N; i++) {
		char nai[32];
		unsigned k = (i * 7919u) % 65521;
		uint8_t mac[6] = { 2, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k };
		snprintf(nai, sizeof(nai), "mn%u@x", k);
		const struct pmip_profile_entry *a = pmip_profiles_by_mac(&t, mac);
		const struct pmip_profile_entry *b = pmip_profiles_by_nai(&t, nai);
		cr_assert_not_null(a, "%s", nai);
		cr_assert_eq(a, b, "%s", nai);
		cr_assert_eq(a->line, (int)i + 1);
	}
	pmip_profiles_free(&t);
	free(text);
}

/* Every prefix of a good table, and every single-bit flip of it: a table
 * or errors, never a crash or a half-built table; every entry found. */
static void check_any(const char *buf, size_t len)
{
	struct pmip_profiles t;
	memset(&errs, 0, sizeof(errs));
	if (pmip_profiles_parse(buf, len, "p.tab", &t, &errs) != 0) {
		cr_assert_gt(errs.n, 0);
		cr_assert_eq(t.n, 0);
		return;
	}
	cr_assert_eq(errs.n, 0);
	for (unsigned i = 0; i < t.n; i++) {
		cr_assert_eq(pmip_profiles_by_mac(&t, t.e[i].p.mac), &t.e[i]);
		cr_assert_eq(pmip_profiles_by_nai(&t, t.e[i].p.mn_id), &t.e[i]);
	}
	pmip_profiles_free(&t);
}

Test(profiles, truncation_and_bit_flips)
{
	size_t n = strlen(GOOD);
	unsigned parsed = 0;
	for (size_t len = 0; len <= n; len++) {
		char *copy = malloc(len ? len : 1);   /* exact size: ASan sees any overread */
		memcpy(copy, GOOD, len);
		check_any(copy, len);
		parsed += errs.n == 0;
		free(copy);
	}
	cr_assert_gt(parsed, 2, "some prefixes end on a line boundary and parse");
	char *copy = malloc(n);
	for (size_t i = 0; i < n * 8; i++) {
		memcpy(copy, GOOD, n);
		copy[i / 8] ^= (char)(1 << (i % 8));
		check_any(copy, n);
	}
	free(copy);
}
