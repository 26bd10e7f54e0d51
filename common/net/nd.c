/* Neighbor Discovery codecs (RFC 4861): RS, RA, NS and NA parsing with the
 * validity checks of sections 6.1 and 7.1, and the builders dp and cp use.
 * See pkt.h for the contract, pkt.c for the conventions. */
#include "net/pkt_internal.h"

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
	if (!pkt_icmp6_checksum_ok(ip, icmp, len))
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

	pkt_eth_hdr_write(out, dmac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &d, PMIP_IPPROTO_ICMPV6,
			    ND_NS_LEN + ND_OPT_LLA_ETH_LEN, ND_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ND_NEIGHBOR_SOLICIT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	put_be32(icmp + 4, 0);   /* reserved (RFC 4861 4.3) */
	memcpy(icmp + 8, t.s6_addr, 16);
	nd_opt_lla_write(icmp + ND_NS_LEN, PMIP_ND_OPT_SLLA, smac);
	pkt_icmp6_checksum_fill(&s, &d, icmp, ND_NS_LEN + ND_OPT_LLA_ETH_LEN);
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
	pkt_eth_hdr_write(out, dst_mac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &d, PMIP_IPPROTO_ICMPV6,
			    ND_NA_LEN + ND_OPT_LLA_ETH_LEN, ND_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ND_NEIGHBOR_ADVERT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	/* RFC 4861 4.4: the reserved bits MUST be zero. */
	put_be32(icmp + 4, flags & NA_FLAGS_DEFINED);
	memcpy(icmp + 8, t.s6_addr, 16);
	nd_opt_lla_write(icmp + ND_NA_LEN, PMIP_ND_OPT_TLLA, smac);
	pkt_icmp6_checksum_fill(&s, &d, icmp, ND_NA_LEN + ND_OPT_LLA_ETH_LEN);
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
	pkt_eth_hdr_write(out, dst_mac, smac);
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
	pkt_icmp6_checksum_fill(&s, &d, icmp, icmp_len);
	return PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len;
}
