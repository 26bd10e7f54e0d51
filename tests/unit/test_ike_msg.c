/* Unit tests for cp/ike: the IKEv2 message codec (RFC 7296 3).
 *
 * Vectors: tests/data/ike (README.md there): 44 IKEv2 messages captured
 * between two strongSwan 5.9.8 charons (PSK with COOKIE and AES-GCM; ECDSA
 * certificates with INVALID_KE_PAYLOAD and AES-CBC/HMAC), and the
 * decrypted inner chains of the 36 with an SK payload, taken from tshark
 * with the keys charon logged. Checked here:
 *  - every vector parses, and 43 dissection fields of every message (outer
 *    and inner) equal tshark's (psk.tshark, cert.tshark);
 *  - every vector and inner chain re-builds byte-identical, and messages
 *    built from hand-filled structs equal the captured ones;
 *  - each validity rule has a failing case with its rule and numbers;
 *  - truncations always fail; bit flips fail or parse to something that
 *    re-builds to a fixed point.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_captures.h"
#include "test_hex.h"

#define DATA PMIP_SOURCE_ROOT "/tests/data/ike/"
#define MAXV 4096

#define NVEC IKE_CAPTURE_FRAMES

/* Parse results are large (struct ike_msg is ~9 KB): keep them static. */
static struct ike_msg M, M2;
static struct ike_payloads PL, PL2;
static struct ike_err E;

static size_t load(const char *name, const char *suffix, uint8_t *buf)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), DATA "%s%s.bin", name, suffix);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, MAXV, f);
	fclose(f);
	return n;
}

static bool has_inner(const char *name)
{
	return strstr(name, "_init_") == NULL;
}

/* A message from raw payloads: header (SPIs 1 and 2, IKE_AUTH, I flag,
 * message ID 1, the right length) then the chain, next fields linked. */
struct raw {
	uint8_t type;
	bool crit;
	const uint8_t *body;
	size_t len;
};

static size_t assemble(uint8_t *out, const struct raw *p, unsigned n)
{
	static const uint8_t hdr[IKE_HDR_LEN] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2,
						  0, 0x20, 35, 0x08, 0, 0, 0, 1, 0, 0, 0, 0 };
	size_t off = IKE_HDR_LEN;
	unsigned i;

	memcpy(out, hdr, sizeof(hdr));
	out[16] = n ? p[0].type : 0;
	for (i = 0; i < n; i++) {
		out[off] = i + 1 < n ? p[i + 1].type : 0;
		out[off + 1] = p[i].crit ? 0x80 : 0;
		out[off + 2] = (uint8_t)((4 + p[i].len) >> 8);
		out[off + 3] = (uint8_t)(4 + p[i].len);
		memcpy(out + off + 4, p[i].body, p[i].len);
		off += 4 + p[i].len;
	}
	out[24] = (uint8_t)(off >> 24);
	out[25] = (uint8_t)(off >> 16);
	out[26] = (uint8_t)(off >> 8);
	out[27] = (uint8_t)off;
	return off;
}

/* ------------------------------------------ tshark's dissection, rebuild -- */

#define NCOL 43
static char col[NCOL][2048];

