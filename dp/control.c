/* Main lcore: drains the ctl ring (cp -> dp), answers on the evt ring, beats
 * the segment heartbeat and watches cp come and go. The only writer of the
 * data-plane tables: ctl handlers that change tables run here, never on a
 * worker. Sleeps 1 ms when there is nothing to do: control latency, not
 * packet latency. */
#define LOG_MODULE "control"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"
#include "log.h"
#include "msg.h"

/* ctl messages applied between two grace periods; the SA table keeps
 * headroom for that many retired SPIs (sa.h). */
#define CTL_BURST DP_SA_CTL_BURST
#define MAIN_IDLE_NS 1000000L
#define CP_CHECK_NS 1000000000ULL

static void evt_send(struct pmip_evt_msg *e)
{
	e->generation = dp.generation;
	if (rte_ring_mp_enqueue_elem(dp.shm.ring[PMIP_RING_EVT], e, sizeof(*e)) != 0)
		__atomic_fetch_add(&dp.evt_ring_full, 1, __ATOMIC_RELAXED);
}

static void ctl_reject(const struct pmip_ctl_msg *m, enum pmip_ctl_reject_reason reason)
{
	struct pmip_evt_msg e = { .type = PMIP_EVT_CTL_REJECT, .seq = m->seq };
	e.u.reject.ctl_type = m->type;
	e.u.reject.reason = (uint16_t)reason;
	__atomic_fetch_add(&dp.ctl_rejected, 1, __ATOMIC_RELAXED);
	pmip_warn("rejected ctl message type %u (%s) seq %u: reason %u", m->type,
		  pmip_ctl_type_name(m->type), m->seq, reason);
	evt_send(&e);
}

/* A pmip-cp other than the one that installed the ESP SAs has none of
 * their keys nor the IKE SAs behind them (it negotiates anew, with SA ids
 * of its own): the SAs of its predecessor go. So do the bindings: the new
 * cp's binding cache (update list) starts empty and fills again as MAGs
 * and MNs re-register (RFC 5847 5.3: a restarted peer has lost its
 * bindings), with ids of its own that must not meet stale entries holding
 * the same keys. Tunnels, neighbours and routes stay: cp pushes its own
 * over them. (A cp that only reconnects, same pid and start time, keeps
 * everything: it still has the state.) */
static void flush_orphans(const struct pmip_ctl_hello *h)
{
	static int32_t last_pid;
	static uint64_t last_start_ns;
	bool other = last_pid != 0 && (h->cp_pid != last_pid || h->cp_start_ns != last_start_ns);
	last_pid = h->cp_pid;
	last_start_ns = h->cp_start_ns;
	if (!other)
		return;
	unsigned n = 0, nb = 0;
	for (uint32_t id = 1; id < dp.sas.max && dp.sas.count > 0; id++) {
		if (dp_sa_get(&dp.sas, id) == NULL)
			continue;
		struct pmip_ctl_msg del = { .type = PMIP_CTL_SA_DEL };
		del.u.sa.id = id;
		if (dp_sa_apply(&dp.sas, &del) == PMIP_CTL_OK)
			n++;
		if (n % 32 == 0)
			dp_sa_synchronize(&dp.sas); /* room for the retired ones */
	}
	dp_sa_synchronize(&dp.sas);
	for (uint32_t id = 0; id < dp.tables.max_bindings && dp.tables.n_bindings > 0; id++) {
		if (!dp.tables.bindings[id].in_use)
			continue;
		struct pmip_ctl_msg del = { .type = PMIP_CTL_BINDING_DEL };
		del.u.binding.id = id;
		if (dp_tables_apply(&dp.tables, &del) == PMIP_CTL_OK)
			nb++;
		if (nb % 256 == 0)
			dp_tables_synchronize(&dp.tables);
	}
	dp_tables_synchronize(&dp.tables);
	if (n + nb > 0)
		pmip_notice("new pmip-cp: %u ESP SAs and %u bindings of its predecessor removed", n,
			    nb);
}

static void ctl_hello(const struct pmip_ctl_msg *m)
{
	pmip_notice("hello from pmip-cp pid %d", m->u.hello.cp_pid);
	flush_orphans(&m->u.hello);
	struct pmip_evt_msg e = { .type = PMIP_EVT_HELLO_ACK, .seq = m->seq };
	e.u.hello_ack.generation = dp.generation;
	e.u.hello_ack.dp_pid = (int32_t)getpid();
	e.u.hello_ack.n_ports = (uint16_t)dp.n_ports;
	e.u.hello_ack.n_workers = (uint16_t)dp.n_workers;
	evt_send(&e);
	for (unsigned i = 0; i < dp.n_ports; i++) {
		const struct dp_port *p = &dp.ports[i];
		struct pmip_evt_msg pi = { .type = PMIP_EVT_PORT_INFO, .seq = m->seq };
		pi.u.port_info.port = p->index;
		pi.u.port_info.dpdk_port_id = p->port_id;
		pi.u.port_info.kind = (uint8_t)p->kind;
		pi.u.port_info.link_up = p->link_up;
		memcpy(pi.u.port_info.mac, p->mac, 6);
		pi.u.port_info.mtu = p->mtu;
		snprintf(pi.u.port_info.name, sizeof(pi.u.port_info.name), "%s", p->name);
		evt_send(&pi);
	}
}

