/* Unit tests for common/net/pkt.c: Ethernet, IPv6, ICMPv6 echo and ND codecs.
 *
 * The byte vectors are real frames sent by the Linux kernel (6.18, iproute2 6.1,
 * tcpdump 4.99.3), captured on a veth pair between two network namespaces:
 *   ns "pkt-vec":  v0, MAC 52:54:00:12:34:56, 2001:db8::1/64 (nodad)
 *   ns "pkt-vec2": v1, MAC 52:54:00:65:43:21, 2001:db8::2/64 (nodad)
 * with `tcpdump -i v1` in pkt-vec2 while: v0 came up (DAD for its link-local
 * address), an ICMPv6 raw socket in pkt-vec sent an echo request (id 0x1234,
 * seq 1, 20 data bytes 0x40..0x53) to 2001:db8::2 (address resolution NS,
 * the kernel's NA, the request and the kernel's reply), and 2001:db8::3 was
 * added to v0 without nodad (DAD NS, with an RFC 7527 Nonce option).
 * Bytes from `tcpdump -w`, split below as Ethernet / IPv6 / ICMPv6.
 *
 * A second set (vec_ra* ... vec_err_*) was captured on Linux 6.18.44 with
 * radvd 2.19, `tcpdump -i pva0` in the router namespace of three:
 *   ns "pktvec-a" (router, forwarding on, net.ipv6.icmp.ratelimit=0):
 *       pva0, MAC 52:54:00:aa:00:01, fe80::5054:ff:feaa:1, 2001:db8:1::1/64
 *       pva1, MAC 52:54:00:aa:00:02, 2001:db8:2::1/64, MTU 1280
 *   ns "pktvec-b" (host): pvb0, MAC 52:54:00:bb:00:01, fe80::5054:ff:febb:1,
 *       2001:db8:1::2/64, default route via a learnt from the RA
 *   ns "pktvec-c" (host): pvc0, 2001:db8:2::2/64, MTU 1280
 * radvd on pva0 with AdvCurHopLimit 64, AdvOtherConfigFlag on,
 * AdvDefaultLifetime 1800, AdvReachableTime 30000, AdvRetransTimer 1000,
 * AdvLinkMTU 1400, prefix 2001:db8:1::/64 {L, A, valid 86400, preferred
 * 14400} and prefix 2001:db8:f0::/48 {L, valid 7200, preferred 3600}: its
 * periodic RA to ff02::1 and its answer to b's RS. The kernels' NUD probe
 * of a from b and a's NA to it. Then, from raw sockets in b (id 0x1234):
 * an echo request to 2001:db8:2::2 with hop limit 1 (a: Time Exceeded), a
 * 1400-byte one (data bytes i & 0xff) to the same (a: Packet Too Big, MTU
 * 1280, the request cut to 1232 bytes), one to 2001:db8:99::1 (a: no route,
 * Destination Unreachable code 0), UDP "pmip-vec" to 2001:db8:1::1 port 9
 * (a: port unreachable), and 8 zero bytes with next header 253 to
 * 2001:db8:1::1 (a: Parameter Problem code 1, pointer 6). Each error's
 * invoking part equals the request as captured on its way in.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "net/pkt.h"

#define ETH 14
#define IP6 40
#define L4 (ETH + IP6)   /* offset of the ICMPv6 header in a frame */

/* Frame 6: DAD NS for fe80::5054:ff:fe12:3456, from ::, Nonce option. */
static const uint8_t vec_dad_ns_ll[86] = {
	0x33, 0x33, 0xff, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x12, 0x34, 0x56,
	0x87, 0x00, 0x41, 0xd7, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56,
	0x0e, 0x01, 0x52, 0x98, 0xee, 0x78, 0x33, 0x11,
};

/* Frame 11: Router Solicitation from fe80::5054:ff:fe12:3456 with SLLA. */
static const uint8_t vec_rs[70] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x85, 0x00, 0x71, 0xb5, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x52, 0x54,
	0x00, 0x12, 0x34, 0x56,
};

/* Frame 17: NS 2001:db8::1 -> ff02::1:ff00:2 for 2001:db8::2, SLLA 52:54:00:12:34:56. */
static const uint8_t vec_ns[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x00, 0x00, 0x02,
	0x87, 0x00, 0x97, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};

/* Frame 18: the kernel's NA to it: 2001:db8::2 -> 2001:db8::1, S|O, TLLA 52:54:00:65:43:21. */
static const uint8_t vec_na[86] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x88, 0x00, 0xf6, 0x98, 0x60, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x02, 0x01, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
};

/* Frame 19: echo request 2001:db8::1 -> 2001:db8::2, hop limit 64, flow label 0x5bb82. */
static const uint8_t vec_echo_req[82] = {
	0x52, 0x54, 0x00, 0x65, 0x43, 0x21, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x05, 0xbb, 0x82, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x80, 0x00, 0x35, 0x18, 0x12, 0x34, 0x00, 0x01, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53,
};

/* Frame 20: the kernel's echo reply (hop limit 64, its own flow label 0x76d26). */
static const uint8_t vec_echo_rep[82] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
	0x86, 0xdd,
	0x60, 0x07, 0x6d, 0x26, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0x34, 0x18, 0x12, 0x34, 0x00, 0x01, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53,
};

/* Frame 22: DAD NS for 2001:db8::3 from :: to ff02::1:ff00:3, Nonce option. */
static const uint8_t vec_dad_ns[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x03, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x00, 0x00, 0x03,
	0x87, 0x00, 0x66, 0x09, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x0e, 0x01, 0xff, 0x06, 0x00, 0x15, 0xd9, 0xba,
};

/* RA from radvd, answering b's RS: fe80::5054:ff:feaa:1 -> fe80::5054:ff:febb:1,
 * the kernel's flow label 0x53513, PIO 2001:db8:1::/64, PIO 2001:db8:f0::/48,
 * MTU 1400, SLLA 52:54:00:aa:00:01 (radvd's option order). */
static const uint8_t vec_ra[150] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x05, 0x35, 0x13, 0x00, 0x60, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff,
	0xfe, 0xbb, 0x00, 0x01,
	0x86, 0x00, 0x35, 0xdc, 0x40, 0x40, 0x07, 0x08, 0x00, 0x00, 0x75, 0x30,
	0x00, 0x00, 0x03, 0xe8, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80,
	0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x30, 0x80, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xf0, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x05, 0x78, 0x01, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
};

/* radvd's periodic RA to ff02::1, flow label 0xeca25, the same body. */
static const uint8_t vec_ra_mcast[150] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x0e, 0xca, 0x25, 0x00, 0x60, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x86, 0x00, 0x85, 0x69, 0x40, 0x40, 0x07, 0x08, 0x00, 0x00, 0x75, 0x30,
	0x00, 0x00, 0x03, 0xe8, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80,
	0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x30, 0x80, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xf0, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x05, 0x78, 0x01, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
};

/* b's NUD probe of its router: unicast NS fe80::5054:ff:febb:1 -> fe80::5054:ff:feaa:1
 * for fe80::5054:ff:feaa:1, SLLA 52:54:00:bb:00:01. */
static const uint8_t vec_ns_nud[86] = {
	0x52, 0x54, 0x00, 0xaa, 0x00, 0x01, 0x52, 0x54, 0x00, 0xbb, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xbb, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff,
	0xfe, 0xaa, 0x00, 0x01,
	0x87, 0x00, 0x39, 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01,
	0x01, 0x01, 0x52, 0x54, 0x00, 0xbb, 0x00, 0x01,
};

/* a's answer: NA R|S, no option (Linux sends no TLLA and no O flag to a unicast NS). */
static const uint8_t vec_na_router[78] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff,
	0xfe, 0xbb, 0x00, 0x01,
	0x88, 0x00, 0xcc, 0x1a, 0xc0, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0xaa, 0x00, 0x01,
};

/* Time Exceeded (3, code 0) 2001:db8:1::1 -> 2001:db8:1::2, flow label 0x3a55b,
 * carrying the whole echo request (hop limit 1, 16 data bytes 0x40..0x4f). */
static const uint8_t vec_err_time[126] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x03, 0xa5, 0x5b, 0x00, 0x48, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x03, 0x00, 0x1a, 0xfb, 0x00, 0x00, 0x00, 0x00, 0x60, 0x0d, 0xec, 0x36,
	0x00, 0x18, 0x3a, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x80, 0x00, 0xd7, 0xbc, 0x12, 0x34, 0x00, 0x01, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
};

/* Packet Too Big (2), MTU 1280, flow label 0x2f822: the 1400-byte echo request
 * (seq 2) cut to 1232 bytes, so that the error is 1280 bytes of IPv6. */
static const uint8_t vec_err_ptb[1294] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x02, 0xf8, 0x22, 0x04, 0xd8, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x02, 0x00, 0xfa, 0x67, 0x00, 0x00, 0x05, 0x00, 0x60, 0x0d, 0xec, 0x36,
	0x05, 0x50, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x80, 0x00, 0x5a, 0x72, 0x12, 0x34, 0x00, 0x02, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b,
	0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63,
	0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b,
	0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93,
	0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
	0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3,
	0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb,
	0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3,
	0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
	0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
	0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83,
	0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b,
	0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
	0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3,
	0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
	0xfc, 0xfd, 0xfe, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b,
	0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73,
	0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b,
	0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
	0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3,
	0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb,
	0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3,
	0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb,
	0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b,
	0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63,
	0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b,
	0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93,
	0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
	0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3,
	0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb,
	0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3,
	0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
	0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
	0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83,
	0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b,
	0x9c, 0x9d, 0x9e, 0x9f,
};

/* Destination Unreachable (1), code 0 (no route) for 2001:db8:99::1, flow label 0x6859c. */
static const uint8_t vec_err_noroute[126] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x06, 0x85, 0x9c, 0x00, 0x48, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x01, 0x00, 0x50, 0x5c, 0x00, 0x00, 0x00, 0x00, 0x60, 0x0a, 0xb8, 0x99,
	0x00, 0x18, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x99, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x80, 0x00, 0xd7, 0x24, 0x12, 0x34, 0x00, 0x03, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
};

/* Destination Unreachable (1), code 4 (port unreachable) for UDP 40000 -> 9,
 * flow label 0x303f1. The invoking UDP checksum (0x5b98) is the partial sum the
 * veth pair carried (checksum offload), as a received it. */
static const uint8_t vec_err_port[118] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x03, 0x03, 0xf1, 0x00, 0x40, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x01, 0x04, 0x8a, 0x48, 0x00, 0x00, 0x00, 0x00, 0x60, 0x03, 0xe7, 0x4d,
	0x00, 0x10, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x9c, 0x40, 0x00, 0x09, 0x00, 0x10, 0x5b, 0x98, 0x70, 0x6d, 0x69, 0x70,
	0x2d, 0x76, 0x65, 0x63,
};

/* Parameter Problem (4), code 1 (unrecognized next header), pointer 6, flow
 * label 0x12caf, for a packet with next header 253. */
