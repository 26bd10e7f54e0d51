/* Wire codecs for Ethernet, IPv6, ICMPv6 echo and errors, and Neighbor
 * Discovery. See pkt.h for the contract.
 *
 * Every parser validates before it handles: it compares each length with
 * the bytes left before reading, and copies fields out of the buffer with
 * byte loads or memcpy (never a cast of the buffer to a struct: frames in an
 * mbuf need not be aligned). No allocation, logging or mutable global: this
 * runs on the data-plane packet path.
 */
#include "net/pkt.h"

#include <arpa/inet.h>
#include <string.h>

/* Offsets inside the fixed headers. */
#define ETH_OFF_DST 0
#define ETH_OFF_SRC 6
#define ETH_OFF_TYPE 12

#define IP6_OFF_VTCFL 0
#define IP6_OFF_PLEN 4
#define IP6_OFF_NH 6
#define IP6_OFF_HLIM 7
#define IP6_OFF_SRC 8
#define IP6_OFF_DST 24

#define ICMP6_HLEN 4          /* type, code, checksum */
#define ICMP6_OFF_CSUM 2
#define ECHO_HLEN 8           /* + identifier, sequence */
#define ND_NS_LEN 24          /* + reserved, target (RFC 4861 4.3) */
#define ND_NA_LEN 24          /* + flags/reserved, target (RFC 4861 4.4) */
#define ND_RS_LEN 8           /* + reserved (RFC 4861 4.1) */
#define ND_RA_LEN 16          /* + hop limit, flags, lifetime, reachable, retrans (4.2) */
#define ICMP6_ERR_HLEN 8      /* + unused / MTU / pointer (RFC 4443 3) */
#define ND_OPT_UNIT 8         /* option length field counts 8-octet units */
#define ND_OPT_LLA_ETH_LEN 8  /* type, length, 6-byte MAC (RFC 2464 6) */
#define ND_OPT_MTU_LEN 8      /* type, length, reserved, MTU (RFC 4861 4.6.4) */
#define ND_OPT_PI_LEN 32      /* RFC 4861 4.6.2 */

#define RA_FLAG_MANAGED 0x80  /* RFC 4861 4.2 */
#define RA_FLAG_OTHER 0x40
#define PI_FLAG_ONLINK 0x80   /* RFC 4861 4.6.2 */
#define PI_FLAG_AUTONOMOUS 0x40

#define ND_HOP_LIMIT 255

#define NA_FLAGS_DEFINED (PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE)
#define NA_FRAME_LEN (PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ND_NA_LEN + ND_OPT_LLA_ETH_LEN)
#define NS_FRAME_LEN (PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ND_NS_LEN + ND_OPT_LLA_ETH_LEN)

static const char *const pkt_err_names[PMIP_PKT_ERR_COUNT] = {
#define PMIP_PKT_ERR_NAME(code, name) [PMIP_PKT_ERR_##code] = name,
	PMIP_PKT_ERRORS(PMIP_PKT_ERR_NAME)
#undef PMIP_PKT_ERR_NAME
};

const char *pmip_pkt_err_name(enum pmip_pkt_err err)
{
	if ((unsigned)err >= PMIP_PKT_ERR_COUNT)
		return "unknown";
	return pkt_err_names[err];
}

/* ------------------------------------------------------ byte helpers -- */

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline bool ipv6_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static inline bool ipv6_is_unspecified(const struct in6_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->s6_addr, zero, sizeof(zero)) == 0;
}

/* ff02::1:ff00:0/104 (RFC 4291 2.7.1). */
static inline bool ipv6_is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff,
	};

	return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

/* fe80::/10 (RFC 4291 2.5.6). */
static inline bool ipv6_is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* IEEE 802 group bit: set on multicast and broadcast MACs. */
static inline bool mac_is_group(const uint8_t *mac)
{
	return (mac[0] & 0x01) != 0;
}

/* ------------------------------------------------------------ Ethernet -- */

enum pmip_pkt_err pmip_eth_parse(const uint8_t *buf, size_t len, struct pmip_eth_view *out)
{
	if (len < PMIP_ETH_HLEN)
		return PMIP_PKT_ERR_SHORT;
	memcpy(out->dst, buf + ETH_OFF_DST, PMIP_ETH_ALEN);
	memcpy(out->src, buf + ETH_OFF_SRC, PMIP_ETH_ALEN);
	out->ethertype = get_be16(buf + ETH_OFF_TYPE);
	return PMIP_PKT_ERR_OK;
}

/* ---------------------------------------------------------------- IPv6 -- */

enum pmip_pkt_err pmip_ipv6_parse(const uint8_t *buf, size_t len, struct pmip_ipv6_view *out)
{
	uint32_t vtcfl;
	uint16_t plen;

