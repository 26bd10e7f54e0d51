/* The messages of the two strongSwan runs of tests/data/ike/capture.sh
 * (README.md there), by file name under tests/data/ike/: frame n of a run
 * at [n - 1]. Shared by the codec tests (test_ike_msg.c) and the
 * cryptography tests (test_ike_crypto_runs.c). */
#ifndef PMIP_TEST_IKE_CAPTURES_H
#define PMIP_TEST_IKE_CAPTURES_H

#define IKE_CAPTURE_FRAMES 22

extern const char *const ike_capture_psk[IKE_CAPTURE_FRAMES];
extern const char *const ike_capture_cert[IKE_CAPTURE_FRAMES];

#endif