static const uint8_t vec_err_param[110] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x01, 0x2c, 0xaf, 0x00, 0x38, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x04, 0x01, 0x34, 0xb7, 0x00, 0x00, 0x00, 0x06, 0x60, 0x0b, 0xb2, 0x8c,
	0x00, 0x08, 0xfd, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Which parser accepts the vector. */
enum vec_kind { K_ECHO_REQ, K_ECHO_REP, K_NS, K_RS, K_NA, K_RA, K_ERR };

struct vec {
	const char *name;
	const uint8_t *b;
	size_t len;
	enum vec_kind kind;
};

#define VEC(v, k) { #v, v, sizeof(v), k }
static const struct vec vectors[] = {
	VEC(vec_dad_ns_ll, K_NS),
	VEC(vec_rs, K_RS),
	VEC(vec_ns, K_NS),
	VEC(vec_na, K_NA),
	VEC(vec_echo_req, K_ECHO_REQ),
	VEC(vec_echo_rep, K_ECHO_REP),
	VEC(vec_dad_ns, K_NS),
	VEC(vec_ra, K_RA),
	VEC(vec_ra_mcast, K_RA),
	VEC(vec_ns_nud, K_NS),
	VEC(vec_na_router, K_NA),
	VEC(vec_err_time, K_ERR),
	VEC(vec_err_ptb, K_ERR),
	VEC(vec_err_noroute, K_ERR),
	VEC(vec_err_port, K_ERR),
	VEC(vec_err_param, K_ERR),
};
#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

/* A frame to mutate, with room to grow. */
struct frame {
	uint8_t b[1536];
	size_t len;
};

static struct frame frame_of(const uint8_t *v, size_t len)
{
	struct frame f;

	cr_assert(len <= sizeof(f.b));
	memset(&f, 0, sizeof(f));
	memcpy(f.b, v, len);
	f.len = len;
	return f;
}

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

static void ip_of(const struct frame *f, struct pmip_ipv6_view *ip)
{
	struct pmip_eth_view eth;

	cr_assert_eq(pmip_eth_parse(f->b, f->len, &eth), PMIP_PKT_ERR_OK);
	cr_assert_eq(eth.ethertype, PMIP_ETHERTYPE_IPV6);
	cr_assert_eq(pmip_ipv6_parse(f->b + ETH, f->len - ETH, ip), PMIP_PKT_ERR_OK);
}

/* Set the IPv6 payload length and the frame length to match. */
static void set_icmp_len(struct frame *f, size_t icmp_len)
{
	f->len = L4 + icmp_len;
	f->b[ETH + 4] = (uint8_t)(icmp_len >> 8);
	f->b[ETH + 5] = (uint8_t)icmp_len;
}

/* Recompute the ICMPv6 checksum after a mutation. */
static void fix_csum(struct frame *f)
{
	struct pmip_ipv6_view ip;
	uint16_t c;

	ip_of(f, &ip);
	f->b[L4 + 2] = f->b[L4 + 3] = 0;
	c = pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f->b + L4, ip.payload_len);
	f->b[L4 + 2] = (uint8_t)(c >> 8);
	f->b[L4 + 3] = (uint8_t)c;
}

/* The message parsers get an exact-size heap copy of the ICMPv6 message,
 * so that AddressSanitizer sees any read past its end. */
static uint8_t *icmp_copy(const struct frame *f, struct pmip_ipv6_view *ip)
{
	uint8_t *m;

	ip_of(f, ip);
	m = malloc(ip->payload_len);
	cr_assert_not_null(m);
	memcpy(m, f->b + L4, ip->payload_len);
	return m;
}

static enum pmip_pkt_err ns_of(const struct frame *f, struct pmip_nd_ns *ns)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_nd_ns_parse(&ip, m, ip.payload_len, ns);

	free(m);
	return err;
}

static enum pmip_pkt_err rs_of(const struct frame *f, struct pmip_nd_rs *rs)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_nd_rs_parse(&ip, m, ip.payload_len, rs);

	free(m);
	return err;
}

static enum pmip_pkt_err na_of(const struct frame *f, struct pmip_nd_na *na)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_nd_na_parse(&ip, m, ip.payload_len, na);

	free(m);
	return err;
}

static enum pmip_pkt_err ra_of(const struct frame *f, struct pmip_nd_ra *ra)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_nd_ra_parse(&ip, m, ip.payload_len, ra);

	free(m);
	return err;
}

static enum pmip_pkt_err err_of(const struct frame *f, struct pmip_icmp6_error *e)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_icmp6_error_parse(&ip, m, ip.payload_len, e);

	free(m);
	return err;
}

static enum pmip_pkt_err echo_of(const struct frame *f, struct pmip_icmp6_echo *e)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_icmp6_echo_parse(&ip, m, ip.payload_len, e);

	free(m);
	return err;
}

/* Reference checksum, the slow obvious way (RFC 1071 on big-endian words). */
static uint16_t ref_checksum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			     const uint8_t *d, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (uint32_t)(src->s6_addr[i] << 8 | src->s6_addr[i + 1]) +
		       (uint32_t)(dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---------------------------------------------------------------- names -- */

Test(pkt, err_names)
{
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_OK), "ok");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SHORT), "short");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_VERSION), "bad_version");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_LENGTH), "bad_length");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_NEXT_HEADER), "bad_next_header");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_CHECKSUM), "bad_checksum");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_HOP_LIMIT), "bad_hop_limit");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_CODE), "bad_code");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_TYPE), "bad_type");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_OPTION), "bad_option");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_TARGET), "bad_target");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_DAD_RULE), "bad_dad");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SOURCE), "bad_source");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_UNSPEC_SLLA), "bad_unspec_slla");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SOLICITED), "bad_solicited");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_COUNT), "unknown");
	cr_assert_str_eq(pmip_pkt_err_name((enum pmip_pkt_err)-1), "unknown");
}

/* -------------------------------------------------------------- helpers -- */

Test(pkt, link_local_from_mac)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct in6_addr ll, want = addr("fe80::5054:ff:fe12:3456");

	pmip_ipv6_link_local_from_mac(mac, &ll);
	cr_assert_arr_eq(ll.s6_addr, want.s6_addr, 16);

	/* The kernel formed its link-local address from v0's MAC: the DAD NS
	 * carries it as target and the MAC as Ethernet source. */
	pmip_ipv6_link_local_from_mac(vec_dad_ns_ll + 6, &ll);
	cr_assert_arr_eq(ll.s6_addr, vec_dad_ns_ll + L4 + 8, 16);

	/* A locally administered MAC: the u/l bit is inverted the other way. */
	static const uint8_t mac2[6] = { 0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef };
	want = addr("fe80::21b:21ff:feab:cdef");
	pmip_ipv6_link_local_from_mac(mac2, &ll);
	cr_assert_arr_eq(ll.s6_addr, want.s6_addr, 16);
}

Test(pkt, solicited_node_and_multicast_mac)
{
	struct in6_addr a = addr("2001:db8::2"), sn, want = addr("ff02::1:ff00:2");
	uint8_t mac[6];

	pmip_ipv6_solicited_node(&a, &sn);
	cr_assert_arr_eq(sn.s6_addr, want.s6_addr, 16);
	/* What the kernel sent for the same target: IPv6 and Ethernet dst. */
	cr_assert_arr_eq(sn.s6_addr, vec_ns + ETH + 24, 16);
	pmip_ipv6_multicast_mac(&sn, mac);
	cr_assert_arr_eq(mac, vec_ns, 6);

	a = addr("fe80::5054:ff:fe12:3456");
	pmip_ipv6_solicited_node(&a, &a);   /* in place */
	want = addr("ff02::1:ff12:3456");
	cr_assert_arr_eq(a.s6_addr, want.s6_addr, 16);
	pmip_ipv6_multicast_mac(&a, mac);
	cr_assert_arr_eq(mac, vec_dad_ns_ll, 6);
}

/* ------------------------------------------------------ Ethernet, IPv6 -- */

Test(pkt, eth_parse)
{
	struct pmip_eth_view eth;
	size_t i;

	for (i = 0; i < NVEC; i++) {
		memset(&eth, 0xaa, sizeof(eth));
		cr_assert_eq(pmip_eth_parse(vectors[i].b, vectors[i].len, &eth), PMIP_PKT_ERR_OK);
		cr_assert_arr_eq(eth.dst, vectors[i].b, 6);
		cr_assert_arr_eq(eth.src, vectors[i].b + 6, 6);
		cr_assert_eq(eth.ethertype, PMIP_ETHERTYPE_IPV6);
	}
	cr_assert_eq(pmip_eth_parse(vec_ns, 13, &eth), PMIP_PKT_ERR_SHORT);
	cr_assert_eq(pmip_eth_parse(vec_ns, 14, &eth), PMIP_PKT_ERR_OK);
}

Test(pkt, ipv6_parse_fields)
{
	struct pmip_ipv6_view ip;
	struct in6_addr a1 = addr("2001:db8::1"), a2 = addr("2001:db8::2");

	cr_assert_eq(pmip_ipv6_parse(vec_echo_req + ETH, sizeof(vec_echo_req) - ETH, &ip),
		     PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ip.src.s6_addr, a1.s6_addr, 16);
	cr_assert_arr_eq(ip.dst.s6_addr, a2.s6_addr, 16);
	cr_assert_eq(ip.next_header, PMIP_IPPROTO_ICMPV6);
	cr_assert_eq(ip.hop_limit, 64);
	cr_assert_eq(ip.traffic_class, 0);
	cr_assert_eq(ip.flow_label, 0x5bb82);
	cr_assert_eq(ip.payload_len, 28);

	cr_assert_eq(pmip_ipv6_parse(vec_ns + ETH, sizeof(vec_ns) - ETH, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_eq(ip.payload_len, 32);
	cr_assert_eq(ip.flow_label, 0);
}

Test(pkt, ipv6_parse_errors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_ipv6_view ip;

	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 39, &ip), PMIP_PKT_ERR_SHORT);
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 40 + 27, &ip), PMIP_PKT_ERR_LENGTH);
	/* Ethernet padding after the payload is allowed. */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 40 + 28 + 10, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.payload_len, 28);

	f.b[ETH] = 0x40;   /* version 4 */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_VERSION);
	f.b[ETH] = 0x60;
	/* Traffic class all ones: parsed, not mistaken for the version. */
	f.b[ETH] = 0x6f;
	f.b[ETH + 1] = 0xf5;
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.traffic_class, 0xff);
	cr_assert_eq(ip.flow_label, 0x5bb82);

	f.b[ETH + 4] = 0;
	f.b[ETH + 5] = 0;   /* jumbogram */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_LENGTH);
	f.b[ETH + 4] = 0xff;
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_LENGTH);
}

/* ------------------------------------------------------------- checksum -- */

Test(pkt, checksum_matches_kernel)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		struct frame f = frame_of(vectors[i].b, vectors[i].len);
		struct pmip_ipv6_view ip;
		uint16_t kernel, ours;

		ip_of(&f, &ip);
		cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f.b + L4,
						   ip.payload_len), 0,
			     "%s: kernel checksum not valid", vectors[i].name);
		kernel = (uint16_t)(f.b[L4 + 2] << 8 | f.b[L4 + 3]);
		f.b[L4 + 2] = f.b[L4 + 3] = 0;
		ours = pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f.b + L4,
					     ip.payload_len);
		cr_assert_eq(ours, kernel, "%s: ours %#x, kernel %#x", vectors[i].name, ours, kernel);
	}
}