static void add(int c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(int c, const char *fmt, ...)
{
	char t[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (col[c][0])
		strcat(col[c], ",");
	strcat(col[c], t);
}

static const char *addr(int af, const void *b)
{
	static char s[2][64];
	static int i;

	i ^= 1;
	return inet_ntop(af, b, s[i], sizeof(s[i]));
}
#define a6(b) addr(AF_INET6, b)
#define a4(b) addr(AF_INET, b)

/* The columns of README.md (tshark's fields), from our parse. */
static void columns(const struct ike_payloads *pl)
{
	unsigned i, j, k;

	for (i = 0; i < pl->n; i++) {
		const struct ike_pld_ref *r = &pl->order[i];
		const struct ike_notify *nt = &pl->notify[r->slot];
		const struct ike_id *id = r->type == IKE_PLD_IDI ? &pl->idi : &pl->idr;
		const struct ike_ts_list *l = r->type == IKE_PLD_TSI ? &pl->tsi : &pl->tsr;
		char h[2 * IKE_NONCE_MAX + 1];

		add(6, "%u", r->type);
		switch (r->type) {
		case IKE_PLD_NOTIFY:
			add(7, "%u", nt->type);
			if (nt->type == IKE_N_INVALID_KE_PAYLOAD)
				add(42, "%u", nt->data.ptr[0] << 8 | nt->data.ptr[1]);
			break;
		case IKE_PLD_SA:
			for (j = 0; j < pl->sa.n_prop; j++) {
				add(6, "2");
				add(8, "%u", pl->sa.prop[j].num);
				add(9, "%u", pl->sa.prop[j].protocol);
				add(10, "%u", pl->sa.prop[j].n_xf);
				for (k = 0; k < pl->sa.prop[j].n_xf; k++) {
					const struct ike_transform *x = &ike_sa_xf(&pl->sa, j)[k];

					add(6, "3");
					add(11, "%u", x->type);
					add(11 + x->type, "%u", x->id);
					if (x->has_key_len)
						add(17, "%u", x->key_len);
				}
			}
			break;
		case IKE_PLD_KE:
			add(18, "%u", pl->ke.group);
			break;
		case IKE_PLD_IDI:
		case IKE_PLD_IDR:
			add(19, "%u", id->type);
			if (id->type == IKE_ID_FQDN || id->type == IKE_ID_RFC822_ADDR)
				add(id->type == IKE_ID_FQDN ? 20 : 21, "%.*s", (int)id->data.len, id->data.ptr);
			if (id->type == IKE_ID_IPV6_ADDR)
				add(22, "%s", a6(&id->addr.v6));
			break;
		case IKE_PLD_AUTH:
			add(23, "%u", pl->auth.method);
			if (pl->auth.method == IKE_AUTH_DIGITAL_SIG)
				add(24, "%zu", pl->auth.sig_alg.len);
			break;
		case IKE_PLD_DELETE:
			for (j = 0; j < pl->del[r->slot].n_spi; j++)
				add(25, "%08x", ike_delete_spi(&pl->del[r->slot], j));
			break;
		case IKE_PLD_TSI:
		case IKE_PLD_TSR:
			for (j = 0; j < l->n; j++) {
				const struct ike_ts *t = &l->ts[j];
				int v6 = t->type == IKE_TS_IPV6_ADDR_RANGE;

				add(26, "%u", t->type);
				add(27, "%u", t->proto);
				add(28, "%u", t->start_port);
				add(29, "%u", t->end_port);
				add(v6 ? 30 : 32, "%s", addr(v6 ? AF_INET6 : AF_INET, t->start.b));
				add(v6 ? 31 : 33, "%s", addr(v6 ? AF_INET6 : AF_INET, t->end.b));
			}
			break;
		case IKE_PLD_CP:
			add(34, "%u", pl->cp.cfg_type);
			for (j = 0; j < pl->cp.n; j++) {
				const struct ike_cp_attr *a = &pl->cp.attr[j];

				add(35, "%u", a->type);
				if (a->type == IKE_CP_INTERNAL_IP6_ADDRESS && a->value.len)
					add(36, "%s", a6(a->addr.b)), add(37, "%u", a->prefix_len);
				if (a->type == IKE_CP_INTERNAL_IP6_DNS && a->value.len)
					add(38, "%s", a6(a->addr.b));
			}
			break;
		case IKE_PLD_CERT:
			add(39, "%u", pl->cert[r->slot].encoding);
			break;
		case IKE_PLD_CERTREQ:
			add(40, "%u", pl->certreq[r->slot].encoding);
			break;
		case IKE_PLD_NONCE:
			for (j = 0; j < pl->nonce.len; j++)
				snprintf(h + 2 * j, 3, "%02x", pl->nonce.ptr[j]);
			add(41, "%s", h);
			break;
		}
	}
}

/* Every vector of a run: its fields equal tshark's line, and it and its
 * inner chain re-build byte-identical. */
static void check_run(const char *run, const char *const *names)
{
	static uint8_t buf[MAXV], in[MAXV], out[MAXV];
	char path[512], line[16384], ours[16384];
	struct ike_builder b;
	uint8_t first;
	size_t n, il = 0, cl;
	FILE *f;
	unsigned v, c;

	snprintf(path, sizeof(path), DATA "%s.tshark", run);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	for (v = 0; v < NVEC; v++) {
		n = load(names[v], "", buf);
		cr_assert_not_null(fgets(line, sizeof(line), f), "%s: line %u", run, v + 1);
		line[strcspn(line, "\n")] = 0;
		memset(col, 0, sizeof(col));
		cr_assert_eq(ike_msg_parse(buf, n, &M, &E), IKE_ERR_OK, "%s", names[v]);
		add(0, "%016llx", (unsigned long long)M.hdr.ispi);
		add(1, "%016llx", (unsigned long long)M.hdr.rspi);
		add(2, "%u", M.hdr.exchange);
		add(3, "0x%02x", M.hdr.flags);
		add(4, "0x%08x", M.hdr.msg_id);
		add(5, "%u", M.hdr.length);
		columns(&M.pl);
		cr_assert_eq(M.pl.n_sk, has_inner(names[v]));
		if (M.pl.n_sk) {
			/* AAD: everything before the SK body (RFC 5282 5.1). */
			cr_assert(M.pl.sk.pld_off == IKE_HDR_LEN && M.pl.sk.body_off == IKE_HDR_LEN + 4);
			cr_assert_eq(M.pl.sk.body_off + M.pl.sk.body_len, n);
			il = load(names[v], "_inner", in);
			cr_assert_eq(ike_inner_parse(in, il, M.pl.sk.first, &PL, &E), IKE_ERR_OK, "%s inner",
				     names[v]);
			columns(&PL);
		}
		for (ours[0] = 0, c = 0; c < NCOL; c++)
			strcat(strcat(ours, c ? "\t" : ""), col[c]);
		cr_assert_str_eq(ours, line, "%s:\n ours   %s\n tshark %s", names[v], ours, line);

		cr_assert_eq(ike_msg_build(&M, out, sizeof(out)), n, "%s", names[v]);
		cr_assert_arr_eq(out, buf, n, "%s", names[v]);
		if (!M.pl.n_sk)
			continue;
		ike_build_chain_init(&b, out, sizeof(out));
		cr_assert(ike_build_payloads(&b, &PL) && ike_build_chain_finish(&b, &first, &cl));
		cr_assert(first == M.pl.sk.first && cl == il, "%s", names[v]);
		if (il)
			cr_assert_arr_eq(out, in, il, "%s inner", names[v]);
	}
	fclose(f);
}

Test(ike_vectors, psk_equal_tshark_and_rebuild_identical)
{
	check_run("psk", ike_capture_psk);
}

Test(ike_vectors, cert_equal_tshark_and_rebuild_identical)
{
	check_run("cert", ike_capture_cert);
}

Test(ike_vectors, typed_fields)
{
	static uint8_t buf[MAXV], in[MAXV];
	static const uint8_t ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
						0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
	const struct ike_notify *n;
	size_t len;

	/* COOKIE (RFC 7296 2.6) answered, then sent first. */
	len = load("psk_04_init_resp", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	n = ike_payloads_notify(&M.pl, IKE_N_COOKIE);
	cr_assert(n && n->data.len == 24 && ike_notify_is_error(n->type) == false);
	len = load("psk_05_init_req", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert(M.pl.order[0].type == IKE_PLD_NOTIFY && M.pl.notify[0].type == IKE_N_COOKIE);
	cr_assert_eq(M.hdr.flags, IKE_FLAG_I);
	cr_assert_eq(M.hdr.rspi, 0);
	/* INVALID_KE_PAYLOAD names group 14. */
	len = load("cert_02_init_resp", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	n = ike_payloads_notify(&M.pl, IKE_N_INVALID_KE_PAYLOAD);
	cr_assert(n && n->data.len == 2 && n->data.ptr[1] == IKE_DH_MODP2048);
	cr_assert(ike_notify_is_error(n->type));
	/* IKE_AUTH response: CP reply, ESP SA, RFC 7427 AUTH. */
	len = load("cert_05_auth_req", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert_eq(M.pl.sk.first, IKE_PLD_IDI);
	len = load("cert_06_auth_resp", "_inner", in);
	cr_assert_eq(ike_inner_parse(in, len, IKE_PLD_IDR, &PL, &E), IKE_ERR_OK);
	cr_assert_eq(PL.auth.method, IKE_AUTH_DIGITAL_SIG);
	cr_assert_eq(PL.auth.sig_alg.len, sizeof(ecdsa_sha256));
	cr_assert_arr_eq(PL.auth.sig_alg.ptr, ecdsa_sha256, sizeof(ecdsa_sha256));
	cr_assert_eq(PL.auth.sig.len, PL.auth.data.len - 1 - sizeof(ecdsa_sha256));
	cr_assert_eq(PL.idr.type, IKE_ID_RFC822_ADDR);
	cr_assert_eq(PL.idr.body.len, 4 + PL.idr.data.len);
	cr_assert_eq(PL.n_cert, 1);
	cr_assert_eq(PL.cert[0].encoding, IKE_CERT_X509_SIG);
	cr_assert_eq(PL.cert[0].data.ptr[0], 0x30);
	cr_assert_eq(PL.cp.cfg_type, IKE_CFG_REPLY);
	cr_assert_eq(PL.cp.attr[0].type, IKE_CP_INTERNAL_IP6_ADDRESS);
	cr_assert_eq(PL.cp.attr[0].prefix_len, 64);
	cr_assert_str_eq(a6(PL.cp.attr[0].addr.b), "2001:db8:aaaa::1");
	cr_assert_eq(PL.sa.n_prop, 1);
	cr_assert_eq(PL.sa.prop[0].protocol, IKE_PROTO_ESP);
	cr_assert_eq(PL.sa.prop[0].spi, 0xbeeb58f5);
	cr_assert_eq(ike_sa_xf(&PL.sa, 0)[0].id, IKE_ENCR_AES_CBC);
	cr_assert_eq(ike_sa_xf(&PL.sa, 0)[0].key_len, 256);
	cr_assert_eq(PL.tsr.n, 2);
	cr_assert_eq(PL.tsr.ts[0].proto, 17);
	cr_assert_eq(PL.tsr.ts[0].start_port, 5000);
	cr_assert_eq(PL.tsr.ts[0].end_port, 5010);
	/* CERTREQ: one SHA-1 CA hash. */
	len = load("cert_04_init_resp", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert_eq(M.pl.n_certreq, 1);
	cr_assert_eq(M.pl.certreq[0].n_hashes, 1);
	/* Delete: IKE (no SPIs) and ESP. */
	len = load("psk_17_info_req", "_inner", in);
	cr_assert_eq(ike_inner_parse(in, len, IKE_PLD_DELETE, &PL, &E), IKE_ERR_OK);
	cr_assert(PL.n_delete == 1 && PL.del[0].protocol == IKE_PROTO_IKE && PL.del[0].n_spi == 0);
	len = load("psk_13_info_req", "_inner", in);
	cr_assert_eq(ike_inner_parse(in, len, IKE_PLD_DELETE, &PL, &E), IKE_ERR_OK);
	cr_assert_eq(ike_delete_spi(&PL.del[0], 0), 0x2cf4a964);
	cr_assert_eq(ike_delete_spi(&PL.del[0], 1), 0);
	/* IKE SA rekey: 8-byte SPIs in both proposals. */
	len = load("psk_15_child_req", "_inner", in);
	cr_assert_eq(ike_inner_parse(in, len, IKE_PLD_SA, &PL, &E), IKE_ERR_OK);
	cr_assert(PL.sa.prop[1].spi_size == 8 && PL.sa.prop[1].spi == 0x8027385d4f019eafULL);
	/* Empty INFORMATIONAL response: SK with an empty inner chain. */
	len = load("psk_10_info_resp", "", buf);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert_eq(M.pl.sk.first, IKE_PLD_NONE);
	cr_assert_eq(ike_inner_parse(in, 0, IKE_PLD_NONE, &PL, &E), IKE_ERR_OK);
	cr_assert_eq(PL.n, 0);
}

/* Build captured messages from structs filled by hand (values that the
 * capture chose at random, keys, nonces, MACs, taken from the vector). */
Test(ike_builder, from_structs)
{
	static uint8_t vec[MAXV], out[MAXV], in[MAXV];
	static struct ike_sa sa;
	struct ike_builder b;
	struct ike_notify nt;
	struct ike_hdr h;
	struct ike_id id;
	struct ike_cp cp;
	struct ike_ts_list tsi, tsr;
	uint8_t first;
	size_t vlen, ilen, len, off;
	unsigned i;

	/* IKE_SA_INIT request psk_03: two IKE proposals. */
	vlen = load("psk_03_init_req", "", vec);
	cr_assert_eq(ike_msg_parse(vec, vlen, &M, &E), IKE_ERR_OK);
	memset(&sa, 0, sizeof(sa));
	sa.n_prop = 2;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .n_xf = 3 };
	sa.prop[1] = (struct ike_proposal){ .num = 2, .protocol = IKE_PROTO_IKE, .n_xf = 4, .first_xf = 3 };
	sa.n_xf = 7;
	sa.xf[0] = (struct ike_transform){ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, true, false };
	sa.xf[1] = (struct ike_transform){ .type = IKE_XF_PRF, .id = IKE_PRF_HMAC_SHA2_256 };
	sa.xf[2] = (struct ike_transform){ .type = IKE_XF_DH, .id = IKE_DH_ECP256 };
	sa.xf[3] = (struct ike_transform){ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256, true, false };
	sa.xf[4] = (struct ike_transform){ .type = IKE_XF_INTEG, .id = IKE_INTEG_HMAC_SHA2_256_128 };
	sa.xf[5] = (struct ike_transform){ .type = IKE_XF_PRF, .id = IKE_PRF_HMAC_SHA2_256 };
	sa.xf[6] = (struct ike_transform){ .type = IKE_XF_DH, .id = IKE_DH_MODP2048 };
	ike_build_msg_init(&b, out, sizeof(out));
	cr_assert(ike_build_sa(&b, &sa));
	cr_assert(ike_build_ke(&b, IKE_DH_ECP256, M.pl.ke.data.ptr, M.pl.ke.data.len));
	cr_assert(ike_build_nonce(&b, M.pl.nonce.ptr, M.pl.nonce.len));
	for (i = 0; i < M.pl.n_notify; i++) {
		memset(&nt, 0, sizeof(nt));
		nt.type = M.pl.notify[i].type;
		nt.data = M.pl.notify[i].data;
		cr_assert(ike_build_notify(&b, &nt));
	}
	h = (struct ike_hdr){ .ispi = 0xa848fb7fca83acb4ULL, .exchange = IKE_EXCH_IKE_SA_INIT,
			      .flags = IKE_FLAG_I };
	cr_assert_eq(ike_build_msg_finish(&b, &h), vlen);
	cr_assert_arr_eq(out, vec, vlen);

	/* IKE_AUTH response psk_08, inner chain. */
	ilen = load("psk_08_auth_resp", "_inner", in);
	cr_assert_eq(ike_inner_parse(in, ilen, IKE_PLD_IDR, &PL, &E), IKE_ERR_OK);
	ike_build_chain_init(&b, out, sizeof(out));
	memset(&id, 0, sizeof(id));
	id.type = IKE_ID_IPV6_ADDR;
	inet_pton(AF_INET6, "2001:db8:ffff::2", &id.addr.v6);  /* data from addr */
	cr_assert(ike_build_id(&b, IKE_PLD_IDR, &id));
	cr_assert(ike_build_auth(&b, &(struct ike_auth){ .method = IKE_AUTH_PSK, .data = PL.auth.data }));
	memset(&cp, 0, sizeof(cp));
	cp.cfg_type = IKE_CFG_REPLY;
	cp.n = 2;
	cp.attr[0] = (struct ike_cp_attr){ .type = IKE_CP_INTERNAL_IP6_ADDRESS, .prefix_len = 64,
					   .from_addr = true };
	inet_pton(AF_INET6, "2001:db8:aaaa::1", &cp.attr[0].addr.v6);
	cp.attr[1] = (struct ike_cp_attr){ .type = IKE_CP_INTERNAL_IP6_DNS, .from_addr = true };
	inet_pton(AF_INET6, "2001:db8:ffff::53", &cp.attr[1].addr.v6);
	cr_assert(ike_build_cp(&b, &cp));
	memset(&sa, 0, sizeof(sa));
	sa.n_prop = 1;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4,
					    .spi = 0xcaaf3d40, .n_xf = 2 };
	sa.n_xf = 2;
	sa.xf[0] = (struct ike_transform){ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, true, false };
	sa.xf[1] = (struct ike_transform){ .type = IKE_XF_ESN, .id = IKE_ESN_NO };
	cr_assert(ike_build_sa(&b, &sa));
	memset(&tsi, 0, sizeof(tsi));
	tsi.n = 1;
	tsi.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV6_ADDR_RANGE, .end_port = 65535 };
	inet_pton(AF_INET6, "2001:db8:aaaa::1", &tsi.ts[0].start.v6);
	tsi.ts[0].end = tsi.ts[0].start;
	tsr = tsi;
	inet_pton(AF_INET6, "2001:db8:ffff::", &tsr.ts[0].start.v6);
	inet_pton(AF_INET6, "2001:db8:ffff:0:ffff:ffff:ffff:ffff", &tsr.ts[0].end.v6);
	cr_assert(ike_build_ts(&b, IKE_PLD_TSI, &tsi));
	cr_assert(ike_build_ts(&b, IKE_PLD_TSR, &tsr));
	cr_assert(ike_build_notify(&b, &(struct ike_notify){ .type = IKE_N_MOBIKE_SUPPORTED }));
	cr_assert(ike_build_notify(&b, &(struct ike_notify){ .type = IKE_N_NO_ADDITIONAL_ADDRESSES }));
	cr_assert(ike_build_chain_finish(&b, &first, &len));
	cr_assert_eq(first, IKE_PLD_IDR);
	cr_assert_eq(len, ilen);
	cr_assert_arr_eq(out, in, ilen);

	/* Its outer message, SK in two steps: reserve, header, then the
	 * crypto layer's bytes (here the captured ones). */
	vlen = load("psk_08_auth_resp", "", vec);
	ike_build_msg_init(&b, out, sizeof(out));
	off = ike_build_sk_reserve(&b, IKE_PLD_IDR, vlen - 32);
	cr_assert_eq(off, 32);
	cr_assert_eq(ike_build_notify(&b, &(struct ike_notify){ .type = IKE_N_COOKIE }), 0);
	h = (struct ike_hdr){ .ispi = 0xa848fb7fca83acb4ULL, .rspi = 0x1f92097bb610f0baULL,
			      .exchange = IKE_EXCH_IKE_AUTH, .flags = IKE_FLAG_R | 0x80, .msg_id = 1 };
	cr_assert_eq(ike_build_msg_finish(&b, &h), 0, "a failed append is sticky");
	ike_build_msg_init(&b, out, sizeof(out));
	cr_assert_eq(ike_build_sk_reserve(&b, IKE_PLD_IDR, vlen - 32), 32);
	cr_assert_eq(ike_build_msg_finish(&b, &h), vlen);   /* reserved flag 0x80 cleared */
	memcpy(out + off, vec + off, vlen - off);
	cr_assert_arr_eq(out, vec, vlen);
}

/* ----------------------------------------------------- failing cases -- */

/* One payload of type after the header; body = hex, then fill bytes 0x5a,
 * then rep x rep_hex. Expect rule with numbers a, b at payload 0. */
struct bad {
	uint8_t type;
	const char *hex;
	size_t fill;
	const char *rep_hex;
	unsigned rep;
	enum ike_rule rule;
	unsigned long long a, b;
};

static const struct bad bad_payloads[] = {
	/* SA (RFC 7296 3.3) */
	{ IKE_PLD_SA, "", 0, NULL, 0, IKE_ERR_SA_EMPTY, 0, 1 },
	{ IKE_PLD_SA, "0000000801", 0, NULL, 0, IKE_ERR_PROP_SHORT, 5, 8 },
	{ IKE_PLD_SA, "0000000801030400 11223344", 0, NULL, 0, IKE_ERR_PROP_LENGTH, 8, 12 },
	{ IKE_PLD_SA, "0000002001030400 11223344", 0, NULL, 0, IKE_ERR_PROP_OVERRUN, 32, 12 },
	{ IKE_PLD_SA, "0200000c01030400 11223344", 0, NULL, 0, IKE_ERR_PROP_LAST, 2, 0 },
	{ IKE_PLD_SA, "0000000c01030400 11223344 0000000c02030400 11223344", 0, NULL, 0,
	  IKE_ERR_PROP_LAST, 0, 12 },
	{ IKE_PLD_SA, "0100000c01030400 11223344", 0, NULL, 0, IKE_ERR_PROP_LAST, 1, 0 },
	{ IKE_PLD_SA, "0200000801010000 0000000803010000", 0, NULL, 0, IKE_ERR_PROP_NUM, 3, 2 },
	{ IKE_PLD_SA, "0200000802010000 0000000803010000", 0, NULL, 0, IKE_ERR_PROP_NUM, 2, 1 },
	{ IKE_PLD_SA, "0000000800010000", 0, NULL, 0, IKE_ERR_PROP_NUM, 0, 1 },
	{ IKE_PLD_SA, "0000001001030800 1122334455667788", 0, NULL, 0, IKE_ERR_PROP_SPI_SIZE, 8, 4 },
	{ IKE_PLD_SA, "0000000c01010400 11223344", 0, NULL, 0, IKE_ERR_PROP_SPI_SIZE, 4, 8 },
	{ IKE_PLD_SA, "0000000c01010001 00000008", 0, NULL, 0, IKE_ERR_XF_SHORT, 4, 8 },
	{ IKE_PLD_SA, "0000001001010001 0000000401000014", 0, NULL, 0, IKE_ERR_XF_LENGTH, 4, 8 },
	{ IKE_PLD_SA, "0000001001010001 0000001001000014", 0, NULL, 0, IKE_ERR_XF_OVERRUN, 16, 8 },
	{ IKE_PLD_SA, "0000001001010001 0300000801000014", 0, NULL, 0, IKE_ERR_XF_LAST, 3, 0 },
	{ IKE_PLD_SA, "0000001801010002 0000000801000014 0000000802000005", 0, NULL, 0,
	  IKE_ERR_XF_LAST, 0, 8 },
	{ IKE_PLD_SA, "0000001001010002 0000000801000014", 0, NULL, 0, IKE_ERR_XF_COUNT, 1, 2 },
	{ IKE_PLD_SA, "0000001201010001 0000000a01000014 800e", 0, NULL, 0, IKE_ERR_ATTR_SHORT, 2, 4 },
	{ IKE_PLD_SA, "0000001401010001 0000000c01000014 0001000a", 0, NULL, 0,
	  IKE_ERR_ATTR_OVERRUN, 14, 4 },
	{ IKE_PLD_SA, "0000001401010001 0000000c01000014 000e0000", 0, NULL, 0, IKE_ERR_ATTR_FORMAT,
	  14, 0 },
	{ IKE_PLD_SA, "0000001801010001 0000001001000014 800e0080 800e0080", 0, NULL, 0,
	  IKE_ERR_ATTR_DUPLICATE, 2, 1 },
	/* KE, ID, CERT, CERTREQ, AUTH, Nonce (3.4-3.9) */
	{ IKE_PLD_KE, "0013 0000", 63, NULL, 0, IKE_ERR_KE_LENGTH, 63, 64 },
	{ IKE_PLD_KE, "000e 0000", 255, NULL, 0, IKE_ERR_KE_LENGTH, 255, 256 },
	{ IKE_PLD_KE, "0013", 0, NULL, 0, IKE_ERR_PLD_LENGTH, 6, 8 },
	{ IKE_PLD_IDI, "02000000", 0, NULL, 0, IKE_ERR_ID_EMPTY, 0, 1 },
	{ IKE_PLD_IDI, "05000000", 15, NULL, 0, IKE_ERR_ID_LENGTH, 15, 16 },
	{ IKE_PLD_IDR, "01000000 c000020100", 0, NULL, 0, IKE_ERR_ID_LENGTH, 5, 4 },
	{ IKE_PLD_IDR, "02000000 610062", 0, NULL, 0, IKE_ERR_ID_TERMINATOR, 1, 0 },
	{ IKE_PLD_IDI, "03000000 61620d", 0, NULL, 0, IKE_ERR_ID_TERMINATOR, 2, 13 },
	{ IKE_PLD_CERT, "04", 0, NULL, 0, IKE_ERR_CERT_EMPTY, 0, 1 },
	{ IKE_PLD_CERT, "0c", 20, NULL, 0, IKE_ERR_CERT_HASH_URL, 20, 21 },
	{ IKE_PLD_CERTREQ, "04", 19, NULL, 0, IKE_ERR_CERTREQ_HASHES, 19, 20 },
	{ IKE_PLD_AUTH, "02000000", 0, NULL, 0, IKE_ERR_AUTH_EMPTY, 0, 1 },
	{ IKE_PLD_AUTH, "0e000000 0c300a", 0, NULL, 0, IKE_ERR_AUTH_SIG_LENGTH, 13, 3 },
	{ IKE_PLD_AUTH, "0e000000 023100ff", 0, NULL, 0, IKE_ERR_AUTH_SIG_DER, 0, 2 },
	{ IKE_PLD_AUTH, "0e000000 0330020000ff", 0, NULL, 0, IKE_ERR_AUTH_SIG_DER, 4, 3 },
	{ IKE_PLD_AUTH, "0e000000 023000", 0, NULL, 0, IKE_ERR_AUTH_SIG_EMPTY, 0, 1 },
	{ IKE_PLD_NONCE, "", 15, NULL, 0, IKE_ERR_NONCE_LENGTH, 15, 16 },
	{ IKE_PLD_NONCE, "", 257, NULL, 0, IKE_ERR_NONCE_LENGTH, 257, 256 },
	/* Notify, Delete (3.10, 3.11) */
	{ IKE_PLD_NOTIFY, "00034000 112233", 0, NULL, 0, IKE_ERR_NOTIFY_SPI_SIZE, 3, 0 },
	{ IKE_PLD_NOTIFY, "03084009 11223344", 0, NULL, 0, IKE_ERR_NOTIFY_SPI_OVERRUN, 12, 8 },
	{ IKE_PLD_NOTIFY, "00004004", 19, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 19, 20 },
	{ IKE_PLD_NOTIFY, "00004006", 65, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 65, 64 },
	{ IKE_PLD_NOTIFY, "00004006", 0, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 0, 1 },
	{ IKE_PLD_NOTIFY, "0000402f 000200", 0, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 3, 2 },
	{ IKE_PLD_NOTIFY, "00000011 000e00", 0, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 3, 2 },
	{ IKE_PLD_NOTIFY, "00000001", 0, NULL, 0, IKE_ERR_NOTIFY_DATA_LENGTH, 0, 1 },
	{ IKE_PLD_DELETE, "04040001 11223344", 0, NULL, 0, IKE_ERR_DELETE_PROTOCOL, 4, 3 },
	{ IKE_PLD_DELETE, "03000001", 0, NULL, 0, IKE_ERR_DELETE_SPI_SIZE, 0, 4 },
	{ IKE_PLD_DELETE, "01040000", 0, NULL, 0, IKE_ERR_DELETE_SPI_SIZE, 4, 0 },
	{ IKE_PLD_DELETE, "01000001", 0, NULL, 0, IKE_ERR_DELETE_COUNT, 1, 0 },
	{ IKE_PLD_DELETE, "03040000", 0, NULL, 0, IKE_ERR_DELETE_COUNT, 0, 1 },
	{ IKE_PLD_DELETE, "03040002 11223344", 0, NULL, 0, IKE_ERR_DELETE_LENGTH, 8, 12 },
	/* TS, CP, EAP, SKF (3.13, 3.15, 3.16, RFC 7383 2.5) */
	{ IKE_PLD_TSI, "00000000", 0, NULL, 0, IKE_ERR_TS_EMPTY, 0, 1 },
	{ IKE_PLD_TSI, "11000000", 0, NULL, 0, IKE_ERR_TS_TOO_MANY, 17, 16 },
	{ IKE_PLD_TSR, "01000000 0800", 0, NULL, 0, IKE_ERR_TS_SHORT, 2, 4 },
	{ IKE_PLD_TSR, "02000000 07000010 0000ffff c0000200 c00002ff", 0, NULL, 0, IKE_ERR_TS_SHORT, 0, 4 },
	{ IKE_PLD_TSR, "01000000 08000010", 12, NULL, 0, IKE_ERR_TS_LENGTH, 16, 40 },
	{ IKE_PLD_TSI, "01000000 0d000003", 0, NULL, 0, IKE_ERR_TS_LENGTH, 3, 4 },
	{ IKE_PLD_TSI, "01000000 0d000064", 0, NULL, 0, IKE_ERR_TS_OVERRUN, 100, 4 },
	{ IKE_PLD_TSI, "01000000 07000010 0000ffff c0000200 c00002ff 00", 0, NULL, 0,
	  IKE_ERR_TS_TRAILING, 1, 0 },
	{ IKE_PLD_CP, "05000000", 0, NULL, 0, IKE_ERR_CP_TYPE, 5, 4 },
	{ IKE_PLD_CP, "00000000", 0, NULL, 0, IKE_ERR_CP_TYPE, 0, 4 },
	{ IKE_PLD_CP, "01000000 0008", 0, NULL, 0, IKE_ERR_CP_ATTR_SHORT, 2, 4 },
	{ IKE_PLD_CP, "01000000 00080011", 0, NULL, 0, IKE_ERR_CP_ATTR_OVERRUN, 21, 4 },
	{ IKE_PLD_CP, "02000000 00080010", 16, NULL, 0, IKE_ERR_CP_ATTR_LENGTH, 16, 17 },
	{ IKE_PLD_CP, "02000000 00010005", 5, NULL, 0, IKE_ERR_CP_ATTR_LENGTH, 5, 4 },
	{ IKE_PLD_CP, "01000000 000f0000", 0, NULL, 0, IKE_ERR_CP_ATTR_LENGTH, 0, 17 },
	{ IKE_PLD_CP, "02000000 000e0003 000800", 0, NULL, 0, IKE_ERR_CP_ATTR_LENGTH, 3, 2 },
	{ IKE_PLD_CP, "02000000 00080011 20010db8000000000000000000000001 81", 0, NULL, 0,
	  IKE_ERR_CP_PREFIX, 129, 128 },
	{ IKE_PLD_CP, "01000000", 0, "00080000", 33, IKE_ERR_CP_TOO_MANY, 33, 32 },
	{ IKE_PLD_EAP, "02010008 01", 0, NULL, 0, IKE_ERR_EAP_LENGTH, 8, 5 },
	{ IKE_PLD_SKF, "00000002", 16, NULL, 0, IKE_ERR_SKF_NUMBER, 0, 2 },
	{ IKE_PLD_SKF, "00030002", 16, NULL, 0, IKE_ERR_SKF_NUMBER, 3, 2 },
};

static bool seen[IKE_ERR_COUNT];

/* got must be want, with E's numbers a and b. */
static void expect(enum ike_rule got, enum ike_rule want, unsigned long long a, unsigned long long b,
		   const char *what)
{
	cr_assert_eq(got, want, "%s: %s, want %s", what, ike_rule_name(got), ike_rule_name(want));
	cr_assert(E.rule == got && E.a == a && E.b == b, "%s (%s): %llu %llu, want %llu %llu", what,
		  ike_rule_name(want), E.a, E.b, a, b);
	seen[want] = true;
}

/* One payload of the given type, body from hex. */
static size_t one(uint8_t *msg, uint8_t type, uint8_t *body, size_t cap, const char *hex)
{
	struct raw p = { type, false, body, test_unhex(hex, body, cap) };

	return assemble(msg, &p, 1);
}

Test(ike_rules, every_rule_fails_with_its_numbers)
{
	static uint8_t body[8192], msg[9000], scratch[9000];
	static struct raw ps[80];
	uint8_t nat[24] = { 0, 0, 0x40, 0x04 };
	struct ike_builder b;
	char text[256], what[32];
	size_t i, n, len;
	unsigned r;

	for (i = 0; i < sizeof(bad_payloads) / sizeof(bad_payloads[0]); i++) {
		const struct bad *t = &bad_payloads[i];
		struct raw p;

		n = t->hex ? test_unhex(t->hex, body, sizeof(body)) : 0;
		memset(body + n, 0x5a, t->fill);
		n += t->fill;
		for (r = 0; r < t->rep; r++)
			n += test_unhex(t->rep_hex, body + n, sizeof(body) - n);
		p = (struct raw){ t->type, false, body, n };
		len = assemble(msg, &p, 1);
		snprintf(what, sizeof(what), "case %zu", i);
		expect(ike_msg_parse(msg, len, &M, &E), t->rule, t->a, t->b, what);
		cr_assert(E.pld == t->type && E.index == 0, "case %zu", i);
		cr_assert(E.off >= IKE_HDR_LEN && E.off <= len, "case %zu: off %zu", i, E.off);
		cr_assert_eq(ike_rule_notify(t->rule), IKE_N_INVALID_SYNTAX);
		cr_assert_gt(ike_err_format(&E, text, sizeof(text)), 0);
		/* The builder refuses what the parser refuses. */
		ike_build_msg_init(&b, scratch, sizeof(scratch));
		cr_assert_eq(ike_build_raw(&b, t->type, false, body, n), 0, "case %zu", i);
	}
	/* SA limits: 17 proposals numbered 1..17, 129 transforms. */
	for (n = 0, r = 0; r < 17; r++)
		n += test_unhex("0200000801010000", body + n, sizeof(body) - n), body[n - 4] = (uint8_t)(r + 1);
	body[n - 8] = 0;
	ps[0] = (struct raw){ IKE_PLD_SA, false, body, n };
	expect(ike_msg_parse(msg, assemble(msg, ps, 1), &M, &E), IKE_ERR_PROP_TOO_MANY, 17, 16, "props");
	cr_assert_eq(E.off, 32 + 16 * 8);
	n = test_unhex("00000000010100 81", body, sizeof(body));
	for (r = 0; r < 129; r++)
		n += test_unhex(r < 128 ? "0300000801000014" : "0000000801000014", body + n,
				sizeof(body) - n);
	body[2] = (uint8_t)(n >> 8), body[3] = (uint8_t)n;
	ps[0] = (struct raw){ IKE_PLD_SA, false, body, n };
	expect(ike_msg_parse(msg, assemble(msg, ps, 1), &M, &E), IKE_ERR_XF_TOO_MANY, 129, 128, "xfs");

	/* Accepted: a lone proposal keeps its number; an unknown attribute,
	 * group or AUTH method is kept for the tasks to judge; NULL AUTH
	 * (RFC 7619) may be empty. */
	len = one(msg, IKE_PLD_SA, body, sizeof(body), "0000001401030401 aabbccdd 0000000801000014");
	msg[36] = 5;
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);
	cr_assert(M.pl.sa.prop[0].num == 5 && M.pl.sa.prop[0].spi == 0xaabbccdd);
	len = one(msg, IKE_PLD_SA, body, sizeof(body), "0000001401010001 0000000c01000014 80010001");
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);
	cr_assert(M.pl.sa.xf[0].unknown_attr && !M.pl.sa.xf[0].has_key_len);
	cr_assert_eq(ike_msg_parse(msg, one(msg, IKE_PLD_KE, body, sizeof(body), "03e7000001"), &M, &E), IKE_ERR_OK);
	cr_assert_eq(ike_msg_parse(msg, one(msg, IKE_PLD_AUTH, body, sizeof(body), "0c00000001"), &M, &E), IKE_ERR_OK);
	cr_assert_eq(ike_msg_parse(msg, one(msg, IKE_PLD_AUTH, body, sizeof(body), "0d000000"), &M, &E), IKE_ERR_OK);

	/* Header (RFC 7296 3.1). */
	len = assemble(msg, NULL, 0);
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);      /* empty chain */
	expect(ike_msg_parse(msg, 27, &M, &E), IKE_ERR_HDR_SHORT, 27, 28, "short");
	msg[17] = 0x30;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_MAJOR_HIGH, 3, 2, "major 3");
	cr_assert(M.hdr.ispi == 1 && M.hdr.rspi == 2 && M.hdr.msg_id == 1);   /* to answer */
	cr_assert_eq(ike_rule_notify(E.rule), IKE_N_INVALID_MAJOR_VERSION);
	msg[17] = 0x10;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_MAJOR_LOW, 1, 2, "major 1");
	msg[17] = 0x21;                                         /* minor ignored */
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);
	expect(ike_msg_parse(msg, len + 1, &M, &E), IKE_ERR_HDR_LENGTH, 28, 29, "length");
	msg[18] = 38;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_EXCHANGE, 38, 34, "exchange");
	msg[18] = 35;
	msg[16] = IKE_PLD_NONCE;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_PLD_SHORT, 0, 4, "no payload");
	cr_assert_eq(E.pld, IKE_PLD_NONCE);

	/* Chain (3.2): unknown types skipped unless critical, overrun,
	 * trailing bytes. */
	ps[0] = (struct raw){ IKE_PLD_VID, false, body, 3 };
	ps[1] = (struct raw){ 99, false, body, 2 };
	ps[2] = (struct raw){ IKE_PLD_VID, false, body, 1 };
	len = assemble(msg, ps, 3);
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);
	cr_assert(M.pl.n == 3 && M.pl.n_vid == 2 && M.pl.n_unknown == 1 && !M.pl.order[1].known);
	cr_assert_eq(ike_msg_build(&M, scratch, sizeof(scratch)), len);
	cr_assert_arr_eq(scratch, msg, len);
	ps[1].crit = true;
	expect(ike_msg_parse(msg, assemble(msg, ps, 3), &M, &E), IKE_ERR_CRITICAL, 99, 1, "critical");
	cr_assert(E.pld == 99 && E.index == 1 && E.off == 35);
	cr_assert_eq(ike_rule_notify(E.rule), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	ps[0].crit = true;                      /* known types: the bit is ignored */
	ps[1].crit = false;
	len = assemble(msg, ps, 3);
	cr_assert_eq(ike_msg_parse(msg, len, &M, &E), IKE_ERR_OK);
	msg[31] = 50;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_PLD_OVERRUN, 50, len - 28, "overrun");
	msg[31] = 3;
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_PLD_LENGTH, 3, 4, "below header");
	msg[31] = 7;
	msg[35] = 0;                            /* the unknown one ends the chain */
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_TRAILING, 5, 0, "trailing");
	cr_assert_eq(E.off, len - 5);

	/* Count limits. */
	ps[0] = ps[1] = (struct raw){ IKE_PLD_NONCE, false, scratch, 16 };
	expect(ike_msg_parse(msg, assemble(msg, ps, 2), &M, &E), IKE_ERR_DUPLICATE, 2, 1, "nonce x2");
	cr_assert_eq(E.index, 1);
	for (i = 0; i < 33; i++)
		ps[i] = (struct raw){ IKE_PLD_NOTIFY, false, nat, 24 };
	expect(ike_msg_parse(msg, assemble(msg, ps, 33), &M, &E), IKE_ERR_DUPLICATE, 33, 32, "N x33");
	for (i = 0; i < 9; i++)
		ps[i] = (struct raw){ (uint8_t)(100 + i), false, nat, 0 };
	expect(ike_msg_parse(msg, assemble(msg, ps, 9), &M, &E), IKE_ERR_DUPLICATE, 9, 8, "unknown x9");
	for (i = 0; i < 65; i++)
		ps[i] = (struct raw){ i < 32 ? IKE_PLD_NOTIFY : i < 48 ? IKE_PLD_VID : IKE_PLD_DELETE, false,
				      i < 32 ? nat : (const uint8_t *)"\x01\x00\x00\x00", i < 32 ? 24 : 4 };
	for (i = 56; i < 65; i++)
		ps[i] = (struct raw){ (uint8_t)(100 + i), false, nat, 0 };
	expect(ike_msg_parse(msg, assemble(msg, ps, 65), &M, &E), IKE_ERR_TOO_MANY, 65, 64, "65");

	/* SK last (3.14), and none inside a decrypted chain. */
	ps[0] = (struct raw){ IKE_PLD_SK, false, body, 20 };
	ps[1] = (struct raw){ IKE_PLD_VID, false, body, 2 };
	len = assemble(msg, ps, 2);
	expect(ike_msg_parse(msg, len, &M, &E), IKE_ERR_ENC_NOT_LAST, 6, 0, "SK then VID");
	expect(ike_inner_parse(msg + 28, len - 28, IKE_PLD_SK, &PL, &E), IKE_ERR_ENC_NESTED, IKE_PLD_SK,
	       1, "nested");
	cr_assert_eq(E.off, 0);

	for (r = 1; r < IKE_ERR_COUNT; r++)
		cr_assert(seen[r], "no failing case for %s", ike_rule_name((enum ike_rule)r));
	E = (struct ike_err){ IKE_ERR_NOTIFY_DATA_LENGTH, IKE_PLD_NOTIFY, 3, 120, 19, 20 };
	ike_err_format(&E, text, sizeof(text));
	cr_assert_str_eq(text, "NOTIFY payload #3 at 120: Notify data length outside its type's (19 vs 20)");
}

