/* The fixture of the IKEv2 engine tests (test_ikev2*.c): our MAG and our
 * LMA in memory (ikev2_pair.h), set up from [ike] text, and the check that
 * an IKE SA with one CHILD_SA is up on both with keys that agree.
 * Included once per test file; every function is static. */
#ifndef PMIP_TESTS_IKEV2_FIXTURE_H
#define PMIP_TESTS_IKEV2_FIXTURE_H

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2_pair.h"
#include "log.h"

#define MAG_ADDR "2001:db8:c::1"
#define LMA_ADDR "2001:db8:c::2"
#define PSK "a pre-shared key of some length"
#define PKI PMIP_SOURCE_ROOT "/tests/data/ike/crypto/pki/"

static struct pair_net net;
static struct pair_node mag, lma;

static void __attribute__((unused)) quiet(void)
{
	/* PMIP_TEST_LOG=debug|info|... shows the engines' logs. */
	const char *lvl = getenv("PMIP_TEST_LOG");
	pmip_log_set_level(lvl != NULL ? (enum pmip_log_level)pmip_log_level_parse(lvl)
				       : PMIP_LOG_WARNING);
}

static void __attribute__((unused)) fini(void)
{
	pair_net_fini(&net);
}

/* Both nodes; extra: lines added to [ike] of both (proposals...). */
static void setup(const char *mag_ike, const char *lma_ike, const char *mag_peer,
		  const char *lma_peer)
{
	char m[2048], l[2048];
	snprintf(m, sizeof(m), "[ike]\n%s\n[ike.peer.lma1]\naddress = " LMA_ADDR "\n%s\n",
		 mag_ike ? mag_ike : "", mag_peer ? mag_peer : "psk = " PSK);
	snprintf(l, sizeof(l), "[ike]\n%s\n[ike.peer.mag1]\naddress = " MAG_ADDR "\n%s\n",
		 lma_ike ? lma_ike : "", lma_peer ? lma_peer : "psk = " PSK);
	pair_net_init(&net);
	cr_assert_eq(pair_node_init(&mag, &net, "mag1", "mag", MAG_ADDR, m), 0);
	cr_assert_eq(pair_node_init(&lma, &net, "lma1", "lma", LMA_ADDR, l), 0);
}

static __attribute__((unused)) struct ikev2_sa *mag_connect(const char *want)
{
	struct in6_addr w = { 0 };
	if (want != NULL)
		inet_pton(AF_INET6, want, &w);
	const char *why = NULL;
	struct ikev2_sa *sa = ikev2_connect(&mag.e, &mag.cfg.ike.peers[0], want ? &w : NULL, &why);
	cr_assert_not_null(sa, "connect: %s", why ? why : "?");
	return sa;
}

static bool both_up(void *arg)
{
	(void)arg;
	return pair_sas(&mag, IKEV2_ESTABLISHED) == 1 && pair_sas(&lma, IKEV2_ESTABLISHED) == 1 &&
	       pair_esp_count(&mag) == 2 && pair_esp_count(&lma) == 2 && net.mn.n == 0;
}

/* Established on both sides, one CHILD_SA whose keys agree. */
static void assert_up(void)
{
	cr_assert(pair_run(&net, both_up, NULL, 5000), "not established: mag %u/%u lma %u/%u",
		  pair_sas(&mag, IKEV2_ESTABLISHED), pair_esp_count(&mag),
		  pair_sas(&lma, IKEV2_ESTABLISHED), pair_esp_count(&lma));
	unsigned pairs;
	cr_assert(pair_esp_match(&mag, &lma, &pairs), "ESP SAs and keys agree both ways");
	cr_assert_eq(pairs, 2);
	struct ikev2_sa *a = pair_first_sa(&mag, IKEV2_ESTABLISHED);
	struct ikev2_sa *b = pair_first_sa(&lma, IKEV2_ESTABLISHED);
	cr_assert_eq(a->spi_i, b->spi_i);
	cr_assert_eq(a->spi_r, b->spi_r);
	cr_assert(a->initiator && !b->initiator);
	/* Both logged the same IKE keys for tshark. */
	cr_assert_str_eq(mag.last_keylog, lma.last_keylog);
	cr_assert_eq(mag.e.stats.rx_icv + lma.e.stats.rx_icv, 0);
	cr_assert_eq(mag.e.stats.rx_malformed + lma.e.stats.rx_malformed, 0);
}

#endif