/* Every length 0..300 (all 16/4/2/1-byte tails) and every start alignment
 * against the obvious implementation. */
Test(pkt, checksum_matches_reference)
{
	static uint8_t data[300 + 8];
	struct in6_addr s = addr("2001:db8::1"), d = addr("ff02::1:ff00:2");
	size_t len, align, i;
	uint32_t x = 12345;

	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	for (align = 0; align < 8; align++)
		for (len = 0; len <= 300; len++)
			cr_assert_eq(pmip_ipv6_l4_checksum(&s, &d, 58, data + align, len),
				     ref_checksum(&s, &d, 58, data + align, len),
				     "len %zu align %zu", len, align);
	/* All 0xff data: the sums carry a lot. */
	memset(data, 0xff, sizeof(data));
	for (len = 0; len <= 300; len++)
		cr_assert_eq(pmip_ipv6_l4_checksum(&s, &d, 58, data, len),
			     ref_checksum(&s, &d, 58, data, len), "ff len %zu", len);
}

/* ------------------------------------------------------------ ICMP echo -- */

Test(pkt, echo_parse_vectors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_icmp6_echo e;

	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REQUEST);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 1);
	cr_assert_eq(e.data_off, 8);
	cr_assert_eq(e.data_len, 20);
	cr_assert_eq(f.b[L4 + e.data_off], 0x40);
	cr_assert_eq(f.b[L4 + e.data_off + e.data_len - 1], 0x53);

	f = frame_of(vec_echo_rep, sizeof(vec_echo_rep));
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REPLY);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 1);
	cr_assert_eq(e.data_len, 20);
}

Test(pkt, echo_parse_errors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo e;

	ip_of(&f, &ip);
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f.b + L4, 7, &e), PMIP_PKT_ERR_SHORT);
	ip.next_header = 17;
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f.b + L4, 28, &e), PMIP_PKT_ERR_NEXT_HEADER);

	f.b[L4 + 30 - 8] ^= 1;   /* a data byte */
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_CHECKSUM);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_CODE);

	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_TYPE);
	/* Type is checked before the checksum: a non-echo message is counted
	 * as such whatever its checksum. */
	f.b[L4 + 2] ^= 0xff;
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_TYPE);

	/* Empty echo data is fine. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	set_icmp_len(&f, 8);
	fix_csum(&f);
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.data_len, 0);
}

/* Our reply to the kernel's request against the kernel's own reply. */
Test(pkt, echo_reply_equals_kernel)
{
	uint8_t out[256];
	size_t n, i;

	memset(out, 0xee, sizeof(out));
	n = pmip_icmp6_echo_reply_build(vec_echo_req, sizeof(vec_echo_req), out, sizeof(out));
	cr_assert_eq(n, sizeof(vec_echo_rep));
	cr_assert_eq(out[n], 0xee, "wrote past the reply");
	for (i = 0; i < n; i++) {
		/* The kernel labels its reply with a flow label of its own
		 * (0x76d26); we leave it 0. */
		if (i == ETH + 1) {
			cr_assert_eq(out[i] & 0xf0, vec_echo_rep[i] & 0xf0);
			cr_assert_eq(out[i] & 0x0f, 0);
			continue;
		}
		if (i == ETH + 2 || i == ETH + 3) {
			cr_assert_eq(out[i], 0);
			continue;
		}
		cr_assert_eq(out[i], vec_echo_rep[i], "byte %zu: ours %#x, kernel %#x", i, out[i],
			     vec_echo_rep[i]);
	}
}

Test(pkt, echo_reply_padding_in_place_and_cap)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	uint8_t ref[256], out[256];
	size_t n;

	n = pmip_icmp6_echo_reply_build(f.b, f.len, ref, sizeof(ref));
	cr_assert_eq(n, sizeof(vec_echo_req));

	/* Ethernet padding (frame longer than the IPv6 payload) is dropped. */
	memset(f.b + f.len, 0, 16);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len + 16, out, sizeof(out)), n);
	cr_assert_arr_eq(out, ref, n);

	/* Capacity: exact fits, one less does not. */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, n), n);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, n - 1), 0);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, 0), 0);

	/* In place, as the data plane does it in the request's mbuf. */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, f.b, sizeof(f.b)), n);
	cr_assert_arr_eq(f.b, ref, n);

	/* Overlapping, shifted both ways. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	memmove(f.b + 7, f.b, f.len);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b + 7, f.len, f.b, sizeof(f.b)), n);
	cr_assert_arr_eq(f.b, ref, n);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, f.b + 5, sizeof(f.b) - 5), n);
	cr_assert_arr_eq(f.b + 5, ref, n);
}

Test(pkt, echo_reply_refused)
{
	uint8_t out[256];
	struct frame f;
	size_t i;

	/* Only to echo requests that parse. */
	for (i = 0; i < NVEC; i++)
		if (vectors[i].kind != K_ECHO_REQ)
			cr_assert_eq(pmip_icmp6_echo_reply_build(vectors[i].b, vectors[i].len, out,
								 sizeof(out)),
				     0, "%s", vectors[i].name);
	for (i = 0; i < sizeof(vec_echo_req); i++)
		cr_assert_eq(pmip_icmp6_echo_reply_build(vec_echo_req, i, out, sizeof(out)), 0);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[12] = 0x08;   /* IPv4 ethertype */
	f.b[13] = 0x00;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[L4 - 1] ^= 1;   /* destination: checksum no longer valid */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Multicast destination: the reply's source would be multicast. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	{
		struct in6_addr m = addr("ff02::1");

		memcpy(f.b + ETH + 24, m.s6_addr, 16);
	}
	fix_csum(&f);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Unspecified source: nowhere to reply to. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Group MAC as source or destination. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[0] = 0x33;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[6] |= 1;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);
}

/* ------------------------------------------------------------------ ND -- */

Test(pkt, ns_parse_vectors)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;
	struct in6_addr t = addr("2001:db8::2");
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac, 6);

	/* DAD: from ::, no SLLA, an unknown (Nonce, RFC 7527) option skipped. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	t = addr("2001:db8::3");
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert_not(ns.has_slla);

	f = frame_of(vec_dad_ns_ll, sizeof(vec_dad_ns_ll));
	t = addr("fe80::5054:ff:fe12:3456");
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert_not(ns.has_slla);

	/* Other ND messages are not NS. */
	f = frame_of(vec_rs, sizeof(vec_rs));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_na, sizeof(vec_na));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 7.1.1, each starting from a real NS that
 * breaks only that rule (checksum recomputed after the change). */
Test(pkt, ns_rule_hop_limit)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[ETH + 7] = 254;   /* forwarded once: not on-link */
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);
	f.b[ETH + 7] = 64;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, ns_rule_checksum)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[L4 + 3] ^= 0x01;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);
	/* The pseudo-header counts: a changed source breaks it too. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[ETH + 23] = 0x09;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, ns_rule_code)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CODE);
}

Test(pkt, ns_rule_length)
{
	struct frame f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;
	size_t l;

	/* ICMPv6 length 4..23, checksum right for that length. */
	for (l = 4; l < 24; l++) {
		f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
	/* Exactly 24: no options, valid (DAD needs none). */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	set_icmp_len(&f, 24);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	/* Too short for the ICMPv6 header itself. */
	ip_of(&f, &ip);
	for (l = 0; l < 4; l++)
		cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, l, &ns), PMIP_PKT_ERR_SHORT);
}

Test(pkt, ns_rule_target_multicast)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct in6_addr m = addr("ff02::1:ff00:2");
	struct pmip_nd_ns ns;

	memcpy(f.b + L4 + 8, m.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TARGET);
}

Test(pkt, ns_rule_option_length)
{
	struct frame f;
	struct pmip_nd_ns ns;

	/* Length 0: would loop forever in a naive parser. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	f.b[L4 + 25] = 0;   /* the Nonce option */
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Past the end of the message. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	f.b[L4 + 25] = 0xff;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* A stray byte after the last option: no room for a type and length. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 33);
	f.b[f.len - 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	/* Two: room for type and length, but length 0. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 34);
	f.b[f.len - 2] = 14;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
}

Test(pkt, ns_slla_option_forms)
{
	struct frame f;
	struct pmip_nd_ns ns;
	static const uint8_t nonce[8] = { 0x0e, 0x01, 1, 2, 3, 4, 5, 6 };
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	/* SLLA of 16 bytes: not an Ethernet address (RFC 2464 6). */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Two SLLA options. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	f.b[L4 + 39] ^= 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Unknown option before the SLLA: skipped, SLLA still found. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	memcpy(f.b + L4 + 24, nonce, 8);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac, 6);

	/* A TLLA in an NS is unknown here: skipped, no SLLA. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 24] = PMIP_ND_OPT_TLLA;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_not(ns.has_slla);
}

Test(pkt, ns_rule_dad)
{
	struct frame f;
	struct pmip_nd_ns ns;
	struct in6_addr all_nodes = addr("ff02::1"), other_sn = addr("ff02::1:ff99:8877");
	struct in6_addr uni = addr("2001:db8::2");

	/* From :: to a non-solicited-node multicast address. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, all_nodes.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);
	/* ... or to a unicast address. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, uni.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);
	/* The RFC asks for "a solicited-node multicast address", not the
	 * target's: another one passes. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, other_sn.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);

	/* From :: with an SLLA option (the real NS, its source cleared). */
	f = frame_of(vec_ns, sizeof(vec_ns));
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);

	/* A unicast NS (NUD) with a unicast destination and no SLLA is fine. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	memcpy(f.b + ETH + 24, uni.s6_addr, 16);
	set_icmp_len(&f, 24);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_not(ns.has_slla);
}

/* When several rules are broken, the first in RFC order is reported. */
Test(pkt, ns_rule_order)
{
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;

	f = frame_of(vec_ns, sizeof(vec_ns));   /* hop limit and checksum */
	f.b[ETH + 7] = 1;
	f.b[L4 + 2] ^= 0x10;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* checksum and code */
	f.b[L4 + 1] = 3;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* code and length */
	f.b[L4 + 1] = 3;
	set_icmp_len(&f, 20);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CODE);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* target and option */
	f.b[L4 + 8] = 0xff;
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TARGET);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* option and DAD (from :: with SLLA) */
	memset(f.b + ETH + 8, 0, 16);
	set_icmp_len(&f, 33);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	f = frame_of(vec_rs, sizeof(vec_rs));   /* type before hop limit */
	f.b[ETH + 7] = 1;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* next header first of all */
	ip_of(&f, &ip);
	ip.next_header = 0;
	cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, ip.payload_len, &ns), PMIP_PKT_ERR_NEXT_HEADER);
}