	if (len < PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	vtcfl = get_be32(buf + IP6_OFF_VTCFL);
	if (vtcfl >> 28 != 6)
		return PMIP_PKT_ERR_VERSION;
	plen = get_be16(buf + IP6_OFF_PLEN);
	/* 0 announces a Jumbo Payload option (RFC 2675): never on Ethernet. */
	if (plen == 0 || plen > len - PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_LENGTH;

	out->traffic_class = (uint8_t)(vtcfl >> 20);
	out->flow_label = vtcfl & 0xfffffu;
	out->payload_len = plen;
	out->next_header = buf[IP6_OFF_NH];
	out->hop_limit = buf[IP6_OFF_HLIM];
	memcpy(out->src.s6_addr, buf + IP6_OFF_SRC, 16);
	memcpy(out->dst.s6_addr, buf + IP6_OFF_DST, 16);
	return PMIP_PKT_ERR_OK;
}

void pmip_ipv6_hdr_write(uint8_t out[PMIP_IPV6_HLEN], const struct in6_addr *src,
			 const struct in6_addr *dst, uint8_t next_header, uint16_t payload_len,
			 uint8_t hop_limit, uint8_t traffic_class, uint32_t flow_label)
{
	struct in6_addr s = *src, d = *dst;   /* either may point into out */

	put_be32(out + IP6_OFF_VTCFL,
		 6u << 28 | (uint32_t)traffic_class << 20 | (flow_label & 0xfffffu));
	put_be16(out + IP6_OFF_PLEN, payload_len);
	out[IP6_OFF_NH] = next_header;
	out[IP6_OFF_HLIM] = hop_limit;
	memcpy(out + IP6_OFF_SRC, s.s6_addr, 16);
	memcpy(out + IP6_OFF_DST, d.s6_addr, 16);
}

static void eth_hdr_write(uint8_t *out, const uint8_t dst[PMIP_ETH_ALEN],
			  const uint8_t src[PMIP_ETH_ALEN])
{
	uint8_t d[PMIP_ETH_ALEN], sm[PMIP_ETH_ALEN];   /* either may point into out */

	memcpy(d, dst, PMIP_ETH_ALEN);
	memcpy(sm, src, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_DST, d, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_SRC, sm, PMIP_ETH_ALEN);
	put_be16(out + ETH_OFF_TYPE, PMIP_ETHERTYPE_IPV6);
}

/* One's complement sum (RFC 1071) of n bytes added to acc, with words loaded
 * in host order: the sum is byte-order independent (RFC 1071 2.(B)), so the
 * caller folds and converts once at the end. 32-bit loads into a 64-bit
 * accumulator cannot overflow for any IPv6 payload (< 2^32 words). */
static uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t n)
{
	uint32_t w32;
	uint16_t w16;

	while (n >= 16) {
		uint32_t w[4];

		memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		n -= 16;
	}
	while (n >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		n -= 2;
	}
	if (n) {
		/* Odd byte: the high half of a word padded with zero. */
		const uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		acc += w16;
	}
	return acc;
}

static uint16_t csum_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t pmip_ipv6_l4_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       uint8_t next_header, const uint8_t *data, size_t len)
{
	uint8_t tail[8];   /* pseudo-header: upper-layer length (32), zero (24), next header (8) */
	uint64_t acc = 0;

	put_be32(tail, (uint32_t)len);
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = next_header;
	acc = csum_add(acc, src->s6_addr, 16);
	acc = csum_add(acc, dst->s6_addr, 16);
	acc = csum_add(acc, tail, sizeof(tail));
	acc = csum_add(acc, data, len);
	/* Summed in host order: ntohs turns it into the value whose network
	 * order bytes are the checksum field. */
	return ntohs((uint16_t)~csum_fold(acc));
}

void pmip_ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *out)
{
	struct in6_addr a = *addr;   /* out may alias addr */

	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xff;
	out->s6_addr[1] = 0x02;
	out->s6_addr[11] = 0x01;
	out->s6_addr[12] = 0xff;
	memcpy(out->s6_addr + 13, a.s6_addr + 13, 3);
}

void pmip_ipv6_multicast_mac(const struct in6_addr *mcast, uint8_t mac[PMIP_ETH_ALEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, mcast->s6_addr + 12, 4);
}

void pmip_ipv6_link_local_from_mac(const uint8_t mac[PMIP_ETH_ALEN], struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	/* Modified EUI-64: invert the universal/local bit, insert ff:fe. */
	out->s6_addr[8] = mac[0] ^ 0x02;
	out->s6_addr[9] = mac[1];
	out->s6_addr[10] = mac[2];
	out->s6_addr[11] = 0xff;
	out->s6_addr[12] = 0xfe;
	out->s6_addr[13] = mac[3];
	out->s6_addr[14] = mac[4];
	out->s6_addr[15] = mac[5];
}

