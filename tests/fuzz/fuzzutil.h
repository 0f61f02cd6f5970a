/*
 * fuzzutil.h — what the fuzz targets share: the input as a file, a private
 * scratch directory, the instrumented plugins, and a check that aborts (so
 * that libFuzzer saves the input) when a promise of a header is broken.
 *
 * Every target is a libFuzzer target built with clang and the address and
 * undefined-behaviour sanitizers; see tests/fuzz/README.md.
 */
#ifndef DOJOBRIDGE_FUZZUTIL_H
#define DOJOBRIDGE_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Abort with the broken promise and where it is checked, unless the file
 * named by $FUZZ_KNOWN_ISSUES lists it as an open finding (a line
 * "promise <file>: <condition>", <file> without its directory).
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

/*
 * For clang-tidy (make lint) a broken promise ends the run, as it does unless
 * known-issues lists it: the checks after a promise may rely on it.
 */
#ifdef __clang_analyzer__
#define FUZZ_ANALYZER_NORETURN __attribute__((analyzer_noreturn))
#else
#define FUZZ_ANALYZER_NORETURN
#endif

void fuzz_fail(const char *file, int line, const char *what) FUZZ_ANALYZER_NORETURN;

/*
 * A memfd holding exactly data[0..size), offset 0.  The same descriptor is
 * reused by every call of the process: its contents are replaced.
 */
int fuzz_memfd(const uint8_t *data, size_t size);

/*
 * A private directory created on first use (under $TMPDIR, else /dev/shm,
 * else /tmp) and removed with everything in it at exit.  Returns its path;
 * *dirfd (if not NULL) gets an O_DIRECTORY descriptor of it.
 */
const char *fuzz_tmpdir(int *dirfd);

/* Replace dir's file name with data[0..size) (mode 0644); 0 or -1. */
int fuzz_put(int dirfd, const char *name, const uint8_t *data, size_t size);

/* Remove dir's file name if present. */
void fuzz_unlink(int dirfd, const char *name);

/*
 * The directory holding one sub-directory per instrumented plugin
 * (<dir>/<name>/<name>.so): $DOJOBRIDGE_FUZZ_PLUGINS, else obj/plugins
 * beside the bin/ directory of this executable.
 */
const char *fuzz_plugin_root(void);

/* data[0..size) as a NUL-terminated copy (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* 1 if s is valid UTF-8 (the rules of strbuf.h's utf8_seq_len). */
int fuzz_utf8_ok(const char *s);

/* 1 if s is "YYYY-MM-DD", a real calendar date, year 1990..9999. */
int fuzz_is_date(const char *s);

struct import_opts;

/*
 * Check conf.h's promise that every value of o is validated and
 * normalised: each one is accepted again by conf_import_set() and comes
 * back unchanged, and holds no control character.
 */
void fuzz_check_import_opts(const struct import_opts *o);

#endif