/* ID types, TS and EAP that the captures do not carry, built and parsed. */
Test(ike_builder, ids_ts_eap_roundtrip)
{
	static uint8_t buf[1024];
	static const uint8_t eap[] = { 1, 7, 0, 10, 1, 'm', 'a', 'g', '1', '!' };  /* Identity */
	struct ike_builder b;
	struct ike_id id = { .type = IKE_ID_IPV4_ADDR };
	struct ike_ts_list ts = { .n = 1 };
	struct ike_hdr h = { .ispi = 7, .exchange = IKE_EXCH_IKE_AUTH, .flags = IKE_FLAG_I, .msg_id = 1 };
	size_t len;

	inet_pton(AF_INET, "192.0.2.1", &id.addr.v4);
	ts.ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .proto = 135, .start_port = 0,
				    .end_port = 65535 };
	inet_pton(AF_INET, "192.0.2.0", &ts.ts[0].start.v4);
	inet_pton(AF_INET, "192.0.2.255", &ts.ts[0].end.v4);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_id(&b, IKE_PLD_IDI, &id), 12);
	id = (struct ike_id){ .type = IKE_ID_KEY_ID, .data = { (const uint8_t *)"\x6c\x6d\x61", 3 } };
	cr_assert_eq(ike_build_id(&b, IKE_PLD_IDR, &id), 11);
	cr_assert_eq(ike_build_ts(&b, IKE_PLD_TSI, &ts), 24);
	cr_assert_eq(ike_build_eap(&b, eap, sizeof(eap)), 14);
	cr_assert_eq(ike_build_vid(&b, (const uint8_t *)"pmip", 4), 8);
	len = ike_build_msg_finish(&b, &h);
	cr_assert_eq(len, 28 + 12 + 11 + 24 + 14 + 8);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert_str_eq(a4(&M.pl.idi.addr.v4), "192.0.2.1");
	cr_assert(M.pl.idr.type == IKE_ID_KEY_ID && M.pl.idr.data.len == 3);
	cr_assert(M.pl.tsi.ts[0].proto == 135 && M.pl.tsi.ts[0].end_port == 65535);
	cr_assert_str_eq(a4(M.pl.tsi.ts[0].end.b), "192.0.2.255");
	cr_assert(M.pl.eap.code == 1 && M.pl.eap.id == 7 && M.pl.eap.msg.len == sizeof(eap));
	cr_assert(M.pl.n_vid == 1 && memcmp(M.pl.vid[0].ptr, "pmip", 4) == 0);
	cr_assert(M.hdr.flags == IKE_FLAG_I && M.hdr.ispi == 7 && M.hdr.next == IKE_PLD_IDI);
}