/* Our NA answering the kernel's NS against the kernel's NA to it. */
Test(pkt, na_build_equals_kernel)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	static const uint8_t mac_v1[6] = { 0x52, 0x54, 0x00, 0x65, 0x43, 0x21 };
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;
	uint8_t out[128];
	size_t n;

	ip_of(&f, &ip);
	cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, ip.payload_len, &ns), PMIP_PKT_ERR_OK);
	memset(out, 0xee, sizeof(out));
	/* RFC 4861 7.2.4: to the NS source, target = NS target, S and O. */
	n = pmip_nd_na_build(out, sizeof(out), mac_v1, ns.slla, &ns.target, &ip.src, &ns.target,
			     PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert_eq(n, 86);
	cr_assert_eq(n, sizeof(vec_na));
	cr_assert_eq(out[86], 0xee, "wrote past the NA");
	cr_assert_arr_eq(out, vec_na, 14, "Ethernet header");
	cr_assert_arr_eq(out + ETH, vec_na + ETH, 40, "IPv6 header");
	cr_assert_arr_eq(out + L4, vec_na + L4, 4, "type, code, checksum");
	cr_assert_arr_eq(out + L4 + 4, vec_na + L4 + 4, 4, "flags");
	cr_assert_arr_eq(out + L4 + 8, vec_na + L4 + 8, 16, "target");
	cr_assert_arr_eq(out + L4 + 24, vec_na + L4 + 24, 8, "TLLA option");

	/* Capacity. */
	cr_assert_eq(pmip_nd_na_build(out, 85, mac_v1, ns.slla, &ns.target, &ip.src, &ns.target, 0),
		     0);
	cr_assert_eq(pmip_nd_na_build(out, 86, mac_v1, ns.slla, &ns.target, &ip.src, &ns.target, 0),
		     86);
}

Test(pkt, na_build_flags)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	struct in6_addr s = addr("fe80::1"), d = addr("ff02::1");
	struct frame f;
	struct pmip_ipv6_view ip;

	f.len = pmip_nd_na_build(f.b, sizeof(f.b), m1, m2, &s, &d, &s,
				 PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_OVERRIDE | 0x1fffffffu);
	cr_assert_eq(f.len, 86);
	/* Reserved bits are zero (RFC 4861 4.4) whatever the caller passed. */
	cr_assert_eq(f.b[L4 + 4], 0xa0);
	cr_assert_eq(f.b[L4 + 5] | f.b[L4 + 6] | f.b[L4 + 7], 0);
	ip_of(&f, &ip);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_eq(ip.payload_len, 32);
	cr_assert_eq(ip.traffic_class, 0);
	cr_assert_eq(ip.flow_label, 0);
	cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, 58, f.b + L4, 32), 0);
}

/* ----------------------------------------------------------- RS parse -- */

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0xbb, 0x00, 0x01 };

Test(pkt, rs_parse_vectors)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct pmip_nd_rs rs;

	memset(&rs, 0xaa, sizeof(rs));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert(rs.has_slla);
	cr_assert_arr_eq(rs.slla, mac, 6);

	/* Without options (a host that has no address yet, from ::). */
	set_icmp_len(&f, 8);
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert_not(rs.has_slla);
	cr_assert_eq(rs.slla[0] | rs.slla[5], 0);

	/* Not an RS. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_ra, sizeof(vec_ra));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 6.1.1, from the kernel's RS. */
Test(pkt, rs_rule_hop_limit)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[ETH + 7] = 254;
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, rs_rule_checksum)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[f.len - 1] ^= 0x80;   /* the SLLA's last byte */
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, rs_rule_code)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[L4 + 1] = 0x80;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_CODE);
}

Test(pkt, rs_rule_length)
{
	struct frame f;
	struct pmip_nd_rs rs;
	size_t l;

	for (l = 4; l < 8; l++) {
		f = frame_of(vec_rs, sizeof(vec_rs));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
}

Test(pkt, rs_rule_option_length)
{
	struct frame f;
	struct pmip_nd_rs rs;

	f = frame_of(vec_rs, sizeof(vec_rs));
	f.b[L4 + 9] = 0;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_rs, sizeof(vec_rs));
	f.b[L4 + 9] = 2;   /* 16 bytes, 8 left */
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_rs, sizeof(vec_rs));
	set_icmp_len(&f, 17);   /* one stray byte */
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	/* Two SLLA options. */
	f = frame_of(vec_rs, sizeof(vec_rs));
	set_icmp_len(&f, 24);
	memcpy(f.b + L4 + 16, f.b + L4 + 8, 8);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
}

Test(pkt, rs_rule_unspecified_source_slla)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_UNSPEC_SLLA);
	/* An unknown option from :: is fine. */
	f.b[L4 + 8] = 14;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert_not(rs.has_slla);
	/* Option rule before the :: rule. */
	f.b[L4 + 8] = PMIP_ND_OPT_SLLA;
	set_icmp_len(&f, 17);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
}

/* ----------------------------------------------------------- NA parse -- */

Test(pkt, na_parse_vectors)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	static const uint8_t mac_v1[6] = { 0x52, 0x54, 0x00, 0x65, 0x43, 0x21 };
	struct in6_addr t = addr("2001:db8::2");
	struct pmip_nd_na na;

	memset(&na, 0xaa, sizeof(na));
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(na.target.s6_addr, t.s6_addr, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert(na.has_tlla);
	cr_assert_arr_eq(na.tlla, mac_v1, 6);

	/* The router's answer to a NUD probe: R|S, no option. */
	f = frame_of(vec_na_router, sizeof(vec_na_router));
	t = addr("fe80::5054:ff:feaa:1");
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(na.target.s6_addr, t.s6_addr, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED);
	cr_assert_not(na.has_tlla);

	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 7.1.2, from the kernels' NAs. */
Test(pkt, na_rule_hop_limit)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct pmip_nd_na na;

	f.b[ETH + 7] = 1;
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, na_rule_checksum)
{
	struct frame f = frame_of(vec_na_router, sizeof(vec_na_router));
	struct pmip_nd_na na;

	f.b[L4 + 23] ^= 1;   /* target */
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, na_rule_code)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct pmip_nd_na na;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_CODE);
}

Test(pkt, na_rule_length)
{
	struct frame f;
	struct pmip_nd_na na;
	size_t l;

	for (l = 4; l < 24; l++) {
		f = frame_of(vec_na_router, sizeof(vec_na_router));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
}

Test(pkt, na_rule_target_multicast)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr m = addr("ff02::1");
	struct pmip_nd_na na;

	memcpy(f.b + L4 + 8, m.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TARGET);
}

Test(pkt, na_rule_solicited_multicast)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr all = addr("ff02::1");
	struct pmip_nd_na na;

	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SOLICITED);
	/* Unsolicited to all nodes (RFC 4861 7.2.6) is fine. */
	f.b[L4 + 4] &= (uint8_t)~0x40;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_OVERRIDE);
}

Test(pkt, na_rule_option_length)
{
	struct frame f;
	struct pmip_nd_na na;

	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	/* TLLA of 16 bytes; two TLLAs. */
	f = frame_of(vec_na, sizeof(vec_na));
	set_icmp_len(&f, 40);
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_na, sizeof(vec_na));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	/* An SLLA in an NA is unknown here: skipped. */
	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 24] = PMIP_ND_OPT_SLLA;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_not(na.has_tlla);
}

Test(pkt, na_reserved_bits_ignored_and_order)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr all = addr("ff02::1");
	struct pmip_nd_na na;

	f.b[L4 + 4] |= 0x1f;
	f.b[L4 + 7] = 0xff;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);

	/* Target before Solicited, Solicited before options. */
	f = frame_of(vec_na, sizeof(vec_na));
	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	f.b[L4 + 8] = 0xff;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TARGET);
	f = frame_of(vec_na, sizeof(vec_na));
	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SOLICITED);
}

/* ----------------------------------------------------------- NS build -- */

/* Our NS for the same resolution as the kernel's: byte for byte. */
Test(pkt, ns_build_equals_kernel)
{
	static const uint8_t mac_v0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct in6_addr s = addr("2001:db8::1"), t = addr("2001:db8::2");
	struct in6_addr ll_a = addr("fe80::5054:ff:feaa:1"), ll_b = addr("fe80::5054:ff:febb:1");
	uint8_t out[128];

	memset(out, 0xee, sizeof(out));
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_v0, &s, &t, NULL), sizeof(vec_ns));
	cr_assert_arr_eq(out, vec_ns, sizeof(vec_ns));
	cr_assert_eq(out[sizeof(vec_ns)], 0xee);

	/* Unicast, as NUD probes: the kernel's probe of its router. */
	memset(out, 0xee, sizeof(out));
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_b, &ll_b, &ll_a, mac_a),
		     sizeof(vec_ns_nud));
	cr_assert_arr_eq(out, vec_ns_nud, sizeof(vec_ns_nud));
	cr_assert_eq(out[sizeof(vec_ns_nud)], 0xee);
}

Test(pkt, ns_build_refused)
{
	struct in6_addr s = addr("2001:db8::1"), t = addr("2001:db8::2");
	struct in6_addr any = addr("::"), m = addr("ff02::1");
	static const uint8_t group[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t out[128];

	cr_assert_eq(pmip_nd_ns_build(out, 86, mac_a, &s, &t, NULL), 86);
	cr_assert_eq(pmip_nd_ns_build(out, 85, mac_a, &s, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &any, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &m, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &m, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &any, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &t, group), 0);
}

Test(pkt, ns_build_reparses)
{
	struct in6_addr s = addr("fe80::1"), t = addr("2001:db8:1::77");
	struct in6_addr sn = addr("ff02::1:ff00:77");
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;

	f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &s, &t, NULL);
	cr_assert_eq(f.len, 86);
	ip_of(&f, &ip);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_arr_eq(ip.dst.s6_addr, sn.s6_addr, 16);
	cr_assert_eq(f.b[0], 0x33);
	cr_assert_eq(f.b[5], 0x77);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac_a, 6);

	f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &s, &t, mac_b);
	ip_of(&f, &ip);
	cr_assert_arr_eq(ip.dst.s6_addr, t.s6_addr, 16);
	cr_assert_arr_eq(f.b, mac_b, 6);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
}

/* ----------------------------------------------------------- RA parse -- */

/* radvd's configuration (see the top of the file), as our params. */
static struct pmip_nd_ra_params radvd_params(void)
{
	struct pmip_nd_ra_params p;

	memset(&p, 0, sizeof(p));
	p.cur_hop_limit = 64;
	p.managed = false;
	p.other = true;
	p.router_lifetime_s = 1800;
	p.reachable_ms = 30000;
	p.retrans_ms = 1000;
	p.mtu = 1400;
	p.n_prefixes = 2;
	p.prefixes[0].prefix = addr("2001:db8:1::");
	p.prefixes[0].len = 64;
	p.prefixes[0].onlink = true;
	p.prefixes[0].autonomous = true;
	p.prefixes[0].valid_s = 86400;
	p.prefixes[0].preferred_s = 14400;
	p.prefixes[1].prefix = addr("2001:db8:f0::");
	p.prefixes[1].len = 48;
	p.prefixes[1].onlink = true;
	p.prefixes[1].autonomous = false;
	p.prefixes[1].valid_s = 7200;
	p.prefixes[1].preferred_s = 3600;
	return p;
}

