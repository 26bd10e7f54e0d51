/* ESP in the data plane (RFC 4303), the SA database: SA_ADD / SA_DEL
 * rules and rekey bursts on a full table (esp_sa), lifetimes (esp_life)
 * and make-before-break rekeying (esp_rekey). Setup and helpers:
 * esp_dp_util.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_launch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "esp_dp_util.h"

/* ---------------------------------------------------------- SA rules ---- */

TestSuite(esp_sa, .init = gw_setup, .fini = h_fini);

static void assert_empty(uint32_t id, uint32_t spi)
{
	cr_assert_eq(dp.sas.count, 0, "no SA counted");
	cr_assert_null(dp_sa_get(&dp.sas, id), "no SA published");
	uint64_t key = spi;
	cr_assert_lt(rte_hash_lookup(dp.sas.in_by_spi, &key), 0, "SPI not in the table");
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), 0);
	for (uint32_t i = 1; i < H_MAX_SAS; i++)
		cr_assert_null(dp.sas.sa[i]);
}

#define REJECT(stmt, want)                                                                  \
	do {                                                                                \
		struct pmip_ctl_sa s = base;                                                \
		stmt;                                                                       \
		int rc_ = h_sa(&s);                                                         \
		cr_assert_eq(rc_, want, "%s: got %d", #stmt, rc_);                          \
		assert_empty(s.id, s.spi);                                                  \
	} while (0)

#define ACCEPT(stmt)                                                                        \
	do {                                                                                \
		struct pmip_ctl_sa s = base;                                                \
		stmt;                                                                       \
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK, "%s", #stmt);                           \
		cr_assert_eq(dp.sas.count, 1);                                              \
		cr_assert_eq(h_sa_del(s.id), PMIP_CTL_OK);                                  \
		assert_empty(s.id, s.spi);                                                  \
	} while (0)

Test(esp_sa, every_invalid_field_is_rejected_and_leaves_nothing)
{
	const struct pmip_ctl_sa base = h_sa_spec(7, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128, 0x4242,
						  LMA, MAG);
	const int INV = PMIP_CTL_REJECT_INVALID;
	REJECT(s.id = 0, INV);
	REJECT(s.id = H_MAX_SAS, INV);
	REJECT(s.id = 100000, INV);
	REJECT(s.alg = 0, INV);
	REJECT(s.alg = 5, INV);
	REJECT(s.alg = 255, INV);
	REJECT(s.enc_key_len = 16, INV);          /* GCM-128 needs 16 + 4 salt */
	REJECT(s.enc_key_len = 21, INV);
	REJECT(s.auth_key_len = 32, INV);         /* GCM has no auth key */
	REJECT((s.alg = GCM256, s.enc_key_len = 32), INV);
	REJECT((s.alg = CBC128, s.enc_key_len = 16, s.auth_key_len = 0), INV);
	REJECT((s.alg = CBC128, s.enc_key_len = 16, s.auth_key_len = 16), INV);
	REJECT((s.alg = CBC256, s.enc_key_len = 16, s.auth_key_len = 32), INV);
	REJECT((s.alg = CBC128, s.enc_key_len = 20, s.auth_key_len = 32), INV);
	REJECT(s.spi = 0, INV);
	REJECT(s.spi = 1, INV);
	REJECT(s.spi = 255, INV);                 /* RFC 4303 2.1: 1-255 reserved */
	REJECT(s.dir = 0, INV);
	REJECT(s.dir = 3, INV);
	REJECT(s.mode = 0, INV);
	REJECT(s.mode = 3, INV);
	REJECT(s.replay_window = 0, INV);
	REJECT(s.replay_window = 32, INV);
	REJECT(s.replay_window = 63, INV);
	REJECT(s.replay_window = 96, INV);
	REJECT(s.replay_window = 100, INV);
	REJECT(s.replay_window = 1023, INV);
	REJECT(s.replay_window = 2048, INV);
	REJECT(s.replay_window = 65535, INV);
	REJECT(s.port = 2, INV);                  /* two ports */
	REJECT(s.port = 0xffff, INV);
	REJECT(s.ts_local_len = 129, INV);
	REJECT(s.ts_remote_len = 255, INV);
	cr_assert_eq(dp.sas.n_retired, 0, "nothing was half-installed");
}

Test(esp_sa, boundaries_are_accepted)
{
	const struct pmip_ctl_sa base = h_sa_spec(7, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128, 0x4242,
						  LMA, MAG);
	ACCEPT(s.id = 1);
	ACCEPT(s.id = H_MAX_SAS - 1);
	ACCEPT(s.spi = 256);
	ACCEPT(s.spi = 0xffffffff);
	ACCEPT(s.replay_window = 64);
	ACCEPT(s.replay_window = 1024);
	ACCEPT(s.port = 1);
	ACCEPT((s.mode = PMIP_SA_TUNNEL_UDP, s.ts_local_len = 0, s.ts_remote_len = 0));
	/* The window is an inbound property: outbound SAs do not need one. */
	ACCEPT((s.dir = PMIP_SA_OUT, s.replay_window = 0));
	for (unsigned a = 0; a < 4; a++) {
		struct pmip_ctl_sa s = h_sa_spec(3, PMIP_SA_IN, PMIP_SA_TRANSPORT, ALGS[a], 0x300,
						 LMA, MAG);
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK, "alg %u", ALGS[a]);
		const struct dp_sa *sa = dp_sa_get(&dp.sas, 3);
		cr_assert_not_null(sa);
		cr_assert_eq(sa->spi, 0x300);
		cr_assert_eq(sa->alg, pmip_esp_alg_desc(ALGS[a]));
		cr_assert_eq(sa->owner, 1, "id 3 of a table for 2 workers");
		cr_assert_eq(sa->replay.window, 128);
		cr_assert_eq(h_sa_del(3), PMIP_CTL_OK);
	}
	assert_empty(3, 0x300);
}