/* -------------------------------------------------------------- ICMPv6 -- */

static bool icmp6_checksum_ok(const struct pmip_ipv6_view *ip, const uint8_t *icmp, size_t len)
{
	return pmip_ipv6_l4_checksum(&ip->src, &ip->dst, PMIP_IPPROTO_ICMPV6, icmp, len) == 0;
}

enum pmip_pkt_err pmip_icmp6_echo_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					size_t len, struct pmip_icmp6_echo *out)
{
	uint8_t type;

	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ECHO_HLEN)   /* RFC 4443 4.1: type, code, checksum, id, seq */
		return PMIP_PKT_ERR_SHORT;
	type = icmp[0];
	if (type != PMIP_ICMP6_ECHO_REQUEST && type != PMIP_ICMP6_ECHO_REPLY)
		return PMIP_PKT_ERR_TYPE;
	if (!icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (icmp[1] != 0)
		return PMIP_PKT_ERR_CODE;

	out->type = type;
	out->id = get_be16(icmp + 4);
	out->seq = get_be16(icmp + 6);
	out->data_off = ECHO_HLEN;
	out->data_len = len - ECHO_HLEN;
	return PMIP_PKT_ERR_OK;
}

size_t pmip_icmp6_echo_reply_build(const uint8_t *req, size_t req_len, uint8_t *out, size_t cap)
{
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	const uint8_t *icmp;
	uint8_t *o_ip, *o_icmp;
	size_t reply_len;
	uint16_t csum;

	/* Validate. */
	if (pmip_eth_parse(req, req_len, &eth) != PMIP_PKT_ERR_OK ||
	    eth.ethertype != PMIP_ETHERTYPE_IPV6)
		return 0;
	if (pmip_ipv6_parse(req + PMIP_ETH_HLEN, req_len - PMIP_ETH_HLEN, &ip) != PMIP_PKT_ERR_OK)
		return 0;
	icmp = req + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	if (pmip_icmp6_echo_parse(&ip, icmp, ip.payload_len, &echo) != PMIP_PKT_ERR_OK ||
	    echo.type != PMIP_ICMP6_ECHO_REQUEST)
		return 0;
	/* The reply's addresses are the request's, swapped: they must be usable
	 * as such. A multicast destination would become a multicast source
	 * (RFC 4443 4.2 wants a unicast one, and answering multicast echo is an
	 * amplifier); a multicast or unspecified source cannot be a destination. */
	if (ipv6_is_multicast(&ip.dst) || ipv6_is_unspecified(&ip.dst) ||
	    ipv6_is_multicast(&ip.src) || ipv6_is_unspecified(&ip.src))
		return 0;
	if (mac_is_group(eth.dst) || mac_is_group(eth.src))
		return 0;
	/* Ethernet padding after the IPv6 payload is not copied. */
	reply_len = PMIP_ETH_HLEN + PMIP_IPV6_HLEN + (size_t)ip.payload_len;
	if (cap < reply_len)
		return 0;

	/* Handle. Everything needed from the headers is in eth/ip/echo now, so
	 * out may overlap req: move the echo data first, then write headers. */
	o_ip = out + PMIP_ETH_HLEN;
	o_icmp = o_ip + PMIP_IPV6_HLEN;
	if (echo.data_len && o_icmp != icmp)
		memmove(o_icmp + echo.data_off, icmp + echo.data_off, echo.data_len);

	eth_hdr_write(out, eth.src, eth.dst);
	/* Traffic class and flow label 0: the reply is a flow of its own
	 * (RFC 6437 allows a source to leave the label 0). */
	pmip_ipv6_hdr_write(o_ip, &ip.dst, &ip.src, PMIP_IPPROTO_ICMPV6, ip.payload_len,
			    PMIP_IPV6_DEFAULT_HOP_LIMIT, 0, 0);

	o_icmp[0] = PMIP_ICMP6_ECHO_REPLY;
	o_icmp[1] = 0;
	put_be16(o_icmp + ICMP6_OFF_CSUM, 0);
	put_be16(o_icmp + 4, echo.id);
	put_be16(o_icmp + 6, echo.seq);
	csum = pmip_ipv6_l4_checksum(&ip.dst, &ip.src, PMIP_IPPROTO_ICMPV6, o_icmp, ip.payload_len);
	put_be16(o_icmp + ICMP6_OFF_CSUM, csum);
	return reply_len;
}

/* ------------------------------------------------------------------ ND -- */