static void assert_params_eq(const struct pmip_nd_ra_params *a, const struct pmip_nd_ra_params *b)
{
	unsigned i;

	cr_assert_eq(a->cur_hop_limit, b->cur_hop_limit);
	cr_assert_eq(a->managed, b->managed);
	cr_assert_eq(a->other, b->other);
	cr_assert_eq(a->router_lifetime_s, b->router_lifetime_s);
	cr_assert_eq(a->reachable_ms, b->reachable_ms);
	cr_assert_eq(a->retrans_ms, b->retrans_ms);
	cr_assert_eq(a->mtu, b->mtu);
	cr_assert_eq(a->n_prefixes, b->n_prefixes);
	for (i = 0; i < a->n_prefixes; i++) {
		const struct pmip_nd_ra_prefix *x = &a->prefixes[i], *y = &b->prefixes[i];

		cr_assert_arr_eq(x->prefix.s6_addr, y->prefix.s6_addr, 16, "prefix %u", i);
		cr_assert_eq(x->len, y->len, "prefix %u", i);
		cr_assert_eq(x->onlink, y->onlink, "prefix %u", i);
		cr_assert_eq(x->autonomous, y->autonomous, "prefix %u", i);
		cr_assert_eq(x->valid_s, y->valid_s, "prefix %u", i);
		cr_assert_eq(x->preferred_s, y->preferred_s, "prefix %u", i);
	}
}

Test(pkt, ra_parse_vectors)
{
	struct pmip_nd_ra_params want = radvd_params();
	struct pmip_nd_ra ra;
	struct frame f;

	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(&ra, 0xaa, sizeof(ra));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &want);
	cr_assert(ra.has_mtu);
	cr_assert(ra.has_slla);
	cr_assert_arr_eq(ra.slla, mac_a, 6);
	cr_assert_eq(ra.prefixes_skipped, 0);

	f = frame_of(vec_ra_mcast, sizeof(vec_ra_mcast));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &want);

	f = frame_of(vec_rs, sizeof(vec_rs));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 6.1.2, from radvd's RA. */
Test(pkt, ra_rule_source_link_local)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct in6_addr g = addr("2001:db8:1::1"), any = addr("::"), site = addr("fec0::1");
	struct pmip_nd_ra ra;

	memcpy(f.b + ETH + 8, g.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	memcpy(f.b + ETH + 8, any.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	memcpy(f.b + ETH + 8, site.s6_addr, 16);   /* fec0::/10 is not fe80::/10 */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	/* Source first of the RFC's list: before the hop limit. */
	f.b[ETH + 7] = 64;
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
}

Test(pkt, ra_rule_hop_limit)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct pmip_nd_ra ra;

	f.b[ETH + 7] = 64;
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, ra_rule_checksum)
{
	struct frame f = frame_of(vec_ra_mcast, sizeof(vec_ra_mcast));
	struct pmip_nd_ra ra;

	f.b[L4 + 5] ^= 0x80;   /* the M flag */
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, ra_rule_code)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct pmip_nd_ra ra;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_CODE);
}

Test(pkt, ra_rule_length)
{
	struct frame f;
	struct pmip_nd_ra ra;
	size_t l;

	for (l = 4; l < 16; l++) {
		f = frame_of(vec_ra, sizeof(vec_ra));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
	/* 16: no options, valid. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	set_icmp_len(&f, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.n_prefixes, 0);
	cr_assert_not(ra.has_mtu);
	cr_assert_eq(ra.p.mtu, 0);
	cr_assert_not(ra.has_slla);
}

/* Options in vec_ra: PIO at 16, PIO at 48, MTU at 80, SLLA at 88. */
#define RA_PIO0 16
#define RA_PIO1 48
#define RA_MTU 80
#define RA_SLLA 88

Test(pkt, ra_rule_option_length)
{
	struct frame f;
	struct pmip_nd_ra ra;
	static const size_t at[] = { RA_PIO0, RA_PIO1, RA_MTU, RA_SLLA };
	size_t i;

	/* Length 0 anywhere. */
	for (i = 0; i < 4; i++) {
		f = frame_of(vec_ra, sizeof(vec_ra));
		f.b[L4 + at[i] + 1] = 0;
		fix_csum(&f);
		cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION, "option at %zu", at[i]);
	}
	/* Past the end. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_SLLA + 1] = 2;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
}

Test(pkt, ra_rule_option_forms)
{
	struct frame f;
	struct pmip_nd_ra ra;

	/* A PIO that is not 32 bytes: 5 units (the first is refused before
	 * the walk reaches the misplaced rest). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_PIO0 + 1] = 5;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Prefix length 129. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_PIO0 + 2] = 129;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* 128 is fine. */
	f.b[L4 + RA_PIO0 + 2] = 128;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.prefixes[0].len, 128);
	/* An MTU option of 16 bytes (eats the SLLA, which fits). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_MTU + 1] = 2;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Two MTU options: the SLLA turned into one. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memcpy(f.b + L4 + RA_SLLA, f.b + L4 + RA_MTU, 8);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Two SLLA options: the MTU turned into one. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memcpy(f.b + L4 + RA_MTU, f.b + L4 + RA_SLLA, 8);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* A TLLA in an RA is unknown here: skipped. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_SLLA] = PMIP_ND_OPT_TLLA;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_not(ra.has_slla);
	cr_assert_eq(ra.p.mtu, 1400);
}

Test(pkt, ra_parse_prefix_details)
{
	struct frame f;
	struct pmip_nd_ra ra;
	struct in6_addr want = addr("2001:db8:f0::");
	size_t i;

	/* Bits past the length are ignored by the receiver (RFC 4861 4.6.2). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(f.b + L4 + RA_PIO1 + 16 + 6, 0xff, 10);
	f.b[L4 + RA_PIO1 + 3] |= 0x3f;   /* reserved flag bits, ignored too */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ra.p.prefixes[1].prefix.s6_addr, want.s6_addr, 16);
	cr_assert(ra.p.prefixes[1].onlink);
	cr_assert_not(ra.p.prefixes[1].autonomous);

	/* Six prefixes: four kept, two counted. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	set_icmp_len(&f, 96 + 4 * 32);
	for (i = 0; i < 4; i++)
		memcpy(f.b + L4 + 96 + 32 * i, f.b + L4 + RA_PIO0, 32);
	f.b[L4 + 96 + 3 * 32 + 16 + 15] = 0x99;   /* the last one differs */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.n_prefixes, 4);
	cr_assert_eq(ra.prefixes_skipped, 2);
	cr_assert_eq(ra.p.prefixes[1].len, 48);
	cr_assert_eq(ra.p.prefixes[3].len, 64);

	/* An MTU option with 0: present, value 0. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(f.b + L4 + RA_MTU + 4, 0, 4);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert(ra.has_mtu);
	cr_assert_eq(ra.p.mtu, 0);
}

/* ----------------------------------------------------------- RA build -- */

/* Our RA with radvd's parameters against radvd's, both of them. The kernel
 * set a flow label of its own on radvd's socket; we leave it 0. Checksums
 * match: the flow label is not in the pseudo-header. */
static void assert_equal_but_flow_label(const uint8_t *ours, const uint8_t *theirs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == ETH + 1) {
			cr_assert_eq(ours[i] & 0xf0, theirs[i] & 0xf0, "traffic class");
			cr_assert_eq(ours[i] & 0x0f, 0);
			continue;
		}
		if (i == ETH + 2 || i == ETH + 3) {
			cr_assert_eq(ours[i], 0);
			continue;
		}
		cr_assert_eq(ours[i], theirs[i], "byte %zu: ours %#x, kernel's %#x", i, ours[i],
			     theirs[i]);
	}
}

Test(pkt, ra_build_equals_radvd)
{
	struct pmip_nd_ra_params p = radvd_params();
	struct in6_addr ll_a = addr("fe80::5054:ff:feaa:1"), ll_b = addr("fe80::5054:ff:febb:1");
	struct in6_addr all = addr("ff02::1");
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t out[256];
	size_t n;

	memset(out, 0xee, sizeof(out));
	n = pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll_a, &ll_b, &p);
	cr_assert_eq(n, sizeof(vec_ra));
	cr_assert_eq(out[n], 0xee);
	assert_equal_but_flow_label(out, vec_ra, n);

	n = pmip_nd_ra_build(out, sizeof(out), mac_a, all_mac, &ll_a, &all, &p);
	cr_assert_eq(n, sizeof(vec_ra_mcast));
	assert_equal_but_flow_label(out, vec_ra_mcast, n);

	/* Capacity. */
	cr_assert_eq(pmip_nd_ra_build(out, 150, mac_a, all_mac, &ll_a, &all, &p), 150);
	cr_assert_eq(pmip_nd_ra_build(out, 149, mac_a, all_mac, &ll_a, &all, &p), 0);
}

Test(pkt, ra_build_forms_and_reparse)
{
	struct pmip_nd_ra_params p;
	struct in6_addr ll = addr("fe80::1"), all = addr("ff02::1");
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct pmip_nd_ra ra;
	struct frame f;
	unsigned i;

	/* No prefix, no MTU: header and SLLA only. */
	memset(&p, 0, sizeof(p));
	p.managed = true;
	p.router_lifetime_s = 0xffff;
	p.reachable_ms = 0xffffffffu;
	p.retrans_ms = 1;
	f.len = pmip_nd_ra_build(f.b, sizeof(f.b), mac_a, all_mac, &ll, &all, &p);
	cr_assert_eq(f.len, L4 + 16 + 8);
	cr_assert_eq(f.b[L4 + 5], 0x80);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &p);
	cr_assert_not(ra.has_mtu);
	cr_assert(ra.has_slla);

	/* Four prefixes, odd lengths, host bits set by the caller: zeroed. */
	p = radvd_params();
	p.n_prefixes = 4;
	p.prefixes[0].prefix = addr("2001:db8:1:2:3:4:5:6");
	p.prefixes[0].len = 64;
	p.prefixes[2].prefix = addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	p.prefixes[2].len = 57;
	p.prefixes[2].valid_s = p.prefixes[2].preferred_s = 0xffffffffu;   /* infinity */
	p.prefixes[3].prefix = addr("2001:db8::1");
	p.prefixes[3].len = 128;
	p.prefixes[3].valid_s = 0;   /* withdraw */
	f.len = pmip_nd_ra_build(f.b, sizeof(f.b), mac_a, all_mac, &ll, &all, &p);
	cr_assert_eq(f.len, L4 + 16 + 4 * 32 + 8 + 8);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	p.prefixes[0].prefix = addr("2001:db8:1:2::");
	p.prefixes[2].prefix = addr("2001:db8:ffff:ff80::");
	assert_params_eq(&ra.p, &p);
	for (i = 0; i < 4; i++)   /* Reserved2 */
		cr_assert_eq(f.b[L4 + 16 + 32 * i + 12] | f.b[L4 + 16 + 32 * i + 15], 0);
}