Test(ike_builder, refusals)
{
	static uint8_t buf[4096];
	static uint8_t nonce[300];
	struct ike_builder b;
	struct ike_hdr h = { .exchange = IKE_EXCH_INFORMATIONAL };
	uint8_t first;
	size_t len;

	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_nonce(&b, nonce, 15), 0);        /* 3.9: 16..256 */
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_nonce(&b, nonce, 257), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_nonce(&b, nonce, 16), 20);
	cr_assert_eq(ike_build_nonce(&b, nonce, 16), 0);        /* one Nonce */
	ike_build_msg_init(&b, buf, 40);
	cr_assert_eq(ike_build_nonce(&b, nonce, 16), 0);        /* no room */
	cr_assert_eq(ike_build_msg_finish(&b, &h), 0);
	ike_build_msg_init(&b, buf, 20);
	cr_assert_eq(ike_build_msg_finish(&b, &h), 0);          /* no room for the header */
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_raw(&b, IKE_PLD_SK, false, nonce, 4), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_skf_reserve(&b, IKE_PLD_IDI, 0, 2, 16), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_skf_reserve(&b, IKE_PLD_IDI, 2, 2, 16), 36);
	cr_assert_eq(len = ike_build_msg_finish(&b, &h), 52);
	cr_assert_eq(ike_msg_parse(buf, len, &M, &E), IKE_ERR_OK);
	cr_assert(M.pl.n_skf == 1 && M.pl.sk.frag_num == 2 && M.pl.sk.frag_total == 2);
	cr_assert(M.pl.sk.body_off == 36 && M.pl.sk.body_len == 16 && M.pl.sk.first == IKE_PLD_IDI);
	/* An empty chain, an empty message. */
	ike_build_chain_init(&b, buf, sizeof(buf));
	cr_assert(ike_build_chain_finish(&b, &first, &len));
	cr_assert(first == 0 && len == 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_msg_finish(&b, &h), 28);
	cr_assert_eq(ike_msg_parse(buf, 28, &M, &E), IKE_ERR_OK);
	/* Inconsistent structs. */
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_delete(&b, &(struct ike_delete){ IKE_PROTO_ESP, 4, 2, { nonce, 4 } }), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_id(&b, IKE_PLD_AUTH, &(struct ike_id){ .type = IKE_ID_FQDN }), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_ts(&b, IKE_PLD_TSI, &(struct ike_ts_list){ .n = 0 }), 0);
	ike_build_msg_init(&b, buf, sizeof(buf));
	cr_assert_eq(ike_build_cp(&b, &(struct ike_cp){ .cfg_type = IKE_CFG_REPLY, .n = 1,
						       .attr = { { .type = 7, .from_addr = true } } }), 0);
}