Test(esp_sa, duplicate_id_and_inbound_spi_are_key_in_use)
{
	struct pmip_ctl_sa a = h_sa_spec(7, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128, 0x4242, LMA,
					 MAG);
	cr_assert_eq(h_sa(&a), PMIP_CTL_OK);
	/* Same id, another SPI: refused, and the installed SA is untouched. */
	struct pmip_ctl_sa b = h_sa_spec(7, PMIP_SA_IN, PMIP_SA_TRANSPORT, CBC128, 0x4343, LMA,
					 MAG);
	cr_assert_eq(h_sa(&b), PMIP_CTL_REJECT_KEY_IN_USE);
	b.dir = PMIP_SA_OUT;
	cr_assert_eq(h_sa(&b), PMIP_CTL_REJECT_KEY_IN_USE);
	/* Another id, the same inbound SPI: SAs are found by SPI. */
	struct pmip_ctl_sa c = h_sa_spec(8, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, GCM256, 0x4242, LMA,
					 STRANGER);
	cr_assert_eq(h_sa(&c), PMIP_CTL_REJECT_KEY_IN_USE);
	cr_assert_eq(dp.sas.count, 1);
	cr_assert_null(dp_sa_get(&dp.sas, 8));
	const struct dp_sa *sa = dp_sa_get(&dp.sas, 7);
	cr_assert_eq(sa->spi, 0x4242);
	cr_assert_eq(sa->alg, pmip_esp_alg_desc(GCM128));
	uint64_t key = 0x4343;
	cr_assert_lt(rte_hash_lookup(dp.sas.in_by_spi, &key), 0);
	key = 0x4242;
	void *data;
	cr_assert_geq(rte_hash_lookup_data(dp.sas.in_by_spi, &key, &data), 0);
	cr_assert_eq((uintptr_t)data, 7);
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), 1);
	/* Outbound SPIs are the peer's: not in the inbound table, and the
	 * same number as an inbound SPI is fine. */
	c.id = 8;
	c.dir = PMIP_SA_OUT;
	cr_assert_eq(h_sa(&c), PMIP_CTL_OK);
	c.id = 9;
	cr_assert_eq(h_sa(&c), PMIP_CTL_OK, "two outbound SAs may carry one SPI (two peers)");
	cr_assert_eq(dp.sas.count, 3);
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), 1);
	/* Once deleted, the SPI is free again at once. */
	cr_assert_eq(h_sa_del(7), PMIP_CTL_OK);
	a.id = 10;
	cr_assert_eq(h_sa(&a), PMIP_CTL_OK);
	cr_assert_geq(rte_hash_lookup_data(dp.sas.in_by_spi, &key, &data), 0);
	cr_assert_eq((uintptr_t)data, 10);
}

