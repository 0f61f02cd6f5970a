/*
 * safeopen.h — open a file of an untrusted tree: beneath a directory, never
 * through a symbolic link, and only a regular file.
 *
 * Invariants:
 * - The name is resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 *   | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV) where the kernel has it (5.6
 *   and later), else one folder at a time with O_NOFOLLOW, refusing "..",
 *   absolute names and other file systems alike.  No symbolic link, in the
 *   name or in any folder on its way, is ever followed.
 * - The open itself never blocks and never takes a terminal (O_NONBLOCK,
 *   O_NOCTTY): a FIFO is opened, seen to be one, and closed unread.
 * - Only a regular file is returned, read-only, blocking again, close-on-exec:
 *   everything after reads through that descriptor, never the name again.
 * - A refusal says why in words a person dropping files understands.
 */
#ifndef DOJOBRIDGE_SAFEOPEN_H
#define DOJOBRIDGE_SAFEOPEN_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * Open path (relative, beneath dirfd) for reading and fstat it into st.
 * Returns the descriptor, or -1 with why filled ("it is a symbolic link,
 * which dojobridge never follows", "it is not a regular file (a FIFO)", ...).
 */
int safe_open_beneath(int dirfd, const char *path, struct stat *st, char *why, size_t whylen);

#endif /* DOJOBRIDGE_SAFEOPEN_H */