/* Is this the ND message asked for at all? These checks come before the
 * RFC's validity list: they tell "not this message" from "a bad one". */
static enum pmip_pkt_err nd_dispatch(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				     size_t len, uint8_t type)
{
	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ICMP6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	if (icmp[0] != type)
		return PMIP_PKT_ERR_TYPE;
	return PMIP_PKT_ERR_OK;
}

/* The checks all ND messages share, in the order RFC 4861 lists them
 * (6.1.1, 6.1.2, 7.1.1, 7.1.2): hop limit 255, checksum, code 0, length. */
static enum pmip_pkt_err nd_check_common(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					 size_t len, size_t min_len)
{
	if (ip->hop_limit != ND_HOP_LIMIT)   /* i.e. not forwarded by a router */
		return PMIP_PKT_ERR_HOP_LIMIT;
	if (!icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (icmp[1] != 0)
		return PMIP_PKT_ERR_CODE;
	if (len < min_len)
		return PMIP_PKT_ERR_SHORT;
	return PMIP_PKT_ERR_OK;
}

/* Clear the bits of a prefix past its length: RFC 4861 4.6.2 reserves them,
 * zero from the sender, ignored by the receiver. */
static void prefix_mask(struct in6_addr *p, unsigned len)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		p->s6_addr[i] &= (uint8_t)(0xff00u >> len);
		len = 0;
	}
}

/* What a walk over an ND message's options found. */
struct nd_opts {
	bool has_lla;                   /* the SLLA or TLLA the message defines */
	uint8_t lla[PMIP_ETH_ALEN];     /* zero without */
	bool has_mtu;                   /* RA only */
	uint32_t mtu;
	unsigned n_prefixes;            /* RA only */
	unsigned prefixes_skipped;
	struct pmip_nd_ra_prefix prefixes[PMIP_ND_RA_MAX_PREFIXES];
};

/* Walk the options from off to len (RFC 4861 4.6): each needs room for its
 * type and length bytes, a length > 0, and to end within the message.
 * lla_type (SLLA or TLLA) is the link-layer option the message defines;
 * with ra, so are MTU and Prefix Information. A defined option of the wrong
 * size, or a second LLA or MTU option, is OPTION; other options are skipped
 * (last paragraph of RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2). */
static enum pmip_pkt_err nd_opts_parse(const uint8_t *icmp, size_t len, size_t off,
				       uint8_t lla_type, bool ra, struct nd_opts *o)
{
	o->has_lla = false;
	memset(o->lla, 0, PMIP_ETH_ALEN);
	o->has_mtu = false;
	o->mtu = 0;
	o->n_prefixes = 0;
	o->prefixes_skipped = 0;

	while (off < len) {
		const uint8_t *opt = icmp + off;
		size_t left = len - off;
		size_t opt_len;

		if (left < 2)   /* no room for type and length */
			return PMIP_PKT_ERR_OPTION;
		opt_len = (size_t)opt[1] * ND_OPT_UNIT;
		if (opt_len == 0 || opt_len > left)
			return PMIP_PKT_ERR_OPTION;

		if (opt[0] == lla_type) {
			/* Ethernet link-layer address options are exactly 8
			 * bytes (RFC 2464 6). A second one leaves the address
			 * to cache ambiguous. */
			if (opt_len != ND_OPT_LLA_ETH_LEN || o->has_lla)
				return PMIP_PKT_ERR_OPTION;
			memcpy(o->lla, opt + 2, PMIP_ETH_ALEN);
			o->has_lla = true;
		} else if (ra && opt[0] == PMIP_ND_OPT_MTU) {
			if (opt_len != ND_OPT_MTU_LEN || o->has_mtu)
				return PMIP_PKT_ERR_OPTION;
			o->mtu = get_be32(opt + 4);
			o->has_mtu = true;
		} else if (ra && opt[0] == PMIP_ND_OPT_PREFIX_INFO) {
			if (opt_len != ND_OPT_PI_LEN || opt[2] > 128)
				return PMIP_PKT_ERR_OPTION;
			if (o->n_prefixes < PMIP_ND_RA_MAX_PREFIXES) {
				struct pmip_nd_ra_prefix *pi = &o->prefixes[o->n_prefixes++];

				pi->len = opt[2];
				pi->onlink = (opt[3] & PI_FLAG_ONLINK) != 0;
				pi->autonomous = (opt[3] & PI_FLAG_AUTONOMOUS) != 0;
				pi->valid_s = get_be32(opt + 4);
				pi->preferred_s = get_be32(opt + 8);
				/* opt + 12: Reserved2, ignored. */
				memcpy(pi->prefix.s6_addr, opt + 16, 16);
				prefix_mask(&pi->prefix, pi->len);
			} else {
				o->prefixes_skipped++;
			}
		}
		off += opt_len;
	}
	return PMIP_PKT_ERR_OK;
}