Test(pkt, ra_build_refused)
{
	struct pmip_nd_ra_params p = radvd_params();
	struct in6_addr ll = addr("fe80::1"), all = addr("ff02::1"), g = addr("2001:db8::1");
	struct in6_addr any = addr("::");
	uint8_t out[256];

	cr_assert_neq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &g, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &any, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &any, &p), 0);
	p.n_prefixes = 5;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.prefixes[1].len = 129;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.prefixes[1].preferred_s = p.prefixes[1].valid_s + 1;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.mtu = 1279;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p.mtu = 1280;
	cr_assert_neq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
}

/* ------------------------------------------------------- ICMPv6 errors -- */

struct err_vec {
	const uint8_t *b;
	size_t len;
	uint8_t type, code;
	uint32_t param;
	size_t inv_len;      /* the invoking packet's length when it was received */
};

static const struct err_vec err_vecs[] = {
	{ vec_err_time, sizeof(vec_err_time), 3, 0, 0, 64 },
	{ vec_err_ptb, sizeof(vec_err_ptb), 2, 0, 1280, 1400 },
	{ vec_err_noroute, sizeof(vec_err_noroute), 1, 0, 0, 64 },
	{ vec_err_port, sizeof(vec_err_port), 1, 4, 0, 56 },
	{ vec_err_param, sizeof(vec_err_param), 4, 1, 6, 48 },
};
#define NERR (sizeof(err_vecs) / sizeof(err_vecs[0]))

Test(pkt, icmp6_error_parse_vectors)
{
	struct in6_addr b = addr("2001:db8:1::2");
	struct pmip_icmp6_error e;
	size_t i;

	for (i = 0; i < NERR; i++) {
		const struct err_vec *v = &err_vecs[i];
		struct frame f = frame_of(v->b, v->len);
		const uint8_t *inv;

		memset(&e, 0xaa, sizeof(e));
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK, "vector %zu", i);
		cr_assert_eq(e.type, v->type);
		cr_assert_eq(e.code, v->code);
		cr_assert_eq(e.param, v->param);
		cr_assert_eq(e.invoking_off, 8);
		cr_assert_eq(e.invoking_len, v->len - L4 - 8);
		cr_assert_eq(e.invoking_len, v->inv_len < 1232 ? v->inv_len : 1232);
		/* The invoking packet came from b, to whom the error goes. */
		inv = f.b + L4 + e.invoking_off;
		cr_assert_eq(inv[0] >> 4, 6);
		cr_assert_arr_eq(inv + 8, b.s6_addr, 16);
		cr_assert_arr_eq(f.b + ETH + 24, b.s6_addr, 16);
		cr_assert_eq(f.b[ETH + 7], 64, "the kernel's hop limit");
		cr_assert_eq((size_t)(inv[4] << 8 | inv[5]) + 40, v->inv_len);
	}
	/* The PTB is 1280 bytes of IPv6. */
	cr_assert_eq(sizeof(vec_err_ptb) - ETH, 1280);
}

Test(pkt, icmp6_error_parse_rules)
{
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_error e;
	static const uint8_t bad_types[] = { 0, 5, 127, 128, 135, 255 };
	size_t i;

	/* Not ICMPv6. */
	f = frame_of(vec_err_time, sizeof(vec_err_time));
	ip_of(&f, &ip);
	ip.next_header = 17;
	cr_assert_eq(pmip_icmp6_error_parse(&ip, f.b + L4, ip.payload_len, &e),
		     PMIP_PKT_ERR_NEXT_HEADER);
	/* No room for type, code and checksum. */
	ip_of(&f, &ip);
	for (i = 0; i < 4; i++)
		cr_assert_eq(pmip_icmp6_error_parse(&ip, f.b + L4, i, &e), PMIP_PKT_ERR_SHORT);
	/* Not an error type (informational ones are >= 128, RFC 4443 2.1). */
	for (i = 0; i < sizeof(bad_types); i++) {
		f = frame_of(vec_err_time, sizeof(vec_err_time));
		f.b[L4] = bad_types[i];
		fix_csum(&f);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_TYPE, "type %u", bad_types[i]);
	}
	/* Checksum. */
	f = frame_of(vec_err_ptb, sizeof(vec_err_ptb));
	f.b[f.len - 1] ^= 0x40;
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_CHECKSUM);
	/* Less than the header and an IPv6 header of the invoking packet. */
	for (i = 4; i < 48; i++) {
		f = frame_of(vec_err_param, sizeof(vec_err_param));
		set_icmp_len(&f, i);
		fix_csum(&f);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_SHORT, "len %zu", i);
	}
	f = frame_of(vec_err_param, sizeof(vec_err_param));
	set_icmp_len(&f, 48);
	fix_csum(&f);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.invoking_len, 40);
	/* Any code is reported as it is (receivers ignore unknown ones). */
	f = frame_of(vec_err_time, sizeof(vec_err_time));
	f.b[L4 + 1] = 200;
	fix_csum(&f);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.code, 200);
}

/* The invoking packet as a received it: for the PTB, the 1232 bytes that the
 * error carries and a made-up tail to the 1400 bytes it had (the tail is
 * cut again, so it does not matter what it is). */
static size_t invoking_of(const struct err_vec *v, uint8_t *inv, size_t cap, uint8_t tail)
{
	size_t carried = v->len - L4 - 8;

	cr_assert_leq(v->inv_len, cap);
	memcpy(inv, v->b + L4 + 8, carried);
	memset(inv + carried, tail, v->inv_len - carried);
	return v->inv_len;
}

/* Our errors for the same invoking packets against the kernel's. */
Test(pkt, icmp6_error_build_equals_kernel)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t inv[1536], out[1536];
	size_t i, n, inv_len;

	for (i = 0; i < NERR; i++) {
		const struct err_vec *v = &err_vecs[i];

		inv_len = invoking_of(v, inv, sizeof(inv), 0x5a);
		memset(out, 0xee, sizeof(out));
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, v->type, v->code,
					   v->param, inv, inv_len);
		cr_assert_eq(n, v->len, "vector %zu: %zu bytes", i, n);
		cr_assert_eq(out[n], 0xee);
		assert_equal_but_flow_label(out, v->b, n);
	}
}

Test(pkt, icmp6_error_build_cut_to_min_mtu)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t inv[2000], out[2000];
	struct pmip_icmp6_error e;
	struct frame f;
	size_t l, n;

	/* Invoking packets of 41 to 2000 bytes, headed by the echo request
	 * (40 bytes would be refused: its ICMPv6 type would be missing). */
	memcpy(inv, vec_err_ptb + L4 + 8, 1232);
	for (l = 1232; l < sizeof(inv); l++)
		inv[l] = (uint8_t)l;
	for (l = 41; l <= sizeof(inv); l += (l < 1300 ? 1 : 97)) {
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 2, 0, 1280, inv, l);
		cr_assert_eq(n, L4 + 8 + (l < 1232 ? l : 1232), "invoking %zu", l);
		cr_assert_leq(n - ETH, 1280);
		cr_assert_arr_eq(out + L4 + 8, inv, n - L4 - 8);
		f = frame_of(out, n);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
		cr_assert_eq(e.param, 1280);
	}
}

Test(pkt, icmp6_error_build_in_place)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t ref[1536], buf[1600];
	const struct err_vec *v = &err_vecs[0];
	uint8_t inv[128];
	size_t n, inv_len;

	inv_len = invoking_of(v, inv, sizeof(inv), 0);
	n = pmip_icmp6_error_build(ref, sizeof(ref), mac_a, mac_b, &a, 3, 0, 0, inv, inv_len);
	cr_assert_eq(n, v->len);

	/* In the received frame's buffer: invoking at 14, error at 0. The
	 * destination MAC is the frame's own source, read from the buffer. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, mac_a, 6);
	memcpy(buf + 6, mac_b, 6);
	memcpy(buf + ETH, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), buf, buf + 6, &a, 3, 0, 0, buf + ETH,
					    inv_len), n);
	cr_assert_arr_eq(buf, ref, n);

	/* Prepended in front of it (headroom), invoking already in place. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + L4 + 8, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), mac_a, mac_b, &a, 3, 0, 0,
					    buf + L4 + 8, inv_len), n);
	cr_assert_arr_eq(buf, ref, n);

	/* Invoking a little after its final place, overlapping it. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 70, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), mac_a, mac_b, &a, 3, 0, 0, buf + 70,
					    inv_len), n);
	cr_assert_arr_eq(buf, ref, n);
}

Test(pkt, icmp6_error_build_padding)
{
	uint8_t inv[128];
	static uint8_t ref[256], out[256];
	size_t len = invoking_of(&err_vecs[2], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1");
	size_t n;

	n = pmip_icmp6_error_build(ref, sizeof(ref), mac_a, mac_b, &a, 1, 0, 0, inv, len);
	cr_assert_eq(n, sizeof(vec_err_noroute));
	/* Ethernet padding after the packet (as in a 60-byte minimum frame)
	 * is not part of it: the same error. */
	memset(inv + len, 0xa5, 20);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv,
					    len + 20), n);
	cr_assert_arr_eq(out, ref, n);
	/* A payload length beyond the bytes given: the bytes given. */
	inv[5] = 200;
	n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv, len + 20);
	cr_assert_eq(n, L4 + 8 + len + 20);
	/* Payload length 0 (jumbogram): the bytes given. */
	inv[4] = inv[5] = 0;
	n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv, len + 20);
	cr_assert_eq(n, L4 + 8 + len + 20);
}

/* Build a Destination Unreachable (or type/code) about inv. */
static size_t err_build(uint8_t type, uint8_t code, uint32_t param, const uint8_t *inv,
			size_t inv_len)
{
	static uint8_t out[1536];
	struct in6_addr a = addr("2001:db8:1::1");

	return pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, type, code, param, inv,
				      inv_len);
}