Test(ike_names, tables)
{
	cr_assert_str_eq(ike_notify_name(IKE_N_COOKIE), "COOKIE");
	cr_assert_eq(IKE_N_COOKIE, 16390);
	cr_assert_eq(IKE_N_INVALID_KE_PAYLOAD, 17);
	cr_assert_eq(IKE_N_NAT_DETECTION_SOURCE_IP, 16388);
	cr_assert_eq(IKE_N_NAT_DETECTION_DESTINATION_IP, 16389);
	cr_assert_eq(IKE_N_INTERNAL_ADDRESS_FAILURE, 36);
	cr_assert_eq(IKE_N_AUTHENTICATION_FAILED, 24);
	cr_assert_eq(IKE_N_NO_PROPOSAL_CHOSEN, 14);
	cr_assert_eq(IKE_N_INVALID_SYNTAX, 7);
	cr_assert_eq(IKE_N_TS_UNACCEPTABLE, 38);
	cr_assert_eq(IKE_N_SIGNATURE_HASH_ALGORITHMS, 16431);
	cr_assert_null(ike_notify_name(12345));
	cr_assert_str_eq(ike_exchange_name(IKE_EXCH_CREATE_CHILD_SA), "CREATE_CHILD_SA");
	cr_assert_null(ike_exchange_name(33));
	cr_assert_str_eq(ike_payload_name(IKE_PLD_SKF), "SKF");
	cr_assert_null(ike_payload_name(49));
	cr_assert_str_eq(ike_cp_attr_name(IKE_CP_INTERNAL_IP6_ADDRESS), "INTERNAL_IP6_ADDRESS");
	cr_assert_str_eq(ike_rule_name(IKE_ERR_CRITICAL), "CRITICAL");
	cr_assert_eq(ike_rule_notify(IKE_ERR_HDR_LENGTH), 0);
}

