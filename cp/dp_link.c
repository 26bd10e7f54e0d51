/* cp <-> dp shared-memory link. See dp_link.h. */
#define LOG_MODULE "dp-link"
#include "dp_link.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "log.h"

#define WATCH_MS 200
#define POLL_MIN_MS 1
#define POLL_MAX_MS 10
#define POLL_BURST 32
/* No heartbeat progress for this long: dp is hung or killed. */
#define STALL_NS 3000000000ULL

static const char *const ring_names[PMIP_RING_COUNT] = { "ctl", "evt", "punt", "tx" };

static void detach(struct dp_link *link, const char *why)
{
	if (!link->attached)
		return;
	pmip_notice("detaching from %s generation %lu: %s", link->shm_name, link->generation,
		    why);
	pmip_shm_detach(&link->shm);
	link->attached = false;
	link->ready = false;
	memset(link->ports, 0, sizeof(link->ports));
	link->n_ports = 0;
	evloop_timer_stop(link->loop, &link->poll_timer);
	if (link->h.on_lost != NULL)
		link->h.on_lost(link, link->h.arg);
}

/* cp owns the producer end of ctl and tx and the consumer end of evt and
 * punt: repair what a killed predecessor may have left half done, then drop
 * what was queued for it. Stale punts (echo requests from seconds ago) must
 * not be answered now. */
static void claim_ring_ends(struct dp_link *link)
{
	struct rte_ring **r = link->shm.ring;
	const struct {
		enum pmip_ring_id id;
		bool producer;
	} ends[] = {
		{ PMIP_RING_CTL, true }, { PMIP_RING_TX, true },
		{ PMIP_RING_EVT, false }, { PMIP_RING_PUNT, false },
	};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		bool fixed = ends[i].producer ? pmip_shm_ring_recover_producer(r[ends[i].id])
					      : pmip_shm_ring_recover_consumer(r[ends[i].id]);
		if (fixed) {
			link->stats.ring_repairs++;
			pmip_warn("ring %s: undid a half-finished %s of a previous cp",
				  ring_names[ends[i].id], ends[i].producer ? "enqueue" : "dequeue");
		}
	}
	unsigned stale = 0;
	while (rte_ring_sc_dequeue_elem(r[PMIP_RING_PUNT], &link->rx_pkt, sizeof(link->rx_pkt)) == 0)
		stale++;
	struct pmip_evt_msg evt;
	while (rte_ring_sc_dequeue_elem(r[PMIP_RING_EVT], &evt, sizeof(evt)) == 0)
		;
	if (stale != 0) {
		link->stats.punt_stale += stale;
		pmip_info("discarded %u punted packets queued before this cp attached", stale);
	}
}

static void send_hello(struct dp_link *link)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_HELLO };
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	m.u.hello.cp_pid = (int32_t)getpid();
	m.u.hello.cp_start_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	link->hello_seq = dp_link_send_ctl(link, &m);
}

static void try_attach(struct dp_link *link)
{
	char msg[256];
	if (pmip_shm_attach(&link->shm, link->shm_name, msg, sizeof(msg)) != 0) {
		if (!link->absent_logged) {
			pmip_info("waiting for pmip-dp: %s", msg);
			link->absent_logged = true;
		}
		return;
	}
	link->absent_logged = false;
	link->attached = true;
	link->ready = false;
	link->generation = link->shm.hdr->generation;
	link->last_heartbeat = __atomic_load_n(&link->shm.hdr->dp_heartbeat, __ATOMIC_RELAXED);
	link->heartbeat_change_ns = evloop_now_ns(link->loop);
	link->stall_logged = false;
	link->stats.attaches++;
	pmip_notice("attached to %s: dp pid %d generation %lu", link->shm_name,
		    link->shm.hdr->dp_pid, link->generation);
	claim_ring_ends(link);
	send_hello(link);
	link->poll_ms = POLL_MIN_MS;
	evloop_timer_start(link->loop, &link->poll_timer, link->poll_ms);
}