Test(esp_sa, delete_unknown_is_no_such_id)
{
	cr_assert_eq(h_sa_del(0), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_sa_del(5), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_sa_del(H_MAX_SAS), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_sa_del(UINT32_MAX), PMIP_CTL_REJECT_NO_SUCH_ID);
	struct pmip_ctl_sa a = h_sa_spec(5, PMIP_SA_OUT, PMIP_SA_TRANSPORT, CBC256, 0x4242, MAG,
					 LMA);
	cr_assert_eq(h_sa(&a), PMIP_CTL_OK);
	cr_assert_eq(h_sa_del(5), PMIP_CTL_OK);
	cr_assert_eq(h_sa_del(5), PMIP_CTL_REJECT_NO_SUCH_ID, "deleted twice");
	cr_assert_eq(dp.sas.count, 0);
	struct pmip_ctl_msg m = { .type = PMIP_CTL_NEIGH_SET };
	cr_assert_eq(dp_sa_apply(&dp.sas, &m), PMIP_CTL_REJECT_UNKNOWN_TYPE);
}

Test(esp_sa, add_delete_1000_times_never_leaks)
{
	/* One at a time, every algorithm, both directions and modes. */
	for (unsigned i = 0; i < 1000; i++) {
		uint32_t id = 1 + i % (H_MAX_SAS - 1);
		struct pmip_ctl_sa s = h_sa_spec(id, i % 2 ? PMIP_SA_OUT : PMIP_SA_IN,
						 i % 3 ? PMIP_SA_TRANSPORT : PMIP_SA_TUNNEL_UDP,
						 ALGS[i % 4], 0x10000 + i, LMA, MAG);
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK, "add %u", i);
		cr_assert_eq(dp.sas.count, 1);
		cr_assert_eq(h_sa_del(id), PMIP_CTL_OK, "del %u", i);
		cr_assert_eq(dp.sas.count, 0);
	}
	/* The table full, then empty, 16 times. */
	for (unsigned r = 0; r < 16; r++) {
		for (uint32_t id = 1; id < H_MAX_SAS; id++) {
			struct pmip_ctl_sa s = h_sa_spec(id, PMIP_SA_IN, PMIP_SA_TRANSPORT,
							 ALGS[id % 4], 0x20000 + r * 100 + id, LMA,
							 MAG);
			cr_assert_eq(h_sa(&s), PMIP_CTL_OK, "round %u add %u", r, id);
		}
		cr_assert_eq(dp.sas.count, H_MAX_SAS - 1);
		cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), H_MAX_SAS - 1);
		for (uint32_t id = 1; id < H_MAX_SAS; id++)
			cr_assert_eq(h_sa_del(id), PMIP_CTL_OK);
		cr_assert_eq(dp.sas.count, 0);
		cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), 0);
	}
	assert_empty(1, 0x10000);
	cr_assert_eq(dp.sas.n_retired, 0);
}