/* The id a forwarding-state message names, for its ack. */
static uint32_t ctl_id(const struct pmip_ctl_msg *m)
{
	switch (m->type) {
	case PMIP_CTL_NEIGH_SET:
	case PMIP_CTL_NEIGH_DEL:
		return m->u.neigh.id;
	case PMIP_CTL_TUNNEL_SET:
	case PMIP_CTL_TUNNEL_DEL:
		return m->u.tunnel.id;
	case PMIP_CTL_BINDING_SET:
	case PMIP_CTL_BINDING_DEL:
		return m->u.binding.id;
	case PMIP_CTL_SA_ADD:
	case PMIP_CTL_SA_DEL:
		return m->u.sa.id;
	default:
		return 0;
	}
}

/* Acks wait for the grace period that follows their burst. */
static struct pmip_evt_msg pending_acks[CTL_BURST];
static unsigned n_pending_acks;

static void ctl_apply(const struct pmip_ctl_msg *m)
{
	if (m->generation != dp.generation) {
		ctl_reject(m, PMIP_CTL_REJECT_STALE_GENERATION);
		return;
	}
	if (m->type == PMIP_CTL_HELLO) {
		ctl_hello(m);
		__atomic_fetch_add(&dp.ctl_msgs, 1, __ATOMIC_RELAXED);
		return;
	}
	int status = m->type == PMIP_CTL_SA_ADD || m->type == PMIP_CTL_SA_DEL
			     ? dp_sa_apply(&dp.sas, m)
			     : dp_tables_apply(&dp.tables, m);
	if (status == PMIP_CTL_REJECT_UNKNOWN_TYPE) {
		ctl_reject(m, PMIP_CTL_REJECT_UNKNOWN_TYPE);
		return;
	}
	if (status != PMIP_CTL_OK) {
		__atomic_fetch_add(&dp.ctl_rejected, 1, __ATOMIC_RELAXED);
		pmip_warn("ctl %s id %u seq %u rejected: reason %d", pmip_ctl_type_name(m->type),
			  ctl_id(m), m->seq, status);
	} else {
		__atomic_fetch_add(&dp.ctl_msgs, 1, __ATOMIC_RELAXED);
	}
	struct pmip_evt_msg *a = &pending_acks[n_pending_acks++];
	*a = (struct pmip_evt_msg){ .type = PMIP_EVT_ACK, .seq = m->seq };
	a->u.ack.ctl_type = m->type;
	a->u.ack.status = (uint16_t)status;
	a->u.ack.id = ctl_id(m);
}

/* After a burst: grace period (frees what was replaced, and makes sure no
 * worker still uses it), then the acks. */
static void ctl_burst_done(void)
{
	dp_tables_synchronize(&dp.tables);
	dp_sa_synchronize(&dp.sas);
	for (unsigned i = 0; i < n_pending_acks; i++)
		evt_send(&pending_acks[i]);
	n_pending_acks = 0;
}

/* Log cp attaching, detaching or dying: an operator wants to know why the
 * gateway stopped answering control traffic. */
static void watch_cp(uint64_t now_ns)
{
	static uint64_t next_check;
	int32_t pid = __atomic_load_n(&dp.shm.hdr->cp_pid, __ATOMIC_ACQUIRE);
	if (pid != dp.last_cp_pid) {
		if (pid != 0)
			pmip_notice("pmip-cp pid %d attached (attach #%u)", pid,
				    dp.shm.hdr->cp_attach_count);
		else
			pmip_notice("pmip-cp pid %d detached", dp.last_cp_pid);
		dp.last_cp_pid = pid;
	}
	if (pid != 0 && now_ns >= next_check) {
		next_check = now_ns + CP_CHECK_NS;
		if (kill(pid, 0) != 0 && errno == ESRCH) {
			pmip_warn("pmip-cp pid %d is gone without detaching; forwarding continues, control packets queue on the punt ring until a cp attaches",
				  pid);
			__atomic_compare_exchange_n(&dp.shm.hdr->cp_pid, &pid, 0, false,
						    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
			dp.last_cp_pid = 0;
		}
	}
}

void dp_main_loop(void)
{
	struct pmip_ctl_msg msgs[CTL_BURST];
	struct rte_ring *ctl = dp.shm.ring[PMIP_RING_CTL];

	while (!__atomic_load_n(&dp.quit, __ATOMIC_RELAXED)) {
		unsigned n = rte_ring_sc_dequeue_burst_elem(ctl, msgs, sizeof(msgs[0]), CTL_BURST,
							    NULL);
		for (unsigned i = 0; i < n; i++)
			ctl_apply(&msgs[i]);
		if (n != 0)
			ctl_burst_done();
		pmip_shm_heartbeat(&dp.shm);
		dp_sa_scan(&dp.sas, rte_get_tsc_cycles());
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		watch_cp((uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec);
		if (n == 0) {
			struct timespec ts = { .tv_sec = 0, .tv_nsec = MAIN_IDLE_NS };
			nanosleep(&ts, NULL);
		}
	}
}
