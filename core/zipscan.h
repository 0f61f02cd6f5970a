/*
 * zipscan.h — bounded reads of a ZIP report (XLSX, Fortify's FPR, the zips
 * of SonarQube, Black Duck and Microsoft Defender) through libarchive.
 *
 * Invariants:
 * - Reads go through pread() on the caller's fd: its offset neither matters
 *   nor moves, and the file is never reopened by name.
 * - Only the ZIP format is read, with no filter: a gzip or xz stream is not a
 *   ZIP and is never decompressed here.
 * - Bounded whatever the archive claims: at most ZIPSCAN_MAX_MEMBERS names
 *   are listed, and a member is decompressed only up to the caller's
 *   buffer (at most ZIPSCAN_MAX_READ bytes), so a zip bomb costs nothing.
 */
#ifndef DOJOBRIDGE_ZIPSCAN_H
#define DOJOBRIDGE_ZIPSCAN_H

#include <stddef.h>

#define ZIPSCAN_MAX_MEMBERS	256
#define ZIPSCAN_MAX_READ	(4 * 1024 * 1024)

/*
 * Call fn(arg, name) for each of the first ZIPSCAN_MAX_MEMBERS member names
 * in archive order.  Returns the number of names given, or -1 when fd does
 * not hold a readable ZIP (err says why).
 */
int zipscan_members(int fd, void (*fn)(void *arg, const char *name), void *arg,
    char *err, size_t errlen);

/*
 * Copy the first up to n (capped at ZIPSCAN_MAX_READ) uncompressed bytes of
 * the member called exactly member into buf.  Returns the bytes copied, or
 * -1: no such member, or it cannot be read (err says why).
 */
long zipscan_read(int fd, const char *member, void *buf, size_t n, char *err, size_t errlen);

#endif /* DOJOBRIDGE_ZIPSCAN_H */