/* A deleted SA's SPI slot stays taken until the grace period after its
 * ctl burst (dp_sa_synchronize), so in_by_spi has room for a full table
 * plus one burst of deletions: on a full table, a rekey burst of del + add
 * pairs (as cp sends them) has every replacement accepted, and the id
 * table still holds at most H_MAX_SAS - 1 SAs. */
Test(esp_sa, rekey_burst_on_a_full_table)
{
	for (uint32_t id = 1; id < H_MAX_SAS; id++) {
		struct pmip_ctl_sa s = h_sa_spec(id, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128,
						 0x20000 + id, LMA, MAG);
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK);
	}
	/* One ctl burst (<= 32 messages, no grace period in between):
	 * 16 deletes, each followed by the new SA under that id. */
	unsigned refused = 0, first = 0;
	int status = PMIP_CTL_OK;
	for (uint32_t id = 1; id <= 16; id++) {
		struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_DEL };
		m.u.sa.id = id;
		cr_assert_eq(dp_sa_apply(&dp.sas, &m), PMIP_CTL_OK);
		m.type = PMIP_CTL_SA_ADD;
		m.u.sa = h_sa_spec(id, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128, 0x30000 + id, LMA,
				   MAG);
		int rc = dp_sa_apply(&dp.sas, &m);
		if (rc != PMIP_CTL_OK && refused++ == 0) {
			first = id;
			status = rc;
		}
	}
	dp_sa_synchronize(&dp.sas);
	cr_assert_eq(refused, 0, "%u of 16 replacement SAs refused, the first #%u with status %d",
		     refused, first, status);
	cr_assert_eq(dp.sas.count, H_MAX_SAS - 1);
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), H_MAX_SAS - 1);
	for (uint32_t id = 1; id <= 16; id++)
		cr_assert_eq(sa_rw(id)->spi, 0x30000 + id);
}

/* More deletions between two grace periods than the headroom holds (the
 * harness applies 40 del + add pairs without one): the add that finds
 * in_by_spi full runs the grace period itself and retries. */
Test(esp_sa, rekey_burst_longer_than_the_headroom)
{
	for (uint32_t id = 1; id < H_MAX_SAS; id++) {
		struct pmip_ctl_sa s = h_sa_spec(id, PMIP_SA_IN, PMIP_SA_TRANSPORT, CBC128,
						 0x20000 + id, LMA, MAG);
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK);
	}
	for (uint32_t id = 1; id <= 40; id++) {
		struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_DEL };
		m.u.sa.id = id;
		cr_assert_eq(dp_sa_apply(&dp.sas, &m), PMIP_CTL_OK);
		m.type = PMIP_CTL_SA_ADD;
		m.u.sa = h_sa_spec(id, PMIP_SA_IN, PMIP_SA_TRANSPORT, CBC128, 0x30000 + id, LMA,
				   MAG);
		cr_assert_eq(dp_sa_apply(&dp.sas, &m), PMIP_CTL_OK, "replacement #%u", id);
		cr_assert_leq(dp.sas.n_retired, H_MAX_SAS - 1);
	}
	dp_sa_synchronize(&dp.sas);
	cr_assert_eq(dp.sas.count, H_MAX_SAS - 1);
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), H_MAX_SAS - 1);
	for (uint32_t id = 1; id < H_MAX_SAS; id++) {
		uint64_t old = 0x20000 + id, cur = id <= 40 ? 0x30000 + id : 0x20000 + id;
		void *data;
		cr_assert_eq(sa_rw(id)->spi, cur);
		cr_assert_geq(rte_hash_lookup_data(dp.sas.in_by_spi, &cur, &data), 0);
		cr_assert_eq((uint32_t)(uintptr_t)data, id);
		if (id <= 40)
			cr_assert_lt(rte_hash_lookup(dp.sas.in_by_spi, &old), 0);
	}
	/* Still no room for an SA beyond the id table. */
	struct pmip_ctl_sa s = h_sa_spec(H_MAX_SAS, PMIP_SA_IN, PMIP_SA_TRANSPORT, CBC128,
					 0x40000, LMA, MAG);
	cr_assert_neq(h_sa(&s), PMIP_CTL_OK);
}

