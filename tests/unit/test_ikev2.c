/* IKEv2 engine, two peers in memory (tests/unit/ikev2_pair.h): our MAG
 * initiating to our LMA. Establishment with each DH group and suite, PSK
 * and certificates, INVALID_KE_PAYLOAD, cookies, the configuration
 * payload, the reuse rule, loss / duplication / reordering, NAT
 * traversal. Rekeying, deletion, liveness and bad input are in
 * test_ikev2_life.c. */
#include "ikev2_fixture.h"

TestSuite(ikev2, .init = quiet, .fini = fini);

Test(ikev2, psk_with_home_address_from_the_pool)
{
	setup(NULL, NULL, NULL, NULL);
	struct ikev2_sa *sa = mag_connect("::");
	assert_up();
	cr_assert(sa->cp_got);
	char a[64];
	inet_ntop(AF_INET6, &sa->got_addr, a, sizeof(a));
	cr_assert_str_eq(a, "2001:db8:1000::1");
	cr_assert_eq(sa->got_prefix_len, 64);
	cr_assert_eq(lma.n_taken, 1);
	/* Transport mode protects the Mobility Header between the two: the
	 * selectors are narrowed to it (RFC 5213 4). */
	cr_assert_eq(mag.esp[0].mode, PMIP_ESP_MODE_TRANSPORT);
	cr_assert_eq(sa->children[0].ts_proto, PMIP_IPPROTO_MH);
	cr_assert_eq(pair_first_sa(&lma, IKEV2_ESTABLISHED)->children[0].ts_proto, PMIP_IPPROTO_MH);
	cr_assert_eq(mag.e.stats.established, 1);
	cr_assert_eq(lma.e.stats.established, 1);
	cr_assert_eq(lma.e.half_open, 0);
	/* Four messages, no retransmission. */
	cr_assert_eq(net.mn.delivered, 4);
}

Test(ikev2, every_group_and_suite)
{
	static const char *const props[][2] = {
		{ "aes128gcm16-prfsha256-ecp256", "aes128gcm16" },
		{ "aes256gcm16-prfsha384-curve25519", "aes256gcm16" },
		{ "aes128-sha256-prfsha256-modp2048", "aes128-sha256" },
		{ "aes256-sha256-prfsha256-curve25519", "aes256-sha256" },
		{ "aes128gcm16-prfsha384-modp2048", "aes128-sha256" },
	};
	for (unsigned i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		char ike[256];
		snprintf(ike, sizeof(ike), "proposals = %s\nesp_proposals = %s", props[i][0],
			 props[i][1]);
		setup(ike, ike, NULL, NULL);
		mag_connect(NULL);
		assert_up();
		struct ikev2_sa *sa = pair_first_sa(&mag, IKEV2_ESTABLISHED);
		struct pmip_ike_proposal want;
		unsigned n;
		cr_assert_null(pmip_ike_proposals_parse(props[i][0], true, &want, 1, &n));
		cr_assert_eq(sa->suite.encr, want.encr, "%s", props[i][0]);
		cr_assert_eq(sa->suite.prf, want.prf, "%s", props[i][0]);
		cr_assert_eq(sa->dh_group, want.dh, "%s", props[i][0]);
		pair_net_fini(&net);
	}
}

Test(ikev2, invalid_ke_payload_renegotiates_the_group)
{
	/* The MAG's first KE is ECP-256; the LMA takes only Curve25519. */
	setup("proposals = aes128gcm16-prfsha256-ecp256,aes128gcm16-prfsha256-curve25519",
	      "proposals = aes128gcm16-prfsha256-curve25519", NULL, NULL);
	mag_connect(NULL);
	assert_up();
	cr_assert_eq(pair_first_sa(&mag, IKEV2_ESTABLISHED)->dh_group, 31);
	cr_assert_eq(mag.e.stats.invalid_ke, 1);
	cr_assert_eq(lma.e.stats.invalid_ke, 1);
	/* INIT, INVALID_KE, INIT again, its answer, AUTH, its answer. */
	cr_assert_eq(net.mn.delivered, 6);
}

