/*
 * The checksum manifest of import media, and its signature.
 */
#include "manifest.h"
#include "log.h"
#include "strbuf.h"
#include "xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST_MAX (64L << 20)	/* a million lines and more; anything bigger is not a manifest */
#define SIGNATURE_MAX (1L << 20)
#define GPGV_DEADLINE_S 60

static const char *const sig_names[] = { "SHA256SUMS.sig", "SHA256SUMS.asc", "SHA256SUMS.gpg" };

int
manifest_is_own_file(const char *name)
{
	if (strcmp(name, MANIFEST_NAME) == 0)
		return 1;
	for (size_t i = 0; i < sizeof sig_names / sizeof sig_names[0]; i++)
		if (strcmp(name, sig_names[i]) == 0)
			return 1;
	return 0;
}

/* Read a whole small file of the media root: 0, 1 absent, -1 with err. */
static int
slurp(int dirfd, const char *name, long max, char **data, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	size_t off = 0;

	*data = NULL;
	*len = 0;
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > max) {
		snprintf(err, errlen, "%s: %s", name, fd < 0 && errno == ELOOP ?
		    "a symbolic link, which dojobridge never follows" : fd < 0 ? strerror(errno) :
		    !S_ISREG(st.st_mode) ? "not a regular file" : "too large to be a manifest");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, *data + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", name, n < 0 ? strerror(errno) : "shrank while read");
			free(*data);
			*data = NULL;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	(*data)[off] = '\0';
	*len = off;
	close(fd);
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct manifest_entry *)a)->path, ((const struct manifest_entry *)b)->path);
}

/* Normalise a manifest path in place: 0, or -1 when it is not a plain relative path. */
static int
clean_path(char *p)
{
	char *s = p;
	size_t n;

	while (s[0] == '.' && s[1] == '/')
		s += 2;
	memmove(p, s, strlen(s) + 1);
	if (p[0] == '\0' || p[0] == '/' || p[strlen(p) - 1] == '/')
		return -1;
	for (s = p; *s; s += n + (s[n] == '/')) {
		n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return -1;
	}
	return 0;
}

/* sha256sum's escaping of names holding a backslash or a newline. */
static int
unescape(char *p)
{
	char *w = p;

	for (; *p; p++) {
		if (*p != '\\') {
			*w++ = *p;
			continue;
		}
		p++;
		if (*p == '\\')
			*w++ = '\\';
		else if (*p == 'n')
			*w++ = '\n';
		else if (*p == 'r')
			*w++ = '\r';
		else
			return -1;
	}
	*w = '\0';
	return 0;
}

static int
parse_line(char *line, char **path, char hex[65])
{
	int escaped = 0;
	size_t n;

	if (strncmp(line, "SHA256 (", 8) == 0) {
		/* BSD style: SHA256 (name) = hex */
		char *end = strstr(line, ") = ");

		if (end == NULL || strlen(end + 4) != 64)
			return -1;
		memcpy(hex, end + 4, 65);
		*end = '\0';
		*path = line + 8;
	} else {
		if (line[0] == '\\') {
			escaped = 1;
			line++;
		}
		if (strlen(line) < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
			return -1;
		memcpy(hex, line, 64);
		hex[64] = '\0';
		*path = line + 66;
		if (escaped && unescape(*path) < 0)
			return -1;
	}
	for (n = 0; n < 64; n++) {
		if (hex[n] >= 'A' && hex[n] <= 'F')
			hex[n] = (char)(hex[n] - 'A' + 'a');
		if (!((hex[n] >= '0' && hex[n] <= '9') || (hex[n] >= 'a' && hex[n] <= 'f')))
			return -1;
	}
	return clean_path(*path);
}

int
manifest_read(int mediafd, struct manifest *m, char *err, size_t errlen)
{
	char *copy, *line, *next;
	size_t cap = 0;
	int rc, lineno = 0;

	memset(m, 0, sizeof *m);
	rc = slurp(mediafd, MANIFEST_NAME, MANIFEST_MAX, &m->data, &m->len, err, errlen);
	if (rc != 0)
		return rc;
	if (memchr(m->data, '\0', m->len) != NULL) {
		snprintf(err, errlen, "%s: holds a NUL byte: not a checksum list", MANIFEST_NAME);
		return -1;
	}
	copy = xstrdup(m->data);
	for (line = copy; line != NULL && *line; line = next) {
		char *path, hex[65];

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (line[0] != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (line[0] == '\0')
			continue;
		if (parse_line(line, &path, hex) < 0) {
			snprintf(err, errlen, "%s:%d: not a line of sha256sum's output (\"HEX  PATH\" with "
			    "a relative path without . or .. parts)", MANIFEST_NAME, lineno);
			free(copy);
			return -1;
		}
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			m->v = xrealloc(m->v, cap * sizeof *m->v);
		}
		m->v[m->n].path = xstrdup(path);
		memcpy(m->v[m->n].sha256, hex, 65);
		m->v[m->n].seen = 0;
		m->v[m->n].line = lineno;
		m->n++;
	}
	free(copy);
	/* Sorted by path: a lookup is a binary search, and a file listed twice sits next to itself. */
	if (m->n > 1)
		qsort(m->v, m->n, sizeof *m->v, by_path);
	for (size_t i = 1; i < m->n; i++)
		if (strcmp(m->v[i - 1].path, m->v[i].path) == 0) {
			snprintf(err, errlen, "%s:%d: lists a file a second time (first on line %d)",
			    MANIFEST_NAME, m->v[i].line > m->v[i - 1].line ? m->v[i].line : m->v[i - 1].line,
			    m->v[i].line < m->v[i - 1].line ? m->v[i].line : m->v[i - 1].line);
			return -1;
		}
	for (size_t i = 0; i < sizeof sig_names / sizeof sig_names[0]; i++) {
		rc = slurp(mediafd, sig_names[i], SIGNATURE_MAX, &m->sig, &m->sig_len, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			m->sig_name = sig_names[i];
			break;
		}
	}
	return 0;
}

void
manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->data);
	free(m->sig);
	memset(m, 0, sizeof *m);
}