/* ---------------------------------------------------------- lifetimes ---- */

TestSuite(esp_life, .init = gw_setup, .fini = h_fini);

static uint64_t t0;

/* A scan at t0 + ms milliseconds. */
static void scan_at(uint64_t ms)
{
	if (t0 == 0)
		t0 = rte_get_tsc_cycles();
	dp_sa_scan(&dp.sas, t0 + ms * (rte_get_tsc_hz() / 1000));
}

/* One echo of data_len bytes (8 + data_len of payload) MAG -> LMA. */
static void send_echo(uint32_t out_id, size_t data_len)
{
	uint8_t f[1024];
	size_t n = echo_req(f, MAG, LMA, 1, data_len);
	struct rte_mbuf *m = protect(out_id, P_MAG, f, n);
	cr_assert_not_null(m);
	h_rx1(P_LMA, m);
}

static void life_pair(struct pmip_ctl_sa *o, struct pmip_ctl_sa *i)
{
	t0 = rte_get_tsc_cycles();
	*o = h_sa_spec(SA_MAG_OUT, PMIP_SA_OUT, PMIP_SA_TRANSPORT, GCM128, SPI_M2L, MAG, LMA);
	*i = h_sa_spec(SA_LMA_IN, PMIP_SA_IN, PMIP_SA_TRANSPORT, GCM128, SPI_M2L, LMA, MAG);
}

Test(esp_life, soft_packets_sends_one_event)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	i.soft_packets = 3;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 2);
	send_echo(SA_MAG_OUT, 2);
	scan_at(1000);
	assert_no_event();
	send_echo(SA_MAG_OUT, 2);
	scan_at(2000);
	assert_one_expire(SA_LMA_IN, false, PMIP_SA_EXPIRE_PACKETS, 30, 3);
	send_echo(SA_MAG_OUT, 2);
	scan_at(3000);
	scan_at(4000);
	assert_no_event();
	cr_assert_not_null(dp_sa_get(&dp.sas, SA_LMA_IN), "soft: the SA stays");
	cr_assert_eq(punt_count(), 4);
}

Test(esp_life, soft_bytes_sends_one_event)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	o.soft_bytes = 100;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 91); /* 99 bytes */
	scan_at(1000);
	assert_no_event();
	send_echo(SA_MAG_OUT, 0);
	scan_at(2000);
	assert_one_expire(SA_MAG_OUT, false, PMIP_SA_EXPIRE_BYTES, 107, 2);
	scan_at(3000);
	assert_no_event();
	send_echo(SA_MAG_OUT, 0);
	cr_assert_eq(punt_count(), 3);
}

Test(esp_life, soft_seconds_sends_one_event)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	i.soft_seconds = 10;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 0);
	scan_at(9000);
	assert_no_event();
	scan_at(10050); /* within 100 ms of the last scan: not a scan */
	scan_at(11000);
	assert_one_expire(SA_LMA_IN, false, PMIP_SA_EXPIRE_TIME, 8, 1);
	scan_at(60000);
	assert_no_event();
	send_echo(SA_MAG_OUT, 0);
	cr_assert_eq(punt_count(), 2);
}

Test(esp_life, scans_closer_than_100_ms_do_nothing)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	i.hard_packets = 1;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	scan_at(1000);
	send_echo(SA_MAG_OUT, 0);
	scan_at(1099);
	assert_no_event();
	scan_at(1100);
	assert_one_expire(SA_LMA_IN, true, PMIP_SA_EXPIRE_PACKETS, 8, 1);
}