enum pmip_pkt_err pmip_nd_rs_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_rs *out)
{
	struct nd_opts opts;
	enum pmip_pkt_err err;

	err = nd_dispatch(ip, icmp, len, PMIP_ND_ROUTER_SOLICIT);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* RFC 4861 6.1.1, in the RFC's order. */
	err = nd_check_common(ip, icmp, len, ND_RS_LEN);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	err = nd_opts_parse(icmp, len, ND_RS_LEN, PMIP_ND_OPT_SLLA, false, &opts);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* A host without an address yet has no link-layer address to bind
	 * to :: (RFC 4861 4.1: the SLLA MUST NOT be included then). */
	if (ipv6_is_unspecified(&ip->src) && opts.has_lla)
		return PMIP_PKT_ERR_UNSPEC_SLLA;

	out->has_slla = opts.has_lla;
	memcpy(out->slla, opts.lla, PMIP_ETH_ALEN);
	return PMIP_PKT_ERR_OK;
}

enum pmip_pkt_err pmip_nd_ns_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_ns *out)
{
	struct in6_addr target;
	struct nd_opts opts;
	enum pmip_pkt_err err;

	err = nd_dispatch(ip, icmp, len, PMIP_ND_NEIGHBOR_SOLICIT);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* RFC 4861 7.1.1, in the RFC's order. */
	err = nd_check_common(ip, icmp, len, ND_NS_LEN);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	memcpy(target.s6_addr, icmp + 8, 16);
	if (ipv6_is_multicast(&target))
		return PMIP_PKT_ERR_TARGET;
	err = nd_opts_parse(icmp, len, ND_NS_LEN, PMIP_ND_OPT_SLLA, false, &opts);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* Duplicate Address Detection (RFC 4861 7.1.1, RFC 4862 5.4.3). */
	if (ipv6_is_unspecified(&ip->src) &&
	    (!ipv6_is_solicited_node(&ip->dst) || opts.has_lla))
		return PMIP_PKT_ERR_DAD_RULE;

	out->target = target;
	out->has_slla = opts.has_lla;
	memcpy(out->slla, opts.lla, PMIP_ETH_ALEN);
	return PMIP_PKT_ERR_OK;
}

enum pmip_pkt_err pmip_nd_na_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_na *out)
{
	struct in6_addr target;
	struct nd_opts opts;
	enum pmip_pkt_err err;
	uint32_t flags;

	err = nd_dispatch(ip, icmp, len, PMIP_ND_NEIGHBOR_ADVERT);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* RFC 4861 7.1.2, in the RFC's order. */
	err = nd_check_common(ip, icmp, len, ND_NA_LEN);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	memcpy(target.s6_addr, icmp + 8, 16);
	if (ipv6_is_multicast(&target))
		return PMIP_PKT_ERR_TARGET;
	/* Reserved bits: ignored by the receiver (RFC 4861 4.4). */
	flags = get_be32(icmp + 4) & NA_FLAGS_DEFINED;
	/* Only an answer to one solicitor is solicited; that one is unicast. */
	if (ipv6_is_multicast(&ip->dst) && (flags & PMIP_NA_FLAG_SOLICITED))
		return PMIP_PKT_ERR_SOLICITED;
	err = nd_opts_parse(icmp, len, ND_NA_LEN, PMIP_ND_OPT_TLLA, false, &opts);
	if (err != PMIP_PKT_ERR_OK)
		return err;

	out->target = target;
	out->flags = flags;
	out->has_tlla = opts.has_lla;
	memcpy(out->tlla, opts.lla, PMIP_ETH_ALEN);
	return PMIP_PKT_ERR_OK;
}

enum pmip_pkt_err pmip_nd_ra_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_ra *out)
{
	struct nd_opts opts;
	enum pmip_pkt_err err;
	unsigned i;

	err = nd_dispatch(ip, icmp, len, PMIP_ND_ROUTER_ADVERT);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	/* RFC 4861 6.1.2, in the RFC's order. Hosts identify a router by its
	 * link-local address, which stays when global prefixes change. */
	if (!ipv6_is_link_local(&ip->src))
		return PMIP_PKT_ERR_SOURCE;
	err = nd_check_common(ip, icmp, len, ND_RA_LEN);
	if (err != PMIP_PKT_ERR_OK)
		return err;
	err = nd_opts_parse(icmp, len, ND_RA_LEN, PMIP_ND_OPT_SLLA, true, &opts);
	if (err != PMIP_PKT_ERR_OK)
		return err;

