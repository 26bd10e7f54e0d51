/* See ike_captures.h. */
#include "ike_captures.h"

const char *const ike_capture_psk[IKE_CAPTURE_FRAMES] = {
	"psk_01_init_req", "psk_02_init_resp", "psk_03_init_req", "psk_04_init_resp",
	"psk_05_init_req", "psk_06_init_resp", "psk_07_auth_req", "psk_08_auth_resp",
	"psk_09_info_req", "psk_10_info_resp", "psk_11_child_req", "psk_12_child_resp",
	"psk_13_info_req", "psk_14_info_resp", "psk_15_child_req", "psk_16_child_resp",
	"psk_17_info_req", "psk_18_info_resp", "psk_19_info_req", "psk_20_info_resp",
	"psk_21_info_req", "psk_22_info_resp",
};
const char *const ike_capture_cert[IKE_CAPTURE_FRAMES] = {
	"cert_01_init_req", "cert_02_init_resp", "cert_03_init_req", "cert_04_init_resp",
	"cert_05_auth_req", "cert_06_auth_resp", "cert_07_info_req", "cert_08_info_resp",
	"cert_09_child_req", "cert_10_child_resp", "cert_11_info_req", "cert_12_info_resp",
	"cert_13_info_req", "cert_14_info_resp", "cert_15_child_req", "cert_16_child_resp",
	"cert_17_info_req", "cert_18_info_resp", "cert_19_info_req", "cert_20_info_resp",
	"cert_21_info_req", "cert_22_info_resp",
};