Test(esp_life, hard_inbound_removes_the_sa)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	i.soft_packets = 1;
	i.hard_packets = 2;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 4);
	scan_at(1000);
	assert_one_expire(SA_LMA_IN, false, PMIP_SA_EXPIRE_PACKETS, 12, 1);
	send_echo(SA_MAG_OUT, 4);
	scan_at(2000);
	assert_one_expire(SA_LMA_IN, true, PMIP_SA_EXPIRE_PACKETS, 24, 2);
	cr_assert_null(dp_sa_get(&dp.sas, SA_LMA_IN));
	cr_assert_eq(dp.sas.count, 1);
	cr_assert_eq(dp.sas.n_retired, 0, "freed after the scan's grace period");
	uint64_t key = SPI_M2L;
	cr_assert_lt(rte_hash_lookup(dp.sas.in_by_spi, &key), 0);
	send_echo(SA_MAG_OUT, 4);
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	cr_assert_eq(punt_count(), 2);
	scan_at(3000);
	assert_no_event();
	/* cp may install it again under the same id. */
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 4);
	cr_assert_eq(punt_count(), 3);
	cr_assert_eq(h_drops_total(), 1);
}

Test(esp_life, hard_outbound_removes_the_sa)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	o.hard_bytes = 50;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 42);
	scan_at(1000);
	assert_one_expire(SA_MAG_OUT, true, PMIP_SA_EXPIRE_BYTES, 50, 1);
	cr_assert_null(dp_sa_get(&dp.sas, SA_MAG_OUT));
	uint8_t f[128];
	size_t n = echo_req(f, MAG, LMA, 1, 0);
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_NO_SA), 1);
	cr_assert_eq(h_drops_total(), 1);
}

Test(esp_life, hard_seconds_removes_the_sa_and_wins_over_soft)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	i.soft_seconds = 5;
	i.hard_seconds = 6;
	o.hard_seconds = 8;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	send_echo(SA_MAG_OUT, 0);
	/* Both of i's limits passed at the first scan: only the hard one. */
	scan_at(7000);
	assert_one_expire(SA_LMA_IN, true, PMIP_SA_EXPIRE_TIME, 8, 1);
	scan_at(9000);
	assert_one_expire(SA_MAG_OUT, true, PMIP_SA_EXPIRE_TIME, 8, 1);
	cr_assert_eq(dp.sas.count, 0);
	cr_assert_eq(rte_hash_count(dp.sas.in_by_spi), 0);
}

Test(esp_life, sequence_numbers_never_cycle_without_esn)
{
	struct pmip_ctl_sa o, i;
	life_pair(&o, &i);
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	sa_rw(SA_MAG_OUT)->seq = UINT32_MAX - 1;
	uint8_t f[128];
	size_t n = echo_req(f, MAG, LMA, 1, 0);
	struct rte_mbuf *m = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_not_null(m, "2^32 - 1 is the last number");
	cr_assert_eq(be(h_bytes(m) + 58, 4), UINT32_MAX);
	h_rx1(P_LMA, m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, UINT32_MAX);
	/* RFC 4303 3.3.3: the counter must not cycle. */
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_ESP_SA_EXPIRED), 2);
	scan_at(1000);
	assert_one_expire(SA_MAG_OUT, true, PMIP_SA_EXPIRE_SEQUENCE, 8, 1);
	cr_assert_null(dp_sa_get(&dp.sas, SA_MAG_OUT));
	cr_assert_not_null(dp_sa_get(&dp.sas, SA_LMA_IN), "only the outbound SA expires");
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_NO_SA), 1);
	cr_assert_eq(h_drops_total(), 3);
}