	out->p.cur_hop_limit = icmp[4];
	out->p.managed = (icmp[5] & RA_FLAG_MANAGED) != 0;
	out->p.other = (icmp[5] & RA_FLAG_OTHER) != 0;
	out->p.router_lifetime_s = get_be16(icmp + 6);
	out->p.reachable_ms = get_be32(icmp + 8);
	out->p.retrans_ms = get_be32(icmp + 12);
	out->p.mtu = opts.mtu;
	out->p.n_prefixes = opts.n_prefixes;
	memset(out->p.prefixes, 0, sizeof(out->p.prefixes));
	for (i = 0; i < opts.n_prefixes; i++)
		out->p.prefixes[i] = opts.prefixes[i];
	out->has_mtu = opts.has_mtu;
	out->has_slla = opts.has_lla;
	memcpy(out->slla, opts.lla, PMIP_ETH_ALEN);
	out->prefixes_skipped = opts.prefixes_skipped;
	return PMIP_PKT_ERR_OK;
}

/* A link-layer address option (RFC 4861 4.6.1) carrying an Ethernet MAC. */
static void nd_opt_lla_write(uint8_t *opt, uint8_t type, const uint8_t mac[PMIP_ETH_ALEN])
{
	opt[0] = type;
	opt[1] = ND_OPT_LLA_ETH_LEN / ND_OPT_UNIT;
	memcpy(opt + 2, mac, PMIP_ETH_ALEN);
}

/* Fill the ICMPv6 checksum of a message whose field is zero. */
static void icmp6_checksum_fill(const struct in6_addr *src, const struct in6_addr *dst,
				uint8_t *icmp, size_t len)
{
	put_be16(icmp + ICMP6_OFF_CSUM,
		 pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_ICMPV6, icmp, len));
}