struct manifest_entry *
manifest_find(struct manifest *m, const char *path)
{
	struct manifest_entry key = { 0 };

	if (m->n == 0)
		return NULL;
	key.path = (char *)(uintptr_t)path;
	return bsearch(&key, m->v, m->n, sizeof *m->v, by_path);
}

static int
memfd_with(const char *name, const char *data, size_t len)
{
	int fd = memfd_create(name, 0);	/* no MFD_CLOEXEC: gpgv inherits it */
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

int
manifest_verify_signature(const struct manifest *m, const char *keyring, char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	int datafd, sigfd, pipefd[2], status = 0, valid, bad;
	char sigpath[32], kr[4096];
	pid_t pid;
	time_t deadline;

	if (m->sig_name == NULL) {
		snprintf(err, errlen, "%s has no signature beside it (%s.sig, .asc or .gpg)", MANIFEST_NAME,
		    MANIFEST_NAME);
		return -1;
	}
	datafd = memfd_with("manifest", m->data, m->len);
	sigfd = memfd_with("signature", m->sig, m->sig_len);
	if (datafd < 0 || sigfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot run gpgv: %s", strerror(errno));
		if (datafd >= 0)
			close(datafd);
		if (sigfd >= 0)
			close(sigfd);
		return -1;
	}
	snprintf(sigpath, sizeof sigpath, "/dev/fd/%d", 3);
	snprintf(kr, sizeof kr, "%s", keyring);
	pid = fork();
	if (pid == 0) {
		/* An empty environment: the token (DD_API_TOKEN) must never reach another program. */
		char *const envp[] = { "PATH=/usr/bin:/bin:/usr/local/bin", "LC_ALL=C", NULL };
		char *const argv[] = { "gpgv", "--homedir", "/nonexistent", "--status-fd", "1",
			"--keyring", kr, sigpath, "-", NULL };

		if (dup2(datafd, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0 ||
		    (sigfd != 3 && dup2(sigfd, 3) < 0))
			_exit(127);
		execve("/usr/bin/gpgv", argv, envp);
		execve("/bin/gpgv", argv, envp);
		execve("/usr/local/bin/gpgv", argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	close(datafd);
	close(sigfd);
	if (pid < 0) {
		close(pipefd[0]);
		snprintf(err, errlen, "cannot run gpgv: %s", strerror(errno));
		return -1;
	}
	deadline = time(NULL) + GPGV_DEADLINE_S;
	for (;;) {
		struct pollfd p = { pipefd[0], POLLIN, 0 };
		char buf[4096];
		ssize_t n;

		if (poll(&p, 1, 1000) == 0) {
			if (time(NULL) < deadline)
				continue;
			kill(pid, SIGKILL);
			break;
		}
		n = read(pipefd[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out.len < 65536)
			strbuf_add(&out, buf, (size_t)n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	valid = out.buf != NULL && strstr(out.buf, "[GNUPG:] VALIDSIG ") != NULL;
	bad = out.buf != NULL && (strstr(out.buf, "[GNUPG:] BADSIG ") != NULL ||
	    strstr(out.buf, "[GNUPG:] ERRSIG ") != NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && valid && !bad) {
		strbuf_release(&out);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen, "gpgv could not be run (install gpgv)");
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "gpgv did not finish within %d s", GPGV_DEADLINE_S);
	else {
		/* gpgv's own lines (not its status lines) say what was wrong. */
		struct strbuf why = STRBUF_INIT;

		for (char *l = out.buf; l != NULL && *l; ) {
			char *nl = strchr(l, '\n');
			size_t len = nl ? (size_t)(nl - l) : strlen(l);

			if (strncmp(l, "gpgv: ", 6) == 0 && strncmp(l, "gpgv: Signature made", 20) != 0 &&
			    strstr(l, "using ") == NULL) {
				if (why.len)
					strbuf_addstr(&why, "; ");
				strbuf_add(&why, l + 6, len - 6);
			}
			l = nl ? nl + 1 : NULL;
		}
		snprintf(err, errlen, "the signature %s does not verify %s against the keyring %s: %s",
		    m->sig_name, MANIFEST_NAME, keyring, why.len ? why.buf : "gpgv refused it");
		strbuf_release(&why);
	}
	strbuf_release(&out);
	return -1;
}