static void check_attached(struct dp_link *link)
{
	switch (pmip_shm_status(&link->shm)) {
	case PMIP_SHM_SAME:
		break;
	case PMIP_SHM_GONE:
		detach(link, "the segment was removed (dp stopped)");
		return;
	case PMIP_SHM_CLOSED:
		detach(link, "dp closed the segment (clean shutdown)");
		return;
	case PMIP_SHM_REPLACED:
		detach(link, "a new dp replaced the segment (dp restarted)");
		try_attach(link);
		return;
	}
	uint64_t now = evloop_now_ns(link->loop);
	uint64_t hb = __atomic_load_n(&link->shm.hdr->dp_heartbeat, __ATOMIC_RELAXED);
	if (hb != link->last_heartbeat) {
		if (link->stall_logged)
			pmip_notice("dp heartbeat moves again");
		link->last_heartbeat = hb;
		link->heartbeat_change_ns = now;
		link->stall_logged = false;
	} else if (!link->stall_logged && now - link->heartbeat_change_ns > STALL_NS) {
		pmip_warn("dp pid %d heartbeat has not moved for %lu ms: dp hung or killed",
			  link->shm.hdr->dp_pid, (now - link->heartbeat_change_ns) / 1000000);
		link->stall_logged = true;
	}
}

static void on_watch(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct dp_link *link = arg;
	if (link->attached)
		check_attached(link);
	else
		try_attach(link);
	evloop_timer_start(loop, t, WATCH_MS);
}

static void handle_evt(struct dp_link *link, const struct pmip_evt_msg *e)
{
	link->stats.evt_received++;
	if (e->generation != link->generation) {
		link->stats.evt_unknown++;
		return;
	}
	switch (e->type) {
	case PMIP_EVT_HELLO_ACK:
		if (e->seq != link->hello_seq) {
			link->stats.evt_unknown++;
			return;
		}
		link->n_ports = e->u.hello_ack.n_ports;
		link->stats.hellos_acked++;
		pmip_notice("dp generation %lu ready: pid %d, %u ports, %u workers",
			    e->u.hello_ack.generation, e->u.hello_ack.dp_pid,
			    e->u.hello_ack.n_ports, e->u.hello_ack.n_workers);
		link->ready = true;
		if (link->h.on_ready != NULL)
			link->h.on_ready(link, link->h.arg);
		return;
	case PMIP_EVT_PORT_INFO: {
		const struct pmip_evt_port_info *pi = &e->u.port_info;
		if (pi->port >= PMIP_CFG_MAX_PORTS) {
			link->stats.evt_unknown++;
			return;
		}
		struct dp_link_port *p = &link->ports[pi->port];
		p->known = true;
		memcpy(p->mac, pi->mac, 6);
		p->kind = pi->kind;
		p->link_up = pi->link_up;
		p->mtu = pi->mtu;
		memcpy(p->name, pi->name, sizeof(p->name));
		p->name[sizeof(p->name) - 1] = '\0';
		pmip_info("port %u %s: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s", pi->port,
			  p->name, p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5],
			  p->mtu, p->link_up ? "up" : "down");
		return;
	}
	case PMIP_EVT_CTL_REJECT:
		link->stats.ctl_rejected++;
		pmip_warn("dp rejected ctl %s seq %u: reason %u",
			  pmip_ctl_type_name(e->u.reject.ctl_type), e->seq, e->u.reject.reason);
		return;
	case PMIP_EVT_ACK:
	case PMIP_EVT_NEIGH_MISS:
		if (link->h.on_event != NULL)
			link->h.on_event(link, e, link->h.arg);
		return;
	default:
		link->stats.evt_unknown++;
		pmip_warn("unknown event type %u from dp", e->type);
		return;
	}
}

unsigned dp_link_poll(struct dp_link *link)
{
	if (!link->attached)
		return 0;
	unsigned handled = 0;
	struct pmip_evt_msg evts[POLL_BURST];
	unsigned n = rte_ring_sc_dequeue_burst_elem(link->shm.ring[PMIP_RING_EVT], evts,
						    sizeof(evts[0]), POLL_BURST, NULL);
	for (unsigned i = 0; i < n && link->attached; i++)
		handle_evt(link, &evts[i]);
	handled += n;

	struct pmip_pkt_msg *pkt = &link->rx_pkt;
	for (unsigned i = 0; i < POLL_BURST && link->attached; i++) {
		if (rte_ring_sc_dequeue_elem(link->shm.ring[PMIP_RING_PUNT], pkt, sizeof(*pkt)) != 0)
			break;
		handled++;
		link->stats.punt_received++;
		if (pkt->len > PMIP_PKT_DATA_MAX || pkt->port >= PMIP_CFG_MAX_PORTS) {
			link->stats.punt_bad++;
			continue;
		}
		if (link->h.on_punt != NULL)
			link->h.on_punt(link, pkt, link->h.arg);
	}
	if (link->attached && link->h.on_poll != NULL)
		link->h.on_poll(link, link->h.arg);
	return handled;
}