/* ----------------------------------------------- truncation, bit flips -- */

/* Parse; if OK, re-build and check the re-build is a fixed point. */
static enum ike_rule parse_check(const uint8_t *buf, size_t len, bool inner, uint8_t first)
{
	static uint8_t out[MAXV], out2[MAXV];
	enum ike_rule r;
	size_t n, n2;

	if (inner)
		r = ike_inner_parse(buf, len, first, &PL, &E);
	else
		r = ike_msg_parse(buf, len, &M, &E);
	cr_assert(E.rule == r && E.off <= len + IKE_HDR_LEN);
	if (r != IKE_ERR_OK)
		return r;
	if (inner) {
		struct ike_builder b;
		uint8_t f;

		ike_build_chain_init(&b, out, sizeof(out));
		cr_assert(ike_build_payloads(&b, &PL) && ike_build_chain_finish(&b, &f, &n));
		cr_assert_eq(ike_inner_parse(out, n, f, &PL2, &E), IKE_ERR_OK);
		ike_build_chain_init(&b, out2, sizeof(out2));
		cr_assert(ike_build_payloads(&b, &PL2) && ike_build_chain_finish(&b, &f, &n2));
	} else {
		n = ike_msg_build(&M, out, sizeof(out));
		cr_assert_neq(n, 0);
		cr_assert_eq(ike_msg_parse(out, n, &M2, &E), IKE_ERR_OK);
		n2 = ike_msg_build(&M2, out2, sizeof(out2));
	}
	cr_assert(n2 == n && memcmp(out, out2, n) == 0);
	return r;
}

