/*
 * manifest.h — the checksum manifest carried on import media: SHA256SUMS at
 * the media's root, in sha256sum's format (or BSD "SHA256 (name) = hex"),
 * optionally with a detached OpenPGP signature (SHA256SUMS.sig, .asc or
 * .gpg) checked with gpgv against a configured keyring.
 *
 * Invariants:
 * - The manifest and its signature are read once, from the media, without
 *   following links, and the signature is checked over exactly the bytes
 *   that were parsed (handed to gpgv through memory, never by name).
 * - gpgv runs with an empty environment (no token can reach it), a private
 *   home directory, and only its status output trusted: a signature counts
 *   when gpgv exits 0 and reports VALIDSIG.
 * - Paths in the manifest are relative, without "." or ".." components;
 *   a line that is not one is an error naming the line.
 */
#ifndef DOJOBRIDGE_MANIFEST_H
#define DOJOBRIDGE_MANIFEST_H

#include <stddef.h>

struct manifest_entry {
	char *path;		/* relative to the media root, "./" removed */
	char sha256[65];	/* lower-case hex */
	int seen;		/* a report or sidecar of the batch matched this line */
	int line;		/* its line in the file */
};

struct manifest {
	struct manifest_entry *v;	/* sorted by path */
	size_t n;
	char *data;		/* the file's bytes, as parsed (and signed) */
	size_t len;
	const char *sig_name;	/* "SHA256SUMS.sig" etc. when a signature is there, else NULL */
	char *sig;
	size_t sig_len;
};

#define MANIFEST_NAME "SHA256SUMS"

/*
 * Read SHA256SUMS (and its signature, if any) from the media root mediafd.
 * 0 when read, 1 when the media has no manifest, -1 with why in err (a
 * parse error names the line).
 */
int manifest_read(int mediafd, struct manifest *m, char *err, size_t errlen);
void manifest_release(struct manifest *m);

/* The entry for path (relative to the media root), or NULL. */
struct manifest_entry *manifest_find(struct manifest *m, const char *path);

/* 1 when name (a basename at the media root) is the manifest or its signature. */
int manifest_is_own_file(const char *name);

/*
 * Check m's signature with gpgv against keyring.  0 when good; -1 with
 * gpgv's own words in err.
 */
int manifest_verify_signature(const struct manifest *m, const char *keyring, char *err, size_t errlen);

#endif