static void on_poll(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct dp_link *link = arg;
	if (!link->attached)
		return;
	unsigned n = dp_link_poll(link);
	if (!link->attached)
		return;
	link->poll_ms = n != 0 ? POLL_MIN_MS : (link->poll_ms * 2 > POLL_MAX_MS ? POLL_MAX_MS
										: link->poll_ms * 2);
	evloop_timer_start(loop, t, link->poll_ms);
}

int dp_link_init(struct dp_link *link, struct evloop *loop, const char *shm_name,
		 const struct dp_link_handlers *h)
{
	memset(link, 0, sizeof(*link));
	link->loop = loop;
	snprintf(link->shm_name, sizeof(link->shm_name), "%s", shm_name);
	if (h != NULL)
		link->h = *h;
	link->next_seq = 1;
	evloop_timer_init(&link->watch_timer, on_watch, link);
	evloop_timer_init(&link->poll_timer, on_poll, link);
	try_attach(link);
	return evloop_timer_start(loop, &link->watch_timer, WATCH_MS);
}

void dp_link_close(struct dp_link *link)
{
	evloop_timer_stop(link->loop, &link->watch_timer);
	evloop_timer_stop(link->loop, &link->poll_timer);
	link->h.on_lost = NULL;
	detach(link, "cp is shutting down");
}

int dp_link_send_frame(struct dp_link *link, uint16_t port, const uint8_t *frame, size_t len)
{
	return dp_link_send_frame_sa(link, port, frame, len, 0);
}

int dp_link_send_frame_sa(struct dp_link *link, uint16_t port, const uint8_t *frame, size_t len,
			  uint32_t sa_id)
{
	if (!link->attached || len > PMIP_PKT_DATA_MAX || port >= PMIP_CFG_MAX_PORTS)
		return -1;
	struct pmip_pkt_msg *pkt = &link->tx_pkt;
	pkt->port = port;
	pkt->len = (uint16_t)len;
	pkt->reason = 0;
	pkt->sa_id = sa_id;
	memcpy(pkt->data, frame, len);
	if (rte_ring_sp_enqueue_elem(link->shm.ring[PMIP_RING_TX], pkt, sizeof(*pkt)) != 0) {
		link->stats.tx_ring_full++;
		return -1;
	}
	link->stats.tx_sent++;
	return 0;
}

uint32_t dp_link_send_ctl_quiet(struct dp_link *link, struct pmip_ctl_msg *msg)
{
	if (!link->attached)
		return 0;
	msg->seq = link->next_seq;
	msg->generation = link->generation;
	if (rte_ring_sp_enqueue_elem(link->shm.ring[PMIP_RING_CTL], msg, sizeof(*msg)) != 0) {
		link->stats.ctl_ring_full++;
		return 0;
	}
	link->next_seq++;
	if (link->next_seq == 0)
		link->next_seq = 1;
	link->stats.ctl_sent++;
	return msg->seq;
}

uint32_t dp_link_send_ctl(struct dp_link *link, struct pmip_ctl_msg *msg)
{
	uint32_t seq = dp_link_send_ctl_quiet(link, msg);
	if (seq == 0 && link->attached)
		pmip_warn("ctl ring full: %s not sent", pmip_ctl_type_name(msg->type));
	return seq;
}

void dp_link_log_stats(const struct dp_link *link)
{
	const struct dp_link_stats *s = &link->stats;
	pmip_info("attached %s generation %lu ready %s; attaches %lu hellos_acked %lu ctl_sent %lu ctl_ring_full %lu ctl_rejected %lu evt %lu evt_unknown %lu punt %lu punt_stale %lu punt_bad %lu tx %lu tx_ring_full %lu ring_repairs %lu",
		  link->attached ? "yes" : "no", link->generation, link->ready ? "yes" : "no",
		  s->attaches, s->hellos_acked, s->ctl_sent, s->ctl_ring_full, s->ctl_rejected,
		  s->evt_received, s->evt_unknown, s->punt_received, s->punt_stale, s->punt_bad,
		  s->tx_sent, s->tx_ring_full, s->ring_repairs);
}