static void mutate_all(const char *const *names)
{
	static uint8_t buf[MAXV], in[MAXV], tmp[MAXV];
	unsigned v;
	size_t n, il, l, bit;

	for (v = 0; v < NVEC; v++) {
		n = load(names[v], "", buf);
		cr_assert_eq(parse_check(buf, n, false, 0), IKE_ERR_OK);
		uint8_t first = M.pl.sk.first;
		bool inner = M.pl.n_sk != 0;

		il = inner ? load(names[v], "_inner", in) : 0;
		for (l = 0; l < n; l++) {
			/* As received, then with the length field following:
			 * the chain must notice the truncation too. */
			memcpy(tmp, buf, l);
			cr_assert_neq(parse_check(tmp, l, false, 0), IKE_ERR_OK, "%s len %zu", names[v], l);
			if (l >= IKE_HDR_LEN) {
				tmp[24] = 0, tmp[25] = 0, tmp[26] = (uint8_t)(l >> 8), tmp[27] = (uint8_t)l;
				cr_assert_neq(parse_check(tmp, l, false, 0), IKE_ERR_OK, "%s len %zu",
					      names[v], l);
			}
		}
		for (l = 0; l < il; l++) {
			memcpy(tmp, in, l);
			cr_assert_neq(parse_check(tmp, l, true, first), IKE_ERR_OK, "%s inner %zu", names[v], l);
		}
		for (bit = 0; bit < n * 8; bit++) {
			memcpy(tmp, buf, n);
			tmp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			(void)parse_check(tmp, n, false, 0);
		}
		for (bit = 0; bit < il * 8; bit++) {
			memcpy(tmp, in, il);
			tmp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			(void)parse_check(tmp, il, true, first);
		}
	}
}

Test(ike_mutations, truncations_and_bit_flips_psk, .timeout = 300)
{
	mutate_all(ike_capture_psk);
}

Test(ike_mutations, truncations_and_bit_flips_cert, .timeout = 300)
{
	mutate_all(ike_capture_cert);
}