/* RFC 4443 2.4 (e), one rule at a time, from the kernel's invoking packets. */
Test(pkt, icmp6_error_build_refused_rfc4443_2_4_e)
{
	uint8_t inv[128], bad[128];
	struct in6_addr m = addr("ff02::1"), any = addr("::");
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);   /* an echo request */

	cr_assert_neq(err_build(1, 0, 0, inv, len), 0);

	/* (e.1) an ICMPv6 error: the kernel's Time Exceeded itself. */
	cr_assert_eq(err_build(1, 0, 0, vec_err_time + ETH, sizeof(vec_err_time) - ETH), 0);
	cr_assert_eq(err_build(2, 0, 1280, vec_err_ptb + ETH, sizeof(vec_err_ptb) - ETH), 0);
	memcpy(bad, inv, len);
	bad[40] = 127;   /* the highest error type */
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	bad[40] = 128;   /* the lowest informational one */
	cr_assert_neq(err_build(1, 0, 0, bad, len), 0);
	/* (e.2) a Redirect. */
	bad[40] = PMIP_ND_REDIRECT;
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	bad[40] = PMIP_ND_NEIGHBOR_ADVERT;   /* other ND messages may get one */
	cr_assert_neq(err_build(1, 0, 0, bad, len), 0);
	/* ICMPv6 without its type byte: cannot tell. */
	cr_assert_eq(err_build(1, 0, 0, inv, 40), 0);
	/* Behind an extension header the error is not seen (documented). */
	memcpy(bad, vec_err_time + ETH, 48);
	bad[6] = 0;   /* hop-by-hop */
	cr_assert_neq(err_build(1, 0, 0, bad, 48), 0);

	/* (e.3) destination multicast: refused but for PTB and Parameter
	 * Problem code 2. */
	memcpy(bad, inv, len);
	memcpy(bad + 24, m.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(3, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(4, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(4, 1, 0, bad, len), 0);
	cr_assert_neq(err_build(4, 2, 40, bad, len), 0);
	cr_assert_neq(err_build(2, 0, 1280, bad, len), 0);

	/* (e.6) source not one node. */
	memcpy(bad, inv, len);
	memcpy(bad + 8, any.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(2, 0, 1280, bad, len), 0);
	memcpy(bad + 8, m.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(2, 0, 1280, bad, len), 0);

	/* Not an IPv6 packet at all. */
	cr_assert_eq(err_build(1, 0, 0, inv, 39), 0);
	memcpy(bad, inv, len);
	bad[0] = 0x45;
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
}

Test(pkt, icmp6_error_build_refused_args)
{
	uint8_t inv[128], out[1536];
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1"), m = addr("ff02::2"), any = addr("::");
	static const struct { uint8_t type, code; bool ok; } tc[] = {
		{ 0, 0, false }, { 1, 0, true }, { 1, 8, true }, { 1, 9, false },
		{ 2, 0, true }, { 2, 1, false }, { 3, 1, true }, { 3, 2, false },
		{ 4, 10, true }, { 4, 11, false }, { 5, 0, false }, { 128, 0, false },
	};
	size_t i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++)
		cr_assert_eq(err_build(tc[i].type, tc[i].code, 1280, inv, len) != 0, tc[i].ok,
			     "type %u code %u", tc[i].type, tc[i].code);
	cr_assert_eq(err_build(2, 0, 1279, inv, len), 0);
	cr_assert_neq(err_build(2, 0, 9000, inv, len), 0);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &m, 1, 0, 0, inv, len),
		     0);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &any, 1, 0, 0, inv,
					    len), 0);
	cr_assert_eq(pmip_icmp6_error_build(out, L4 + 8 + len, mac_a, mac_b, &a, 1, 0, 0, inv, len),
		     L4 + 8 + len);
	cr_assert_eq(pmip_icmp6_error_build(out, L4 + 8 + len - 1, mac_a, mac_b, &a, 1, 0, 0, inv,
					    len), 0);
}

Test(pkt, icmp6_error_build_param_word)
{
	uint8_t inv[128];
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1");
	struct pmip_icmp6_error e;
	struct frame f;

	/* "Unused" for types 1 and 3: zero whatever the caller passed. */
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 1, 3, 0xdeadbeef, inv,
				       len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0);
	cr_assert_eq(e.code, 3);
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 3, 1, 7, inv, len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0);
	/* The pointer for type 4, even past the carried bytes (RFC 4443 3.4). */
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 4, 0, 0x12345678, inv,
				       len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0x12345678);
	cr_assert_eq(f.b[ETH + 7], PMIP_IPV6_DEFAULT_HOP_LIMIT);
}

/* ------------------------------------------------------ IPv6 header write -- */

Test(pkt, ipv6_hdr_write)
{
	struct pmip_ipv6_view ip;
	_Alignas(struct in6_addr) uint8_t h[64];
	struct in6_addr s, d, t1 = addr("2001:db8::a"), t2 = addr("2001:db8::b");

	/* The kernel's echo request header, field by field. */
	cr_assert_eq(pmip_ipv6_parse(vec_echo_req + ETH, sizeof(vec_echo_req) - ETH, &ip),
		     PMIP_PKT_ERR_OK);
	memset(h, 0xee, sizeof(h));
	pmip_ipv6_hdr_write(h, &ip.src, &ip.dst, ip.next_header, ip.payload_len, ip.hop_limit,
			    ip.traffic_class, ip.flow_label);
	cr_assert_arr_eq(h, vec_echo_req + ETH, 40);
	cr_assert_eq(h[40], 0xee);

	/* Traffic class all ones, flow label beyond 20 bits cut. */
	s = addr("2001:db8::1");
	d = addr("2001:db8::2");
	pmip_ipv6_hdr_write(h, &s, &d, 17, 0xffff, 1, 0xff, 0xfff12345);
	memset(h + 40, 0, 24);
	cr_assert_eq(h[0], 0x6f);
	cr_assert_eq(h[1], 0xf1);
	cr_assert_eq(h[2], 0x23);
	cr_assert_eq(h[3], 0x45);

	/* Addresses that alias the output. */
	pmip_ipv6_hdr_write(h, &t1, &t2, 58, 8, 64, 0, 0);
	pmip_ipv6_hdr_write(h, (const struct in6_addr *)(const void *)(h + 24),
			    (const struct in6_addr *)(const void *)(h + 8), 58, 8, 64, 0, 0);
	cr_assert_arr_eq(h + 8, t2.s6_addr, 16);
	cr_assert_arr_eq(h + 24, t1.s6_addr, 16);
}

/* IPv6-in-IPv6 (RFC 2473): an outer header in front of the kernel's echo
 * request makes a packet whose payload is that request. */
Test(pkt, ipv6_hdr_write_tunnel)
{
	struct in6_addr mag = addr("2001:db8:ff::1"), lma = addr("2001:db8:ff::2");
	const size_t inner = sizeof(vec_echo_req) - ETH;
	uint8_t pkt[256];
	struct pmip_ipv6_view outer, in;
	struct pmip_icmp6_echo echo;

	pmip_ipv6_hdr_write(pkt, &mag, &lma, PMIP_IPPROTO_IPV6, (uint16_t)inner, 64, 0, 0);
	memcpy(pkt + 40, vec_echo_req + ETH, inner);
	cr_assert_eq(pmip_ipv6_parse(pkt, 40 + inner, &outer), PMIP_PKT_ERR_OK);
	cr_assert_eq(outer.next_header, 41);
	cr_assert_eq(outer.payload_len, inner);
	cr_assert_eq(outer.hop_limit, 64);
	cr_assert_arr_eq(outer.src.s6_addr, mag.s6_addr, 16);
	cr_assert_arr_eq(outer.dst.s6_addr, lma.s6_addr, 16);
	cr_assert_eq(pmip_ipv6_parse(pkt + 40, outer.payload_len, &in), PMIP_PKT_ERR_OK);
	cr_assert_eq(pmip_icmp6_echo_parse(&in, pkt + 80, in.payload_len, &echo), PMIP_PKT_ERR_OK);
	cr_assert_eq(echo.id, 0x1234);
}

/* ---------------------------------------------- truncations, bit flips -- */

struct outcome {
	enum pmip_pkt_err eth, ip, echo, ns, rs, na, ra, err;
	size_t reply;
};

/* The result of the parser that accepts vectors of kind k. */
static enum pmip_pkt_err own_parser(const struct outcome *o, enum vec_kind k)
{
	switch (k) {
	case K_ECHO_REQ:
	case K_ECHO_REP:
		return o->echo;
	case K_NS:
		return o->ns;
	case K_RS:
		return o->rs;
	case K_NA:
		return o->na;
	case K_RA:
		return o->ra;
	case K_ERR:
		return o->err;
	}
	return PMIP_PKT_ERR_COUNT;
}

static unsigned n_messages_ok(const struct outcome *o)
{
	return (o->echo == PMIP_PKT_ERR_OK) + (o->ns == PMIP_PKT_ERR_OK) +
	       (o->rs == PMIP_PKT_ERR_OK) + (o->na == PMIP_PKT_ERR_OK) +
	       (o->ra == PMIP_PKT_ERR_OK) + (o->err == PMIP_PKT_ERR_OK);
}

static bool is_unspecified(const struct in6_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->s6_addr, zero, 16) == 0;
}

/* Ask for an error (Destination Unreachable, and Packet Too Big, which
 * multicast destinations may get) about inv: refused exactly when RFC 4443
 * 2.4 (e) says so; else it re-parses with the same fields and carries the
 * start of inv. */
static void check_error_about(const uint8_t *inv, size_t inv_len)
{
	static uint8_t out[1536];
	static const uint8_t types[2] = { PMIP_ICMP6_DST_UNREACH, PMIP_ICMP6_PACKET_TOO_BIG };
	struct in6_addr a = addr("2001:db8:1::1");
	size_t t;

	for (t = 0; t < 2; t++) {
		struct in6_addr isrc, idst;
		size_t n, taken = inv_len;   /* the bytes the error is about */
		bool refuse;

		if (inv_len < 40 || inv[0] >> 4 != 6) {
			refuse = true;
		} else {
			size_t plen = (size_t)(inv[4] << 8 | inv[5]);

			if (plen && 40 + plen < inv_len)   /* padding is not copied */
				taken = 40 + plen;
			memcpy(isrc.s6_addr, inv + 8, 16);
			memcpy(idst.s6_addr, inv + 24, 16);
			refuse = is_unspecified(&isrc) || isrc.s6_addr[0] == 0xff ||
				 (idst.s6_addr[0] == 0xff && types[t] != 2) ||
				 (inv[6] == 58 && (taken < 41 || inv[40] < 128 || inv[40] == 137));
		}
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, types[t], 0, 1500,
					   inv, inv_len);
		cr_assert_eq(n == 0, refuse, "type %u: %zu", types[t], n);
		if (n) {
			struct pmip_ipv6_view ip;
			struct pmip_icmp6_error e;
			size_t carried = taken < 1232 ? taken : 1232;

			cr_assert_eq(n, L4 + 8 + carried);
			cr_assert_eq(pmip_ipv6_parse(out + ETH, n - ETH, &ip), PMIP_PKT_ERR_OK);
			cr_assert_leq((size_t)ip.payload_len + 40, 1280);
			cr_assert_arr_eq(ip.dst.s6_addr, isrc.s6_addr, 16);
			cr_assert_eq(pmip_icmp6_error_parse(&ip, out + L4, ip.payload_len, &e),
				     PMIP_PKT_ERR_OK);
			cr_assert_eq(e.type, types[t]);
			cr_assert_eq(e.param, types[t] == 2 ? 1500u : 0u);
			cr_assert_eq(e.invoking_len, carried);
			cr_assert_arr_eq(out + L4 + e.invoking_off, inv, carried);
		}
	}
}

/* A parsed RA rebuilt from its fields re-parses to the same fields, unless
 * the builder refuses them (what hosts would ignore). */
static void check_ra_rebuild(const struct pmip_ipv6_view *ip, const struct pmip_nd_ra *ra)
{
	static uint8_t out[512];
	struct pmip_nd_ra again;
	struct frame f;
	bool refuse = is_unspecified(&ip->dst) ||
		      (ra->p.mtu != 0 && ra->p.mtu < 1280);
	unsigned i;

	for (i = 0; i < ra->p.n_prefixes; i++)
		refuse |= ra->p.prefixes[i].preferred_s > ra->p.prefixes[i].valid_s;
	f.len = pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ip->src, &ip->dst, &ra->p);
	cr_assert_eq(f.len == 0, refuse);
	if (!f.len)
		return;
	memcpy(f.b, out, f.len);
	cr_assert_eq(ra_of(&f, &again), PMIP_PKT_ERR_OK);
	assert_params_eq(&again.p, &ra->p);
	cr_assert(again.has_slla);
	cr_assert_arr_eq(again.slla, mac_a, 6);
}

