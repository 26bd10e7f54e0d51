/* Names of ring message types, for logs and counters. See msg.h. */
#include "msg.h"

#include <stddef.h>

#define NAME_OF(table, i) ((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "unknown")

static const char *const ctl_names[PMIP_CTL_TYPE_MAX] = {
	[PMIP_CTL_HELLO] = "hello",
	[PMIP_CTL_NEIGH_SET] = "neigh_set",
	[PMIP_CTL_NEIGH_DEL] = "neigh_del",
	[PMIP_CTL_TUNNEL_SET] = "tunnel_set",
	[PMIP_CTL_TUNNEL_DEL] = "tunnel_del",
	[PMIP_CTL_ROUTE_ADD] = "route_add",
	[PMIP_CTL_ROUTE_DEL] = "route_del",
	[PMIP_CTL_BINDING_SET] = "binding_set",
	[PMIP_CTL_BINDING_DEL] = "binding_del",
};

static const char *const evt_names[PMIP_EVT_TYPE_MAX] = {
	[PMIP_EVT_HELLO_ACK] = "hello_ack",
	[PMIP_EVT_PORT_INFO] = "port_info",
	[PMIP_EVT_CTL_REJECT] = "ctl_reject",
	[PMIP_EVT_ACK] = "ack",
	[PMIP_EVT_NEIGH_MISS] = "neigh_miss",
};

static const char *const punt_names[PMIP_PUNT_REASON_MAX] = {
	[PMIP_PUNT_ECHO_REQUEST] = "echo_request",
	[PMIP_PUNT_NEIGH_ADVERT] = "neigh_advert",
	[PMIP_PUNT_ROUTER_SOLICIT] = "router_solicit",
};

const char *pmip_ctl_type_name(unsigned type)
{
	return NAME_OF(ctl_names, type);
}

const char *pmip_evt_type_name(unsigned type)
{
	return NAME_OF(evt_names, type);
}

const char *pmip_punt_reason_name(unsigned reason)
{
	return NAME_OF(punt_names, reason);
}
