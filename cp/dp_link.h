/* cp's link to the data plane: the shared-memory segment and its rings.
 *
 * Finds the segment dp created, attaches, repairs cp's own ring ends, says
 * HELLO and, once dp acknowledges, calls on_ready so cp re-pushes its state.
 * Watches the segment: a new generation (dp restarted) means detach and
 * attach again; a missing or closed segment means wait for dp; a heartbeat
 * that stops moving is logged. The rings are polled from timers: every 1 ms
 * while traffic flows, backing off to 10 ms when idle.
 */
#ifndef PMIP_CP_DP_LINK_H
#define PMIP_CP_DP_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "evloop.h"
#include "msg.h"
#include "shm.h"

struct dp_link;

struct dp_link_port {
	bool known;               /* PORT_INFO received from this generation */
	uint8_t mac[6];
	uint8_t kind;             /* enum pmip_port_kind */
	bool link_up;
	uint16_t mtu;
	char name[32];
};

struct dp_link_stats {
	uint64_t attaches;        /* segments attached (first + reattaches) */
	uint64_t hellos_acked;
	uint64_t ctl_sent;
	uint64_t ctl_ring_full;   /* ctl messages not sent: ring full */
	uint64_t ctl_rejected;    /* EVT_CTL_REJECT received */
	uint64_t evt_received;
	uint64_t evt_unknown;     /* unknown type or foreign generation */
	uint64_t punt_received;
	uint64_t punt_stale;      /* discarded at attach: queued for a previous cp */
	uint64_t punt_bad;        /* bad port or length */
	uint64_t tx_sent;
	uint64_t tx_ring_full;    /* packets not sent: ring full */
	uint64_t ring_repairs;    /* half-done ring operations of a dead cp undone */
};

struct dp_link_handlers {
	/* dp acknowledged our HELLO: it holds none of our state, push it all. */
	void (*on_ready)(struct dp_link *link, void *arg);
	/* dp went away (stopped, crashed, replaced). */
	void (*on_lost)(struct dp_link *link, void *arg);
	/* A packet punted by dp; valid only during the call. */
	void (*on_punt)(struct dp_link *link, const struct pmip_pkt_msg *pkt, void *arg);
	/* An event the link does not handle itself (ACK, NEIGH_MISS). */
	void (*on_event)(struct dp_link *link, const struct pmip_evt_msg *evt, void *arg);
	/* After each poll of the rings: room may have freed on ctl/tx. */
	void (*on_poll)(struct dp_link *link, void *arg);
	void *arg;
};

struct dp_link {
	struct evloop *loop;
	char shm_name[64];
	struct dp_link_handlers h;
	struct pmip_shm shm;
	bool attached;
	bool ready;               /* HELLO acknowledged */
	uint64_t generation;
	uint32_t next_seq;
	uint32_t hello_seq;
	uint64_t last_heartbeat;
	uint64_t heartbeat_change_ns;
	bool stall_logged;
	bool absent_logged;
	unsigned poll_ms;
	struct evloop_timer watch_timer;
	struct evloop_timer poll_timer;
	struct dp_link_port ports[PMIP_CFG_MAX_PORTS];
	unsigned n_ports;
	struct dp_link_stats stats;
	/* Staging for ring copies (2 KiB each, kept off the stack). Two,
	 * because on_punt may send while the punted packet is in use. */
	struct pmip_pkt_msg rx_pkt;
	struct pmip_pkt_msg tx_pkt;
};

int dp_link_init(struct dp_link *link, struct evloop *loop, const char *shm_name,
		 const struct dp_link_handlers *h);
void dp_link_close(struct dp_link *link);

/* Queue a whole Ethernet frame for dp to send from port. 0, or -1 if dp is
 * not attached, the frame is too long, or the tx ring is full (counted). */
int dp_link_send_frame(struct dp_link *link, uint16_t port, const uint8_t *frame, size_t len);
/* Same, for dp to protect with ESP SA sa_id first (0: as is). */
int dp_link_send_frame_sa(struct dp_link *link, uint16_t port, const uint8_t *frame, size_t len,
			  uint32_t sa_id);

/* Queue a ctl message; type and body set by the caller, seq and generation
 * filled here. Returns the seq, or 0 if not sent (counted). */
uint32_t dp_link_send_ctl(struct dp_link *link, struct pmip_ctl_msg *msg);
/* Same, without a log line when the ring is full (callers that queue). */
uint32_t dp_link_send_ctl_quiet(struct dp_link *link, struct pmip_ctl_msg *msg);

/* Poll rings once now (also used by tests). Returns messages handled. */
unsigned dp_link_poll(struct dp_link *link);

void dp_link_log_stats(const struct dp_link *link);

#endif