Test(ikev2, no_common_proposal_fails_cleanly)
{
	setup("proposals = aes128gcm16-prfsha256-ecp256", "proposals = aes256gcm16-prfsha384-modp2048",
	      NULL, NULL);
	mag_connect(NULL);
	pair_run(&net, NULL, NULL, 200);
	cr_assert_eq(pair_sas(&mag, IKEV2_ESTABLISHED) + pair_sas(&mag, IKEV2_INIT_SENT), 0);
	cr_assert_eq(lma.e.half_open, 0);
	cr_assert_eq(lma.e.stats.no_proposal, 1);
	cr_assert_eq(pair_esp_count(&mag) + pair_esp_count(&lma), 0);
}

Test(ikev2, cookie_challenge_when_half_open_sas_pile_up)
{
	/* cookie_threshold 0: every initiator must return a cookie (2.6). */
	setup(NULL, "cookie_threshold = 0", NULL, NULL);
	mag_connect(NULL);
	assert_up();
	cr_assert_eq(lma.e.stats.cookies_sent, 1);
	cr_assert_eq(lma.e.stats.cookies_bad, 0);
	cr_assert_eq(net.mn.delivered, 6);
}

Test(ikev2, wrong_psk_is_authentication_failed_and_leaves_nothing)
{
	setup(NULL, NULL, "psk = " PSK, "psk = another key of some length");
	mag_connect(NULL);
	pair_run(&net, NULL, NULL, 200);
	cr_assert_eq(lma.e.stats.auth_failed, 1);
	cr_assert_eq(mag.e.stats.auth_failed, 1, "the MAG heard AUTHENTICATION_FAILED");
	for (uint32_t i = 0; i < 64; i++) {
		cr_assert(!mag.e.sas[i].in_use && !lma.e.sas[i].in_use);
		/* Freed SAs are wiped, keys included. */
		const uint8_t *p = (const uint8_t *)&lma.e.sas[i];
		for (size_t k = 0; k < sizeof(lma.e.sas[i]); k++)
			cr_assert_eq(p[k], 0);
	}
	cr_assert_eq(lma.e.half_open, 0);
	cr_assert_eq(pair_esp_count(&mag) + pair_esp_count(&lma), 0);
	cr_assert_eq(lma.n_taken, 0);
}

Test(ikev2, certificates_with_ecdsa_signatures)
{
	setup("local_id = mag1.example.net", "local_id = lma@example.net",
	      "auth = cert\nid = lma@example.net\ncert = " PKI "mag.pem\nkey = " PKI
	      "mag.key\nca = " PKI "ca.pem",
	      "auth = cert\nid = mag1.example.net\ncert = " PKI "lma.pem\nkey = " PKI
	      "lma.key\nca = " PKI "ca.pem");
	mag_connect("::");
	assert_up();
	cr_assert(pair_first_sa(&mag, IKEV2_ESTABLISHED)->cp_got);
}

Test(ikev2, certificates_with_rsa_signatures)
{
#define RSA PMIP_SOURCE_ROOT "/tests/data/ike/rsa-pki/"
	setup("local_id = mag1.example.net", "local_id = lma@example.net",
	      "auth = cert\nid = lma@example.net\ncert = " RSA "mag.pem\nkey = " RSA
	      "mag.key\nca = " RSA "ca.pem",
	      "auth = cert\nid = mag1.example.net\ncert = " RSA "lma.pem\nkey = " RSA
	      "lma.key\nca = " RSA "ca.pem");
	mag_connect(NULL);
	assert_up();
}

