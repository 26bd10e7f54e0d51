/* ctl messages to dp: a FIFO for when the ring is full, and the in-flight
 * list that matches dp's acks (dp answers in order) to their callers. */
#define LOG_MODULE "ctl"
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"

struct cp_ctl_pending {
	struct pmip_ctl_msg msg;
	cp_ack_cb cb;
	void *arg;
};

static int fifo_push(struct cp_ctl_pending **buf, size_t *head, size_t *len, size_t *cap,
		     const struct cp_ctl_pending *p)
{
	if (*len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct cp_ctl_pending *n = malloc(ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		for (size_t i = 0; i < *len; i++)
			n[i] = (*buf)[(*head + i) % *cap];
		free(*buf);
		*buf = n;
		*head = 0;
		*cap = ncap;
	}
	(*buf)[(*head + *len) % *cap] = *p;
	(*len)++;
	return 0;
}

static struct cp_ctl_pending *fifo_front(struct cp_ctl_pending *buf, size_t head, size_t len)
{
	return len ? &buf[head] : NULL;
}

static void fifo_pop(size_t *head, size_t *len, size_t cap)
{
	*head = (*head + 1) % cap;
	(*len)--;
}

int cp_ctl_init(struct cp_ctl_queue *q)
{
	memset(q, 0, sizeof(*q));
	return 0;
}

void cp_ctl_free(struct cp_ctl_queue *q)
{
	free(q->q);
	free(q->fly);
	memset(q, 0, sizeof(*q));
}

void cp_ctl_flush(struct cp_ctx *cp)
{
	struct cp_ctl_queue *q = &cp->ctl;
	while (q->q_len > 0 && cp->link.ready) {
		struct cp_ctl_pending *p = fifo_front(q->q, q->q_head, q->q_len);
		struct pmip_ctl_msg m = p->msg;
		uint32_t seq = dp_link_send_ctl_quiet(&cp->link, &m);
		if (seq == 0)
			return; /* ring full: the next poll retries */
		struct cp_ctl_pending f = { .msg = m, .cb = p->cb, .arg = p->arg };
		if (fifo_push(&q->fly, &q->f_head, &q->f_len, &q->f_cap, &f) != 0)
			pmip_err("out of memory tracking ctl acks");
		fifo_pop(&q->q_head, &q->q_len, q->q_cap);
		q->sent++;
	}
}

void cp_ctl_send(struct cp_ctx *cp, const struct pmip_ctl_msg *m, cp_ack_cb cb, void *arg)
{
	if (!cp->link.ready) {
		/* dp is away: it gets everything again when it is back. */
		if (cb != NULL)
			cb(cp, arg, CP_CTL_LOST);
		return;
	}
	struct cp_ctl_pending p = { .msg = *m, .cb = cb, .arg = arg };
	if (fifo_push(&cp->ctl.q, &cp->ctl.q_head, &cp->ctl.q_len, &cp->ctl.q_cap, &p) != 0) {
		pmip_err("out of memory queueing ctl %s", pmip_ctl_type_name(m->type));
		if (cb != NULL)
			cb(cp, arg, CP_CTL_LOST);
		return;
	}
	cp_ctl_flush(cp);
}

void cp_ctl_on_ack(struct cp_ctx *cp, const struct pmip_evt_msg *e)
{
	struct cp_ctl_queue *q = &cp->ctl;
	/* Acks come in order; an ack that overtakes entries means dp lost
	 * them (evt ring full): answer those LOST. */
	while (q->f_len > 0) {
		struct cp_ctl_pending *f = fifo_front(q->fly, q->f_head, q->f_len);
		int32_t d = (int32_t)(f->msg.seq - e->seq);
		if (d > 0)
			break; /* an ack for something no longer tracked */
		struct cp_ctl_pending done = *f;
		fifo_pop(&q->f_head, &q->f_len, q->f_cap);
		uint16_t status = d == 0 ? e->u.ack.status : CP_CTL_LOST;
		if (d == 0) {
			q->acked++;
			if (status != PMIP_CTL_OK) {
				q->rejected++;
				pmip_warn("dp rejected %s id %u: reason %u",
					  pmip_ctl_type_name(done.msg.type), e->u.ack.id, status);
			}
		} else {
			q->lost++;
		}
		if (done.cb != NULL)
			done.cb(cp, done.arg, status);
		if (d == 0)
			break;
	}
}

void cp_ctl_reset(struct cp_ctx *cp)
{
	struct cp_ctl_queue *q = &cp->ctl;
	while (q->f_len > 0) {
		struct cp_ctl_pending f = *fifo_front(q->fly, q->f_head, q->f_len);
		fifo_pop(&q->f_head, &q->f_len, q->f_cap);
		q->lost++;
		if (f.cb != NULL)
			f.cb(cp, f.arg, CP_CTL_LOST);
	}
	while (q->q_len > 0) {
		struct cp_ctl_pending p = *fifo_front(q->q, q->q_head, q->q_len);
		fifo_pop(&q->q_head, &q->q_len, q->q_cap);
		q->lost++;
		if (p.cb != NULL)
			p.cb(cp, p.arg, CP_CTL_LOST);
	}
}
