/*
 * sha256.h — SHA-256 of a report, for receipts and the import ledger.
 * FIPS 180-4; small enough to keep here rather than pull in a crypto library.
 */
#ifndef DOJOBRIDGE_SHA256_H
#define DOJOBRIDGE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Finish and write 64 lower-case hex digits and a NUL into hex. */
void sha256_hex(struct sha256 *c, char hex[65]);
/* Hash size bytes of fd from offset 0 (pread); 0, or -1 on a read error. */
int sha256_fd(int fd, uint64_t size, char hex[65]);

#endif