Test(ikev2, certificate_from_another_ca_fails)
{
	/* The LMA trusts the RSA CA only; the MAG's certificate is ECDSA's. */
	setup("local_id = mag1.example.net", "local_id = lma@example.net",
	      "auth = cert\nid = lma@example.net\ncert = " PKI "mag.pem\nkey = " PKI
	      "mag.key\nca = " PKI "ca.pem",
	      "auth = cert\nid = mag1.example.net\ncert = " RSA "lma.pem\nkey = " RSA
	      "lma.key\nca = " RSA "ca.pem");
	mag_connect(NULL);
	pair_run(&net, NULL, NULL, 200);
	cr_assert_eq(lma.e.stats.auth_failed, 1);
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED) + pair_sas(&mag, IKEV2_ESTABLISHED), 0);
	cr_assert_eq(pair_esp_count(&mag) + pair_esp_count(&lma), 0);
}

Test(ikev2, certificate_identity_mismatch_fails)
{
	/* The LMA expects another identity than the MAG's certificate has. */
	setup("local_id = mag1.example.net", "local_id = lma@example.net",
	      "auth = cert\nid = lma@example.net\ncert = " PKI "mag.pem\nkey = " PKI
	      "mag.key\nca = " PKI "ca.pem",
	      "auth = cert\nid = mag2.example.net\ncert = " PKI "lma.pem\nkey = " PKI
	      "lma.key\nca = " PKI "ca.pem");
	mag_connect(NULL);
	pair_run(&net, NULL, NULL, 200);
	cr_assert_eq(lma.e.stats.auth_failed, 1);
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED) + pair_sas(&mag, IKEV2_ESTABLISHED), 0);
}

Test(ikev2, responder_narrows_selectors_to_the_mobility_header)
{
	setup(NULL, NULL, "psk = " PSK "\nts_protocol = any", "psk = " PSK "\nts_protocol = mh");
	struct ikev2_sa *sa = mag_connect(NULL);
	assert_up();
	cr_assert_eq(sa->children[0].ts_proto, PMIP_IPPROTO_MH, "the MAG took the narrowing");
	pair_net_fini(&net);
	/* And the other way round: a proposal for the MH only is kept. */
	setup(NULL, NULL, "psk = " PSK "\nts_protocol = mh", "psk = " PSK "\nts_protocol = any");
	sa = mag_connect(NULL);
	assert_up();
	cr_assert_eq(pair_first_sa(&lma, IKEV2_ESTABLISHED)->children[0].ts_proto, PMIP_IPPROTO_MH);
}

Test(ikev2, reuse_rule_one_ike_sa_per_lma)
{
	setup(NULL, NULL, NULL, NULL);
	struct ikev2_sa *a = mag_connect(NULL);
	struct ikev2_sa *b = mag_connect(NULL);
	cr_assert_eq(a, b, "a second MN rides on the SA being set up");
	assert_up();
	cr_assert_eq(mag_connect(NULL), a, "and on the established one");
	cr_assert_eq(mag.e.stats.tx, 2);
}

Test(ikev2, proposed_home_address_is_kept_when_free)
{
	setup(NULL, NULL, NULL, NULL);
	struct ikev2_sa *sa = mag_connect("2001:db8:1000::77");
	assert_up();
	char a[64];
	inet_ntop(AF_INET6, &sa->got_addr, a, sizeof(a));
	cr_assert_str_eq(a, "2001:db8:1000::77");
}

Test(ikev2, proposed_home_address_taken_gets_another)
{
	setup(NULL, NULL, NULL, NULL);
	inet_pton(AF_INET6, "2001:db8:1000::77", &lma.taken[lma.n_taken++]);
	struct ikev2_sa *sa = mag_connect("2001:db8:1000::77");
	assert_up();
	char a[64];
	inet_ntop(AF_INET6, &sa->got_addr, a, sizeof(a));
	cr_assert_str_eq(a, "2001:db8:1000::1");
}

