/* Names of ring message types, for logs and counters. See msg.h. */
#include "msg.h"

#include <stddef.h>
#include <string.h>

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
	[PMIP_CTL_SA_ADD] = "sa_add",
	[PMIP_CTL_SA_DEL] = "sa_del",
};

static const char *const evt_names[PMIP_EVT_TYPE_MAX] = {
	[PMIP_EVT_HELLO_ACK] = "hello_ack",
	[PMIP_EVT_PORT_INFO] = "port_info",
	[PMIP_EVT_CTL_REJECT] = "ctl_reject",
	[PMIP_EVT_ACK] = "ack",
	[PMIP_EVT_NEIGH_MISS] = "neigh_miss",
	[PMIP_EVT_SA_EXPIRE] = "sa_expire",
};

static const char *const punt_names[PMIP_PUNT_REASON_MAX] = {
	[PMIP_PUNT_ECHO_REQUEST] = "echo_request",
	[PMIP_PUNT_NEIGH_ADVERT] = "neigh_advert",
	[PMIP_PUNT_ROUTER_SOLICIT] = "router_solicit",
	[PMIP_PUNT_MOBILITY] = "mobility",
	[PMIP_PUNT_IKE] = "ike",
	[PMIP_PUNT_ECHO_REPLY] = "echo_reply",
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

static const struct pmip_esp_alg_desc esp_algs[] = {
	[PMIP_ESP_AES_GCM_128] = { "aes-gcm-128", 16 + 4, 0, 8, 16, 4,
				   "AES-GCM with 16 octet ICV [RFC4106]", "NULL" },
	[PMIP_ESP_AES_GCM_256] = { "aes-gcm-256", 32 + 4, 0, 8, 16, 4,
				   "AES-GCM with 16 octet ICV [RFC4106]", "NULL" },
	[PMIP_ESP_AES_CBC_128_HMAC_SHA256] = { "aes-cbc-128-hmac-sha256", 16, 32, 16, 16, 16,
					       "AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]" },
	[PMIP_ESP_AES_CBC_256_HMAC_SHA256] = { "aes-cbc-256-hmac-sha256", 32, 32, 16, 16, 16,
					       "AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]" },
};

const struct pmip_esp_alg_desc *pmip_esp_alg_desc(unsigned alg)
{
	if (alg >= sizeof(esp_algs) / sizeof(esp_algs[0]) || esp_algs[alg].name == NULL)
		return NULL;
	return &esp_algs[alg];
}

int pmip_esp_alg_by_name(const char *name)
{
	for (unsigned i = 0; i < sizeof(esp_algs) / sizeof(esp_algs[0]); i++)
		if (esp_algs[i].name != NULL && strcmp(esp_algs[i].name, name) == 0)
			return (int)i;
	return -1;
}