size_t pmip_nd_ns_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const struct in6_addr *src, const struct in6_addr *target,
			const uint8_t *dst_mac_or_null)
{
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint8_t smac[PMIP_ETH_ALEN], dmac[PMIP_ETH_ALEN];
	struct in6_addr s, t, d;

	/* Validate. The SLLA option is not allowed from :: (RFC 4861 4.3);
	 * a multicast target or source is no neighbor (RFC 4861 7.1.1). */
	if (ipv6_is_unspecified(src) || ipv6_is_multicast(src) ||
	    ipv6_is_unspecified(target) || ipv6_is_multicast(target))
		return 0;
	if (dst_mac_or_null && mac_is_group(dst_mac_or_null))
		return 0;
	if (cap < NS_FRAME_LEN)
		return 0;

	/* Handle: inputs copied first, in case they point into out. */
	s = *src;
	t = *target;
	memcpy(smac, src_mac, PMIP_ETH_ALEN);
	if (dst_mac_or_null) {
		/* Unreachability detection: unicast to the cached address
		 * (RFC 4861 7.3.1). */
		d = t;
		memcpy(dmac, dst_mac_or_null, PMIP_ETH_ALEN);
	} else {
		/* Address resolution: the target's solicited-node group
		 * (RFC 4861 7.2.2). */
		pmip_ipv6_solicited_node(&t, &d);
		pmip_ipv6_multicast_mac(&d, dmac);
	}

	eth_hdr_write(out, dmac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &d, PMIP_IPPROTO_ICMPV6,
			    ND_NS_LEN + ND_OPT_LLA_ETH_LEN, ND_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ND_NEIGHBOR_SOLICIT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	put_be32(icmp + 4, 0);   /* reserved (RFC 4861 4.3) */
	memcpy(icmp + 8, t.s6_addr, 16);
	nd_opt_lla_write(icmp + ND_NS_LEN, PMIP_ND_OPT_SLLA, smac);
	icmp6_checksum_fill(&s, &d, icmp, ND_NS_LEN + ND_OPT_LLA_ETH_LEN);
	return NS_FRAME_LEN;
}

size_t pmip_nd_na_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			const struct in6_addr *dst, const struct in6_addr *target, uint32_t flags)
{
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint8_t smac[PMIP_ETH_ALEN];
	struct in6_addr s, d, t;

	if (cap < NA_FRAME_LEN)
		return 0;

	s = *src;
	d = *dst;
	t = *target;
	memcpy(smac, src_mac, PMIP_ETH_ALEN);
	eth_hdr_write(out, dst_mac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &d, PMIP_IPPROTO_ICMPV6,
			    ND_NA_LEN + ND_OPT_LLA_ETH_LEN, ND_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ND_NEIGHBOR_ADVERT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	/* RFC 4861 4.4: the reserved bits MUST be zero. */
	put_be32(icmp + 4, flags & NA_FLAGS_DEFINED);
	memcpy(icmp + 8, t.s6_addr, 16);
	nd_opt_lla_write(icmp + ND_NA_LEN, PMIP_ND_OPT_TLLA, smac);
	icmp6_checksum_fill(&s, &d, icmp, ND_NA_LEN + ND_OPT_LLA_ETH_LEN);
	return NA_FRAME_LEN;
}

size_t pmip_nd_ra_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			const struct in6_addr *dst, const struct pmip_nd_ra_params *p)
{
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint8_t smac[PMIP_ETH_ALEN];
	struct in6_addr s, d;
	size_t icmp_len, i;
	uint8_t *opt;

	/* Validate: only what some receiver could use. */
	if (!ipv6_is_link_local(src) || ipv6_is_unspecified(dst))   /* RFC 4861 4.2 */
		return 0;
	if (p->n_prefixes > PMIP_ND_RA_MAX_PREFIXES)
		return 0;
	for (i = 0; i < p->n_prefixes; i++)
		if (p->prefixes[i].len > 128 ||
		    p->prefixes[i].preferred_s > p->prefixes[i].valid_s)   /* RFC 4862 5.5.3 c */
			return 0;
	if (p->mtu != 0 && p->mtu < PMIP_IPV6_MIN_MTU)   /* RFC 8200 5 */
		return 0;
	icmp_len = ND_RA_LEN + p->n_prefixes * ND_OPT_PI_LEN + (p->mtu ? ND_OPT_MTU_LEN : 0) +
		   ND_OPT_LLA_ETH_LEN;
	if (cap < PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len)
		return 0;

	/* Handle. */
	s = *src;
	d = *dst;
	memcpy(smac, src_mac, PMIP_ETH_ALEN);
	eth_hdr_write(out, dst_mac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &d, PMIP_IPPROTO_ICMPV6, (uint16_t)icmp_len,
			    ND_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ND_ROUTER_ADVERT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	icmp[4] = p->cur_hop_limit;
	icmp[5] = (uint8_t)((p->managed ? RA_FLAG_MANAGED : 0) | (p->other ? RA_FLAG_OTHER : 0));
	put_be16(icmp + 6, p->router_lifetime_s);
	put_be32(icmp + 8, p->reachable_ms);
	put_be32(icmp + 12, p->retrans_ms);

	/* Options in radvd's order (RFC 4861 4.2 sets none): prefixes, MTU,
	 * SLLA, so that a capture of radvd compares byte for byte. */
	opt = icmp + ND_RA_LEN;
	for (i = 0; i < p->n_prefixes; i++) {
		const struct pmip_nd_ra_prefix *pi = &p->prefixes[i];
		struct in6_addr prefix = pi->prefix;

		prefix_mask(&prefix, pi->len);
		opt[0] = PMIP_ND_OPT_PREFIX_INFO;
		opt[1] = ND_OPT_PI_LEN / ND_OPT_UNIT;
		opt[2] = pi->len;
		opt[3] = (uint8_t)((pi->onlink ? PI_FLAG_ONLINK : 0) |
				   (pi->autonomous ? PI_FLAG_AUTONOMOUS : 0));
		put_be32(opt + 4, pi->valid_s);
		put_be32(opt + 8, pi->preferred_s);
		put_be32(opt + 12, 0);   /* Reserved2 */
		memcpy(opt + 16, prefix.s6_addr, 16);
		opt += ND_OPT_PI_LEN;
	}
	if (p->mtu) {
		opt[0] = PMIP_ND_OPT_MTU;
		opt[1] = ND_OPT_MTU_LEN / ND_OPT_UNIT;
		put_be16(opt + 2, 0);   /* reserved */
		put_be32(opt + 4, p->mtu);
		opt += ND_OPT_MTU_LEN;
	}
	nd_opt_lla_write(opt, PMIP_ND_OPT_SLLA, smac);
	icmp6_checksum_fill(&s, &d, icmp, icmp_len);
	return PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len;
}

/* ------------------------------------------------------- ICMPv6 errors -- */

/* Highest code assigned per error type (IANA ICMPv6 "Code" registries:
 * RFC 4443 3, RFC 6554, RFC 7112, RFC 8754, RFC 8883). */
static const uint8_t icmp6_error_code_max[PMIP_ICMP6_PARAM_PROB + 1] = {
	[PMIP_ICMP6_DST_UNREACH] = 8,
	[PMIP_ICMP6_PACKET_TOO_BIG] = 0,
	[PMIP_ICMP6_TIME_EXCEEDED] = 1,
	[PMIP_ICMP6_PARAM_PROB] = 10,
};

#define PARAM_PROB_UNRECOGNIZED_OPTION 2   /* RFC 4443 3.4 code 2 */

static bool icmp6_is_error_type(uint8_t type)
{
	return type >= PMIP_ICMP6_DST_UNREACH && type <= PMIP_ICMP6_PARAM_PROB;
}

size_t pmip_icmp6_error_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			      const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			      uint8_t type, uint8_t code, uint32_t param, const uint8_t *invoking,
			      size_t invoking_len)
{
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint8_t smac[PMIP_ETH_ALEN], dmac[PMIP_ETH_ALEN];
	struct in6_addr s, inv_src, inv_dst;
	size_t copy, icmp_len;

	/* Validate what we are asked to send. */
	if (!icmp6_is_error_type(type) || code > icmp6_error_code_max[type])
		return 0;
	if (type == PMIP_ICMP6_PACKET_TOO_BIG && param < PMIP_IPV6_MIN_MTU)
		return 0;
	if (ipv6_is_unspecified(src) || ipv6_is_multicast(src))
		return 0;

	/* Validate the invoking packet: RFC 4443 2.4 (e). */
	if (invoking_len < PMIP_IPV6_HLEN || invoking[IP6_OFF_VTCFL] >> 4 != 6)
		return 0;
	memcpy(inv_src.s6_addr, invoking + IP6_OFF_SRC, 16);
	memcpy(inv_dst.s6_addr, invoking + IP6_OFF_DST, 16);
	/* (e.6): the error goes back to the source, which must be one node. */
	if (ipv6_is_unspecified(&inv_src) || ipv6_is_multicast(&inv_src))
		return 0;
	/* (e.3): no error about a packet to a group, but for the two that
	 * path MTU discovery and option handling need. */
	if (ipv6_is_multicast(&inv_dst) && type != PMIP_ICMP6_PACKET_TOO_BIG &&
	    !(type == PMIP_ICMP6_PARAM_PROB && code == PARAM_PROB_UNRECOGNIZED_OPTION))
		return 0;
	/* (e.1, e.2): never an error about an error or a Redirect, lest two
	 * nodes answer each other forever. Only the fixed header's next header
	 * is looked at. Without the type byte it cannot be told apart. */
	if (invoking[IP6_OFF_NH] == PMIP_IPPROTO_ICMPV6) {
		uint8_t inv_type;

		if (invoking_len < PMIP_IPV6_HLEN + 1)
			return 0;
		inv_type = invoking[PMIP_IPV6_HLEN];
		if (inv_type < PMIP_ICMP6_ECHO_REQUEST || inv_type == PMIP_ND_REDIRECT)
			return 0;
	}
	/* (c): as much of the invoking packet as keeps the error within the
	 * minimum MTU, so that it reaches the source whatever the path. */
	copy = invoking_len < PMIP_ICMP6_ERROR_MAX_INVOKING ? invoking_len
							    : PMIP_ICMP6_ERROR_MAX_INVOKING;
	icmp_len = ICMP6_ERR_HLEN + copy;
	if (cap < PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len)
		return 0;

	/* Handle. out may overlap invoking (and the caller's src or MACs may
	 * point into it): copy the inputs, move the invoking bytes to their
	 * place, and only then write the headers over what they were. */
	s = *src;
	memcpy(smac, src_mac, PMIP_ETH_ALEN);
	memcpy(dmac, dst_mac, PMIP_ETH_ALEN);
	memmove(icmp + ICMP6_ERR_HLEN, invoking, copy);

	eth_hdr_write(out, dmac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &inv_src, PMIP_IPPROTO_ICMPV6,
			    (uint16_t)icmp_len, PMIP_IPV6_DEFAULT_HOP_LIMIT, 0, 0);
	icmp[0] = type;
	icmp[1] = code;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	/* MTU (3.2) or pointer (3.4); "unused", zero, for 3.1 and 3.3. */
	put_be32(icmp + 4, type == PMIP_ICMP6_PACKET_TOO_BIG || type == PMIP_ICMP6_PARAM_PROB
				   ? param : 0);
	icmp6_checksum_fill(&s, &inv_src, icmp, icmp_len);
	return PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len;
}

enum pmip_pkt_err pmip_icmp6_error_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					 size_t len, struct pmip_icmp6_error *out)
{
	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ICMP6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	if (!icmp6_is_error_type(icmp[0]))
		return PMIP_PKT_ERR_TYPE;
	if (!icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (len < ICMP6_ERR_HLEN + PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_SHORT;

	out->type = icmp[0];
	out->code = icmp[1];
	out->param = get_be32(icmp + 4);
	out->invoking_off = ICMP6_ERR_HLEN;
	out->invoking_len = len - ICMP6_ERR_HLEN;
	return PMIP_PKT_ERR_OK;
}