Test(ikev2, internal_address_failure_lets_the_mag_generate_its_own)
{
	setup(NULL, NULL, NULL, NULL);
	lma.pool_refuses = true;
	struct ikev2_sa *sa = mag_connect("::");
	assert_up();
	cr_assert(!sa->cp_got);
	cr_assert(sa->cp_failed, "seed 4.4.3: marked for the MAG to generate its own address");
}

static void lossy(unsigned seed)
{
	setup(NULL, NULL, NULL, NULL);
	mag.cfg.ike.retransmit_tries = 12;
	lma.cfg.ike.retransmit_tries = 12;
	net.mn.loss_pct = 30;
	net.mn.dup_pct = 30;
	net.mn.reorder = true;
	net.mn.seed = seed;
	mag_connect("::");
	cr_assert(pair_run(&net, both_up, NULL, 20000), "seed %u: not established", seed);
	net.mn.loss_pct = net.mn.dup_pct = 0;
	pair_run(&net, NULL, NULL, 100);
	unsigned pairs;
	cr_assert(pair_esp_match(&mag, &lma, &pairs), "seed %u", seed);
	cr_assert_eq(lma.n_taken, 1, "one address, however often the request came");
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED) + pair_sas(&lma, IKEV2_INIT_DONE), 1);
}

Test(ikev2, loss_duplication_and_reordering)
{
	unsigned rtx = 0, cached = 0;
	for (unsigned seed = 1; seed <= 8; seed++) {
		lossy(seed);
		rtx += mag.e.stats.tx_retransmit;
		cached += lma.e.stats.rx_retransmit;
		pair_net_fini(&net);
	}
	cr_assert_gt(rtx, 0, "requests were retransmitted");
	cr_assert_gt(cached, 0, "retransmitted requests were answered from the cache");
}

Test(ikev2, nat_traversal_floats_to_4500)
{
	/* The LMA knows the MAG by its NAT's public address. */
	char l[1024];
	snprintf(l, sizeof(l), "[ike]\n[ike.peer.mag1]\naddress = 2001:db8:99::1\nid = " MAG_ADDR
		 "\npsk = " PSK "\n");
	pair_net_init(&net);
	cr_assert_eq(pair_node_init(&mag, &net, "mag1", "mag", MAG_ADDR,
				    "[ike]\n[ike.peer.lma1]\naddress = " LMA_ADDR "\npsk = " PSK),
		     0);
	cr_assert_eq(pair_node_init(&lma, &net, "lma1", "lma", LMA_ADDR, l), 0);
	net.nat_node = 0;
	inet_pton(AF_INET6, "2001:db8:99::1", &net.nat_addr);
	net.nat_port_base = 40000;
	mag_connect(NULL);
	assert_up();
	struct ikev2_sa *a = pair_first_sa(&mag, IKEV2_ESTABLISHED);
	struct ikev2_sa *b = pair_first_sa(&lma, IKEV2_ESTABLISHED);
	cr_assert(a->nat_local && !a->nat_remote);
	cr_assert(b->nat_remote && !b->nat_local);
	cr_assert_eq(a->local_port, 4500);
	cr_assert_eq(a->remote_port, 4500);
	cr_assert_eq(b->remote_port, 44500, "the LMA answers the NAT's mapping");
	/* Behind a NAT: tunnel mode in UDP (RFC 3948), whatever was asked. */
	cr_assert_eq(mag.esp[0].mode, PMIP_ESP_MODE_TUNNEL_UDP);
	cr_assert_eq(lma.esp[0].mode, PMIP_ESP_MODE_TUNNEL_UDP);
	cr_assert_eq(a->children[0].ts_proto, 0, "tunnel mode: any protocol");
	cr_assert_eq(b->children[0].ts_proto, 0);
	/* The MAG keeps its mapping open. */
	mag.cfg.ike.nat_keepalive_s = 1;
	ikev2_keepalive_arm(&mag.e, a);
	pair_wait(&net, 1200);
	cr_assert_geq(mag.keepalives, 1);
	cr_assert_eq(lma.keepalives, 0);
}