/* Run every parser and builder over a frame of exactly len bytes (heap
 * copy, so that ASan sees any read past it) and check what holds whatever
 * the input. */
static struct outcome run_all(const uint8_t *frame, size_t len)
{
	struct outcome o = { PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT,
			     PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT,
			     PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, 0 };
	uint8_t *buf = malloc(len ? len : 1);
	static uint8_t out[1536];
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	struct pmip_nd_ns ns;
	struct pmip_nd_rs rs;
	struct pmip_nd_na na;
	struct pmip_nd_ra ra;
	struct pmip_icmp6_error err;
	const uint8_t *icmp;

	cr_assert_not_null(buf);
	memcpy(buf, frame, len);
	o.eth = pmip_eth_parse(buf, len, &eth);
	cr_assert_eq(o.eth == PMIP_PKT_ERR_OK, len >= 14);
	o.reply = pmip_icmp6_echo_reply_build(buf, len, out, sizeof(out));
	if (o.eth != PMIP_PKT_ERR_OK)
		goto out;
	o.ip = pmip_ipv6_parse(buf + ETH, len - ETH, &ip);
	/* Whatever the frame, as the invoking packet of an error. */
	check_error_about(buf + ETH, len - ETH);
	if (o.ip != PMIP_PKT_ERR_OK)
		goto out;
	cr_assert_leq((size_t)ip.payload_len, len - L4);
	icmp = buf + L4;
	o.echo = pmip_icmp6_echo_parse(&ip, icmp, ip.payload_len, &echo);
	if (o.echo == PMIP_PKT_ERR_OK) {
		cr_assert_eq(echo.data_off + echo.data_len, ip.payload_len);
		cr_assert(echo.type == 128 || echo.type == 129);
	}
	o.ns = pmip_nd_ns_parse(&ip, icmp, ip.payload_len, &ns);
	if (o.ns == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_neq(ns.target.s6_addr[0], 0xff);
		if (!is_unspecified(&ip.src) && ip.src.s6_addr[0] != 0xff) {
			struct pmip_nd_ns again;
			struct frame f;

			f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &ip.src, &ns.target, NULL);
			cr_assert_eq(f.len, 86);
			cr_assert_eq(ns_of(&f, &again), PMIP_PKT_ERR_OK);
			cr_assert_arr_eq(again.target.s6_addr, ns.target.s6_addr, 16);
			cr_assert_arr_eq(again.slla, mac_a, 6);
		}
	}
	o.rs = pmip_nd_rs_parse(&ip, icmp, ip.payload_len, &rs);
	if (o.rs == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_eq(icmp[0], 133);
		if (is_unspecified(&ip.src))
			cr_assert_not(rs.has_slla);
	}
	o.na = pmip_nd_na_parse(&ip, icmp, ip.payload_len, &na);
	if (o.na == PMIP_PKT_ERR_OK) {
		struct pmip_nd_na again;
		struct frame f;

		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_neq(na.target.s6_addr[0], 0xff);
		cr_assert_eq(na.flags & 0x1fffffffu, 0);
		if (ip.dst.s6_addr[0] == 0xff)
			cr_assert_eq(na.flags & PMIP_NA_FLAG_SOLICITED, 0);
		f.len = pmip_nd_na_build(f.b, sizeof(f.b), mac_a, mac_b, &ip.src, &ip.dst,
					 &na.target, na.flags);
		cr_assert_eq(na_of(&f, &again), PMIP_PKT_ERR_OK);
		cr_assert_arr_eq(again.target.s6_addr, na.target.s6_addr, 16);
		cr_assert_eq(again.flags, na.flags);
		cr_assert(again.has_tlla);
	}
	o.ra = pmip_nd_ra_parse(&ip, icmp, ip.payload_len, &ra);
	if (o.ra == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_eq(ip.src.s6_addr[0], 0xfe);
		cr_assert_leq(ra.p.n_prefixes, 4);
		check_ra_rebuild(&ip, &ra);
	}
	o.err = pmip_icmp6_error_parse(&ip, icmp, ip.payload_len, &err);
	if (o.err == PMIP_PKT_ERR_OK) {
		cr_assert(err.type >= 1 && err.type <= 4);
		cr_assert_geq(err.invoking_len, 40);
		cr_assert_eq(err.invoking_off + err.invoking_len, ip.payload_len);
		/* An error about the packet an error carries. */
		check_error_about(icmp + err.invoking_off, err.invoking_len);
	}
	cr_assert_leq(n_messages_ok(&o), 1);
out:
	if (o.reply) {
		struct pmip_ipv6_view rip;
		struct pmip_icmp6_echo rep;

		cr_assert_eq(o.echo, PMIP_PKT_ERR_OK);
		cr_assert_eq(echo.type, PMIP_ICMP6_ECHO_REQUEST);
		cr_assert_eq(o.reply, L4 + (size_t)ip.payload_len);
		cr_assert_eq(pmip_ipv6_parse(out + ETH, o.reply - ETH, &rip), PMIP_PKT_ERR_OK);
		cr_assert_eq(pmip_icmp6_echo_parse(&rip, out + L4, rip.payload_len, &rep),
			     PMIP_PKT_ERR_OK);
		cr_assert_eq(rep.type, PMIP_ICMP6_ECHO_REPLY);
		cr_assert_eq(rep.id, echo.id);
		cr_assert_eq(rep.seq, echo.seq);
		cr_assert_arr_eq(out + L4 + 8, buf + L4 + 8, echo.data_len);
	}
	free(buf);
	return o;
}

Test(pkt, truncation_loop)
{
	size_t i, l;

	for (i = 0; i < NVEC; i++) {
		const struct vec *v = &vectors[i];
		struct pmip_ipv6_view ip;
		struct pmip_icmp6_echo echo;
		struct pmip_nd_ns ns;
		struct pmip_nd_rs rs;
		struct pmip_nd_na na;
		struct pmip_nd_ra ra;
		struct pmip_icmp6_error err;
		size_t icmp_len = v->len - L4;

		/* Every prefix of the frame. */
		for (l = 0; l <= v->len; l++) {
			struct outcome o = run_all(v->b, l);

			if (l < ETH)
				cr_assert_eq(o.eth, PMIP_PKT_ERR_SHORT);
			else if (l < L4)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_SHORT, "%s len %zu", v->name, l);
			else if (l < v->len)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_LENGTH, "%s len %zu", v->name, l);
			else
				cr_assert_eq(o.ip, PMIP_PKT_ERR_OK);
			if (l < v->len)
				cr_assert_eq(o.reply, 0);
		}
		/* Every ICMPv6 length below the real one, with the real IPv6
		 * header: the message parsers alone must refuse it. */
		cr_assert_eq(pmip_ipv6_parse(v->b + ETH, v->len - ETH, &ip), PMIP_PKT_ERR_OK);
		for (l = 0; l < icmp_len; l++) {
			uint8_t *buf = malloc(l ? l : 1);

			memcpy(buf, v->b + L4, l);
			cr_assert_neq(pmip_icmp6_echo_parse(&ip, buf, l, &echo), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_ns_parse(&ip, buf, l, &ns), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_rs_parse(&ip, buf, l, &rs), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_na_parse(&ip, buf, l, &na), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_ra_parse(&ip, buf, l, &ra), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_icmp6_error_parse(&ip, buf, l, &err), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			free(buf);
		}
	}
}

Test(pkt, bit_flip_loop)
{
	size_t i, bit;

	for (i = 0; i < NVEC; i++) {
		const struct vec *v = &vectors[i];
		struct frame f0 = frame_of(v->b, v->len);
		struct outcome ref = run_all(v->b, v->len);
		bool nd = v->kind == K_NS || v->kind == K_RS || v->kind == K_NA || v->kind == K_RA;

		/* Each vector is accepted by its parser and by no other. */
		cr_assert_eq(own_parser(&ref, v->kind), PMIP_PKT_ERR_OK, "%s", v->name);
		cr_assert_eq(n_messages_ok(&ref), 1, "%s", v->name);
		cr_assert_eq(ref.reply != 0, v->kind == K_ECHO_REQ, "%s", v->name);

		for (bit = 0; bit < v->len * 8; bit++) {
			struct frame f = f0;
			size_t byte = bit / 8;
			struct outcome o;

			f.b[byte] ^= (uint8_t)(1u << (bit % 8));
			o = run_all(f.b, f.len);
			/* ICMPv6 bytes and the addresses of the pseudo-header
			 * are covered by the checksum: no message survives. */
			if (byte >= ETH + 8) {
				cr_assert_eq(n_messages_ok(&o), 0, "%s bit %zu", v->name, bit);
				cr_assert_eq(o.reply, 0, "%s bit %zu", v->name, bit);
			}
			if (byte >= L4) {
				enum pmip_pkt_err e = own_parser(&o, v->kind);

				cr_assert_eq(o.ip, PMIP_PKT_ERR_OK);
				cr_assert(e == PMIP_PKT_ERR_CHECKSUM || e == PMIP_PKT_ERR_TYPE,
					  "%s bit %zu: %s", v->name, bit, pmip_pkt_err_name(e));
			}
			/* The version nibble. */
			if (byte == ETH && bit % 8 >= 4)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_VERSION);
			/* The hop limit of ND. */
			if (byte == ETH + 7 && nd)
				cr_assert_eq(own_parser(&o, v->kind), PMIP_PKT_ERR_HOP_LIMIT);
		}
	}
}

Test(pkt, echo_request_build_parses_and_is_answered)
{
	uint8_t f[256], r[256];
	const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
	struct in6_addr s, d;
	inet_pton(AF_INET6, "2001:db8::1", &s);
	inet_pton(AF_INET6, "2001:db8::2", &d);
	size_t n = pmip_icmp6_echo_request_build(f, sizeof(f), a, b, &s, &d, 0x1234, 7, 20);
	cr_assert_eq(n, 14 + 40 + 8 + 20);
	struct pmip_ipv6_view ip;
	cr_assert_eq(pmip_ipv6_parse(f + 14, n - 14, &ip), PMIP_PKT_ERR_OK);
	struct pmip_icmp6_echo e;
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f + 54, ip.payload_len, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REQUEST);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 7);
	cr_assert_eq(e.data_len, 20);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f, n, r, sizeof(r)), n, "answerable");
	cr_assert_eq(pmip_icmp6_echo_request_build(f, n - 1, a, b, &s, &d, 1, 1, 20), 0, "too small");
	struct in6_addr mc;
	inet_pton(AF_INET6, "ff02::1", &mc);
	cr_assert_eq(pmip_icmp6_echo_request_build(f, sizeof(f), a, b, &mc, &d, 1, 1, 0), 0,
		     "multicast source");
}
