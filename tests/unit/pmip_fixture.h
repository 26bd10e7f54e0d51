/* The fixture of the PMIPv6 engine tests (test_pmip*.c): two MAGs and an
 * LMA in memory (pmip_pair.h) and MN profiles:
 *   mn1  02:..:01  2001:db8:1::/64  home address 2001:db8:1::10
 *   mn2  02:..:02  2001:db8:2::/64  no home address
 *   mn3  02:..:03  2001:db8:5::/64  home address 2001:db8:5::1
 *   mn4  02:..:04  2001:db8:5::/64  home address 2001:db8:5::1 (mn3's:
 *                  the shared-prefix conflict of seed 4.3)
 * Included once per test file; every function is static. */
#ifndef PMIP_TESTS_PMIP_FIXTURE_H
#define PMIP_TESTS_PMIP_FIXTURE_H

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pmip_internal.h"
#include "pmip_pair.h"

#define MAG1_ADDR "2001:db8:c::1"
#define LMA_ADDR "2001:db8:c::2"
#define MAG2_ADDR "2001:db8:c::3"
#define MN1 "mn1@example.net"
#define MN2 "mn2@example.net"
#define MN3 "mn3@example.net"
#define MN4 "mn4@example.net"

static struct pp_net net;
static struct pp_node mag1, mag2, lma;
static struct in6_addr lma_addr, mag1_addr, mag2_addr;

static void __attribute__((unused)) quiet(void)
{
	/* PMIP_TEST_LOG=debug|info|... shows the engines' logs. */
	const char *lvl = getenv("PMIP_TEST_LOG");
	pmip_log_set_level(lvl != NULL ? (enum pmip_log_level)pmip_log_level_parse(lvl)
				       : PMIP_LOG_ERR);
}

static void __attribute__((unused)) fini(void)
{
	pp_net_fini(&net);
}

static void setup(void)
{
	pp_net_init(&net);
	cr_assert_eq(pp_node_init(&mag1, &net, "mag1", "mag", MAG1_ADDR), 0);
	cr_assert_eq(pp_node_init(&lma, &net, "lma", "lma", LMA_ADDR), 0);
	cr_assert_eq(pp_node_init(&mag2, &net, "mag2", "mag", MAG2_ADDR), 0);
	inet_pton(AF_INET6, LMA_ADDR, &lma_addr);
	inet_pton(AF_INET6, MAG1_ADDR, &mag1_addr);
	inet_pton(AF_INET6, MAG2_ADDR, &mag2_addr);
	cr_assert_not_null(pp_profile_add(&net, MN1, 1, LMA_ADDR, "2001:db8:1::", "2001:db8:1::10"));
	cr_assert_not_null(pp_profile_add(&net, MN2, 2, LMA_ADDR, "2001:db8:2::", NULL));
	cr_assert_not_null(pp_profile_add(&net, MN3, 3, LMA_ADDR, "2001:db8:5::", "2001:db8:5::1"));
	cr_assert_not_null(pp_profile_add(&net, MN4, 4, LMA_ADDR, "2001:db8:5::", "2001:db8:5::1"));
}

static const struct pmip_profile *__attribute__((unused)) profile(const char *mn)
{
	for (unsigned i = 0; i < net.n_profiles; i++)
		if (strcmp(net.profiles[i].mn_id, mn) == 0)
			return &net.profiles[i];
	cr_assert_fail("no profile %s", mn);
	return NULL;
}

static void __attribute__((unused)) attach(struct pp_node *mag, uint8_t k)
{
	uint8_t mac[6];
	pp_mac(k, mac);
	pmip_mag_attach(mag->pe, mac, 7, PMIP_MH_ATT_ETHERNET);
}

static void __attribute__((unused)) detach(struct pp_node *mag, uint8_t k)
{
	uint8_t mac[6];
	pp_mac(k, mac);
	pmip_mag_detach(mag->pe, mac);
}

static void __attribute__((unused)) settle(void)
{
	cr_assert(pp_run(&net, NULL, NULL, 10000), "signalling did not settle");
}

static struct pmip_entry *__attribute__((unused)) entry(struct pp_node *n, const char *mn)
{
	return pmip_entry_by_mn(n->pe, mn, strlen(mn));
}

static const char *__attribute__((unused)) state_of(struct pp_node *n, const char *mn)
{
	struct pmip_entry *e = entry(n, mn);
	return e != NULL ? pmip_state_name(e->state) : "none";
}

static const struct pmip_sig_stats *__attribute__((unused)) st(const struct pp_node *n)
{
	return pmip_engine_stats(n->pe);
}

/* MN mn is registered through mag: registered at the MAG, active at the
 * LMA, and the two data planes agree on prefix, home address, peers and
 * lifetime. */
static void __attribute__((unused)) assert_registered(struct pp_node *mag, const char *mn)
{
	const struct pmip_profile *p = profile(mn);
	cr_assert_str_eq(state_of(mag, mn), "registered", "%s at %s", mn, mag->name);
	cr_assert_str_eq(state_of(&lma, mn), "active", "%s at the LMA", mn);
	const struct pmip_binding *m = pp_dp_by_mn(mag, mn), *l = pp_dp_by_mn(&lma, mn);
	cr_assert_not_null(m, "%s in %s's data plane", mn, mag->name);
	cr_assert_not_null(l, "%s in the LMA's data plane", mn);
	cr_assert_eq(memcmp(&m->hnp, &p->hnp, 16), 0, "MAG prefix");
	cr_assert_eq(memcmp(&l->hnp, &p->hnp, 16), 0, "LMA prefix");
	cr_assert_eq(memcmp(&m->hoa, &l->hoa, 16), 0, "both have the same home address");
	cr_assert_eq(memcmp(&m->peer, &lma.addr, 16), 0, "the MAG's peer is the LMA");
	cr_assert_eq(memcmp(&l->peer, &mag->addr, 16), 0, "the LMA's peer is %s", mag->name);
	cr_assert_eq(memcmp(m->mac, p->mac, 6), 0);
	cr_assert_eq(memcmp(l->mac, p->mac, 6), 0, "the LMA learnt the MAC from the MN-LLID");
	cr_assert_eq(m->att, PMIP_MH_ATT_ETHERNET);
	cr_assert_eq(l->att, PMIP_MH_ATT_ETHERNET);
	const struct pmip_binding *me = pmip_binding_by_mn_id(mag->pe, mn);
	const struct pmip_binding *le = pmip_binding_by_mn_id(lma.pe, mn);
	cr_assert_not_null(me);
	cr_assert_not_null(le);
	cr_assert_eq(me->lifetime_s, le->lifetime_s, "lifetimes agree (%u, %u)", me->lifetime_s,
		     le->lifetime_s);
	cr_assert_gt(le->lifetime_s, 0);
}

#endif