Test(esp_life, esn_continues_past_2_32_and_authenticates_the_high_bits)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t out_id = 10 + k, in_id = 20 + k;
		struct pmip_ctl_sa o, i;
		pair_ex(ALGS[k], PMIP_SA_TRANSPORT, 0x1100 + k, out_id, in_id, MAG, LMA,
			PMIP_SA_F_ESN, &o, &i);
		uint8_t f[128], w[4][256];
		size_t n = echo_req(f, MAG, LMA, 1, 4), wn[4];
		/* Earlier traffic: the receiver's window near 2^32. */
		sa_rw(out_id)->seq = (1ull << 32) - 201;
		wn[0] = protect_bytes(out_id, P_MAG, f, n, w[0]);
		sa_rw(out_id)->seq = (1ull << 32) - 2;
		for (unsigned j = 1; j < 4; j++)
			wn[j] = protect_bytes(out_id, P_MAG, f, n, w[j]);
		cr_assert_eq(be(w[1] + 58, 4), UINT32_MAX);
		cr_assert_eq(be(w[2] + 58, 4), 0, "only the low 32 bits are sent (RFC 4303 2.2.1)");
		cr_assert_eq(be(w[3] + 58, 4), 1);
		if (ALGS[k] == GCM128 || ALGS[k] == GCM256)
			cr_assert_eq(be(w[3] + 62, 8), (1ull << 32) + 1,
				     "GCM IV: the 64-bit number");
		for (unsigned j = 0; j < 4; j++) {
			h_rx1(P_LMA, h_frame(w[j], wn[j]));
			assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, in_id, f, n);
		}
		cr_assert_eq(sa_rw(in_id)->replay.top, (1ull << 32) + 1);
		scan_at(1000 * (k + 1));
		assert_no_event();
		cr_assert_not_null(dp_sa_get(&dp.sas, out_id), "ESN: no sequence expiry");
		/* A receiver whose window is still in the first 2^32 takes
		 * the low bits 1 as 1: the ICV, which covered the high bits
		 * 1, fails (RFC 4303 2.2.1, 3.3.2.1). */
		cr_assert_eq(h_sa_del(in_id), PMIP_CTL_OK);
		cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
		h_rx1(P_LMA, h_frame(w[3], wn[3]));
		cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 2 * k + 1);
		/* Nor does a receiver without ESN take it. */
		cr_assert_eq(h_sa_del(in_id), PMIP_CTL_OK);
		i.flags = 0;
		cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
		h_rx1(P_LMA, h_frame(w[3], wn[3]));
		cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 2 * k + 2);
		cr_assert_eq(punt_count(), 0);
	}
	cr_assert_eq(h_drops_total(), 8);
}

/* -------------------------------------------------------------- rekey ---- */

TestSuite(esp_rekey, .init = gw_setup, .fini = h_fini);

Test(esp_rekey, make_before_break)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[128], w[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	/* The new inbound SA first, for the same peer, with a new SPI. */
	struct pmip_ctl_sa o, i;
	pair_ex(GCM128, PMIP_SA_TRANSPORT, 0x1001, 11, 12, MAG, LMA, PMIP_SA_F_CURRENT, &o, &i);
	/* Both accepted, interleaved in one burst. */
	struct rte_mbuf *burst[4];
	for (unsigned k = 0; k < 4; k++)
		burst[k] = protect(k % 2 ? 11 : SA_MAG_OUT, P_MAG, f, n);
	h_rx(P_LMA, burst, 4);
	for (unsigned k = 0; k < 4; k++) {
		cr_assert(h_punt(&punted));
		assert_punt(&punted, P_LMA, PMIP_PUNT_ECHO_REQUEST, k % 2 ? 12 : SA_LMA_IN, f, n);
	}
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 3);
	cr_assert_eq(sa_rw(12)->replay.top, 2, "each SA its own window");
	/* The old one goes. */
	struct rte_mbuf *old = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_eq(h_sa_del(SA_LMA_IN), PMIP_CTL_OK);
	h_rx1(P_LMA, old);
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	for (unsigned k = 0; k < 3; k++) {
		wn = protect_bytes(11, P_MAG, f, n, w);
		h_rx1(P_LMA, h_frame(w, wn));
		assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 12, f, n);
	}
	cr_assert_eq(ctr(0, 12).packets, 5);
	cr_assert_eq(sa_rw(12)->replay.top, 5);
	cr_assert_eq(h_drops_total(), 1);
}
