/*
 * The detection worker pool.  The parent side starts workers, hands each a
 * report descriptor over a SOCK_SEQPACKET socket, waits for one answer with
 * a deadline, and turns the answer back into a struct detect_result whose
 * strings point into the parent's own plugins.  The worker side is
 * sandbox_worker_main(): load plugins, lock down, answer until EOF.
 */
#include "sandbox.h"
#include "datefmt.h"
#include "detect.h"
#include "log.h"
#include "scantypes.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif

#define MSG_MAX		(256 * 1024)	/* one answer, candidates included */
#define PROGRESS_LEN	128		/* "probe NAME" or "extract NAME" or "facts" */
#define WORKER_FD_SOCK	3
#define WORKER_FD_PAGE	4
#define WORKER_MAX_JOBS	2000		/* then a fresh worker: bounded leaks, bounded CPU total */

struct worker {
	pid_t pid;
	int sock;
	int err;		/* read end of the worker's stderr, relayed to ours */
	char *page;		/* the worker's progress, shared */
	int busy;
	size_t job;		/* index in the batch while busy */
	struct timespec start;
	unsigned jobs;
	double busy_seconds;	/* wall time spent on reports: bounds its CPU time too */
};

struct sandbox {
	int exe_fd;
	char *plugin_path;
	char *setup;			/* the first message to every worker: [signature] sections */
	struct sandbox_opts o;
	struct worker *w;
	size_t nw;
};

static double
since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

struct sandbox *
sandbox_new(const char *plugin_path, const char *setup, const struct sandbox_opts *o, char *err,
    size_t errlen)
{
	struct sandbox *sb = xcalloc(1, sizeof *sb);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* Opened now: an upgrade that replaces the binary does not mix versions. */
	sb->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (sb->exe_fd < 0) {
		snprintf(err, errlen, "cannot open /proc/self/exe to start detection workers: %s",
		    strerror(errno));
		free(sb);
		return NULL;
	}
	sb->plugin_path = xstrdup(plugin_path);
	sb->setup = xstrdup(setup != NULL ? setup : "[]");
	sb->o = *o;
	if (sb->o.workers <= 0)
		sb->o.workers = cpus > 0 ? (int)(cpus > 64 ? 64 : cpus) : 1;
	if (sb->o.timeout <= 0)
		sb->o.timeout = SANDBOX_DEFAULT_TIMEOUT;
	if (sb->o.memory <= 0)
		sb->o.memory = SANDBOX_DEFAULT_MEMORY;
	sb->nw = (size_t)sb->o.workers;
	sb->w = xcalloc(sb->nw, sizeof *sb->w);
	for (size_t i = 0; i < sb->nw; i++) {
		sb->w[i].pid = -1;
		sb->w[i].sock = -1;
		sb->w[i].err = -1;
	}
	return sb;
}

/*
 * Copy what the worker wrote to stderr to ours.  Through a pipe, because a
 * worker may not write to a file (its file size limit is 0) and ours may be one.
 */
static void
relay(struct worker *w)
{
	char buf[4096];
	ssize_t n;

	while (w->err >= 0 && (n = read(w->err, buf, sizeof buf)) > 0)
		if (write(2, buf, (size_t)n) < 0)
			break;
}

static void
worker_stop(struct worker *w, int kill_it, int *status)
{
	int st = 0;

	if (w->pid > 0) {
		if (kill_it)
			kill(w->pid, SIGKILL);
		else if (w->sock >= 0)
			shutdown(w->sock, SHUT_RDWR);	/* EOF: the worker exits */
		while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (status != NULL)
		*status = st;
	relay(w);
	if (w->err >= 0)
		close(w->err);
	if (w->sock >= 0)
		close(w->sock);
	if (w->page != NULL)
		munmap(w->page, PROGRESS_LEN);
	memset(w, 0, sizeof *w);
	w->pid = -1;
	w->sock = -1;
	w->err = -1;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	for (size_t i = 0; i < sb->nw; i++)
		worker_stop(&sb->w[i], 0, NULL);
	free(sb->w);
	free(sb->plugin_path);
	free(sb->setup);
	if (sb->exe_fd >= 0)
		close(sb->exe_fd);
	free(sb);
}

/* Environment entries a sanitizer build needs to behave the same in a worker. */
static int
passed_env(const char *e)
{
	return strncmp(e, "ASAN_OPTIONS=", 13) == 0 || strncmp(e, "UBSAN_OPTIONS=", 14) == 0 ||
	    strncmp(e, "LSAN_OPTIONS=", 13) == 0;
}

static int
worker_start(struct sandbox *sb, struct worker *w)
{
	extern char **environ;
	int sv[2], ep[2] = { -1, -1 }, page_fd = -1;
	char timeout[16], memory[32], verbosity[8];
	char *argv[] = { "dojobridge", "detect-worker", sb->plugin_path, timeout, memory, verbosity,
		NULL };
	char *envp[8];
	size_t ne = 0;
	pid_t pid;

	for (char **e = environ; e && *e && ne < 6; e++)
		if (passed_env(*e) && strncmp(*e, "ASAN_OPTIONS=", 13) != 0)
			envp[ne++] = *e;
#ifdef SANDBOX_ASAN
	{
		/*
		 * A sanitizer build's worker must fail as a release build's does: a
		 * crash is a signal, not a report and exit 1; no 4 GiB allocation
		 * (RLIMIT_AS is off for the shadow memory); no leak check, whose
		 * threads the seccomp filter forbids.
		 */
		static char asan[1024];
		const char *mine = getenv("ASAN_OPTIONS");

		snprintf(asan, sizeof asan, "ASAN_OPTIONS=%s%shandle_segv=0:handle_sigbus=0:"
		    "handle_abort=0:detect_leaks=0:allocator_may_return_null=1:"
		    "max_allocation_size_mb=%lld", mine ? mine : "", mine && *mine ? ":" : "",
		    sb->o.memory / (1024 * 1024));
		envp[ne++] = asan;
	}
#else
	for (char **e = environ; e && *e && ne < 7; e++)
		if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
			envp[ne++] = *e;
#endif
	envp[ne] = NULL;
	snprintf(timeout, sizeof timeout, "%d", sb->o.timeout);
	snprintf(memory, sizeof memory, "%lld", sb->o.memory);
	snprintf(verbosity, sizeof verbosity, "%d", (int)log_get_verbosity());

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return log_error("detect: socketpair");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		log_warn("detect: pipe");
		goto fail;
	}
	page_fd = memfd_create("dojobridge-progress", MFD_CLOEXEC);
	if (page_fd < 0 || ftruncate(page_fd, PROGRESS_LEN) < 0) {
		log_warn("detect: memfd_create");
		goto fail;
	}
	w->page = mmap(NULL, PROGRESS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
	if (w->page == MAP_FAILED) {
		w->page = NULL;
		log_warn("detect: mmap");
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_warn("detect: fork");
		goto fail;
	}
	if (pid == 0) {
		/* Out of the way first: any of these may sit on 3 or 4 already. */
		int exe = fcntl(sb->exe_fd, F_DUPFD_CLOEXEC, 16);
		int sock = fcntl(sv[1], F_DUPFD_CLOEXEC, 16);
		int pg = fcntl(page_fd, F_DUPFD_CLOEXEC, 16);
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		/* Only the socket, the page and stderr (a pipe to us) cross the exec. */
		if (exe < 0 || sock < 0 || pg < 0 || devnull < 0 || dup2(devnull, 0) < 0 ||
		    dup2(devnull, 1) < 0 || dup2(ep[1], 2) < 0 ||
		    dup2(sock, WORKER_FD_SOCK) != WORKER_FD_SOCK ||
		    dup2(pg, WORKER_FD_PAGE) != WORKER_FD_PAGE)
			_exit(126);
		for (int fd = WORKER_FD_PAGE + 1; fd < 1024; fd++)
			if (fd != exe)
				close(fd);
		fexecve(exe, argv, envp);
		_exit(127);
	}
	close(sv[1]);
	close(page_fd);
	close(ep[1]);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	w->pid = pid;
	w->sock = sv[0];
	w->err = ep[0];
	if (send(w->sock, sb->setup, strlen(sb->setup), MSG_NOSIGNAL) < 0) {
		log_warn("detect: cannot set up a worker");
		worker_stop(w, 1, NULL);
		return -1;
	}
	w->busy = 0;
	w->jobs = 0;
	w->busy_seconds = 0;
	return 0;
fail:
	close(sv[0]);
	close(sv[1]);
	if (ep[0] >= 0) {
		close(ep[0]);
		close(ep[1]);
	}
	if (page_fd >= 0)
		close(page_fd);
	if (w->page != NULL)
		munmap(w->page, PROGRESS_LEN);
	w->page = NULL;
	return -1;
}

static int
send_job(struct worker *w, const struct sandbox_job *j)
{
	struct strbuf sb = STRBUF_INIT;
	struct msghdr mh;
	struct iovec iov;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct cmsghdr *c;
	ssize_t n;

	strbuf_addstr(&sb, "{\"name\":");
	strbuf_add_json(&sb, j->name);
	strbuf_addstr(&sb, ",\"forced\":");
	strbuf_add_json(&sb, j->forced_scan_type);
	strbuf_addstr(&sb, ",\"prefer\":");
	strbuf_add_json(&sb, j->prefer);
	strbuf_addch(&sb, '}');
	memset(&mh, 0, sizeof mh);
	memset(&ctl, 0, sizeof ctl);
	iov.iov_base = sb.buf;
	iov.iov_len = sb.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof ctl.buf;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &j->fd, sizeof(int));
	do
		n = sendmsg(w->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	strbuf_release(&sb);
	return n < 0 ? -1 : 0;
}

/* --- turning a worker's answer into a result --------------------------------- */

static const char *
known_type(const char *name)
{
	for (size_t i = 0; name != NULL && scantypes_all[i] != NULL; i++)
		if (strcmp(scantypes_all[i], name) == 0)
			return scantypes_all[i];
	return NULL;
}

/*
 * The parent's own copy of an upload extension: DefectDojo's list, or one a
 * loaded plugin declares (".ocsf.json").  NULL for anything else, which the
 * result then goes without.
 */
static const char *
known_ext(const struct detect *d, const char *ext)
{
	for (size_t i = 0; ext != NULL && scantypes_upload_exts[i] != NULL; i++)
		if (strcmp(scantypes_upload_exts[i], ext) == 0)
			return scantypes_upload_exts[i];
	for (size_t i = 0; ext != NULL && i < detect_nplugins(d); i++)
		for (const struct dojobridge_scan_type *t = detect_plugin(d, i)->scan_types;
		    t != NULL && t->name != NULL; t++)
			if (t->upload_ext != NULL && strcmp(t->upload_ext, ext) == 0)
				return t->upload_ext;
	return NULL;
}

static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
int_of(const cJSON *o, const char *key, int lo, int hi, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)
		return -1;
	*out = (int)v->valuedouble;
	return 0;
}

static char *
text_of(const cJSON *o, const char *key)
{
	const char *s = str_of(o, key);

	return s != NULL ? xstrndup(s, strnlen(s, 512)) : NULL;
}

/* Fill r from the worker's JSON answer; -1 if anything in it is not what a worker may say. */
static int
read_answer(const struct detect *d, const char *buf, size_t len, struct detect_result *r)
{
	cJSON *o = cJSON_ParseWithLength(buf, len), *cands;
	const char *s;
	int status, kind, prd, score, rc = -1;
	size_t n = 0;

	if (!cJSON_IsObject(o) || int_of(o, "status", 0, DETECT_ERROR, &status) < 0 ||
	    int_of(o, "kind", 0, DOJOBRIDGE_KIND_BINARY, &kind) < 0 ||
	    int_of(o, "parser_reads_dates", -1, 1, &prd) < 0 || int_of(o, "score", 0, 100, &score) < 0)
		goto out;
	r->status = (enum detect_status)status;
	r->kind = (enum dojobridge_kind)kind;
	r->parser_reads_dates = prd;
	r->score = score;
	if ((s = str_of(o, "scan_type")) != NULL && (r->scan_type = known_type(s)) == NULL)
		goto out;
	if ((s = str_of(o, "plugin")) != NULL && (r->plugin = detect_source_name(d, s)) == NULL)
		goto out;
	r->upload_ext = known_ext(d, str_of(o, "upload_ext"));
	if ((s = str_of(o, "scan_date")) != NULL) {
		char norm[11];

		if (datefmt_parse(s, 0, norm) < 0)
			goto out;
		r->scan_date = xstrdup(norm);
	}
	r->target = text_of(o, "target");
	r->tool = text_of(o, "tool");
	r->tool_version = text_of(o, "tool_version");
	r->test_title = text_of(o, "test_title");
	r->findings = text_of(o, "findings");
	snprintf(r->error, sizeof r->error, "%s", (s = str_of(o, "error")) ? s : "");
	cands = cJSON_GetObjectItemCaseSensitive(o, "candidates");
	if (!cJSON_IsArray(cands))
		goto out;
	r->cands = xcalloc((size_t)cJSON_GetArraySize(cands) + 1, sizeof *r->cands);
	for (cJSON *c = cands->child; c != NULL; c = c->next) {
		struct detect_candidate *k = &r->cands[n];
		const char *source = detect_source_name(d, str_of(c, "plugin"));
		int alt, mainstream;

		if (source == NULL || (k->scan_type = known_type(str_of(c, "scan_type"))) == NULL ||
		    int_of(c, "score", 1, 100, &k->score) < 0 || int_of(c, "alt", 0, 1, &alt) < 0 ||
		    int_of(c, "mainstream", 0, 1, &mainstream) < 0)
			goto out;
		k->upload_ext = known_ext(d, str_of(c, "upload_ext"));
		k->plugin = source;
		k->alternative = alt;
		k->mainstream = mainstream;
		n++;
	}
	r->ncands = n;
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}

static void
fail_result(struct detect_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail_result(struct detect_result *r, const char *fmt, ...)
{
	va_list ap;

	int plugin_failed = r->plugin_failed;

	detect_result_release(r);
	r->status = DETECT_ERROR;
	r->parser_reads_dates = -1;
	r->plugin_failed = plugin_failed;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
}

/* Who was running when the worker died: "plugin NAME", or the host's own reader. */
static void
culprit(const struct worker *w, char *out, size_t outlen)
{
	char page[PROGRESS_LEN];
	const char *name;

	memcpy(page, w->page, sizeof page);
	page[sizeof page - 1] = '\0';
	for (char *p = page; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	if (strncmp(page, "probe ", 6) == 0 || strncmp(page, "extract ", 8) == 0) {
		name = strchr(page, ' ') + 1;
		snprintf(out, outlen, "plugin %s", name);
	} else if (strcmp(page, "facts") == 0) {
		snprintf(out, outlen, "the file reader");
	} else {
		snprintf(out, outlen, "detection");
	}
}

static void
worker_failed(struct sandbox *sb, struct worker *w, struct detect_result *r, int timed_out,
    const char *why)
{
	char who[PROGRESS_LEN + 16];
	int st;

	culprit(w, who, sizeof who);
	worker_stop(w, 1, &st);
	r->plugin_failed = 1;
	if (timed_out)
		fail_result(r, "%s took longer than %d s on this file", who, sb->o.timeout);
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
		fail_result(r, "%s used up the worker's CPU time on this file (SIGXCPU)", who);
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		fail_result(r, "%s made a system call the sandbox forbids on this file (SIGSYS)", who);
	else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fail_result(r, "%s crashed on this file (SIG%s)", who, sigabbrev_np(WTERMSIG(st)) ?
		    sigabbrev_np(WTERMSIG(st)) : "?");
	else if (why != NULL)
		fail_result(r, "the detection worker %s", why);
	else
		fail_result(r, "%s: the detection worker exited on this file (status %d)", who,
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void
finish(struct sandbox *sb, const struct detect *d, struct worker *w, struct sandbox_job *j)
{
	char *buf = xmalloc(MSG_MAX);
	ssize_t n;

	do
		n = recv(w->sock, buf, MSG_MAX, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	w->busy = 0;
	w->busy_seconds += since(&w->start);
	w->jobs++;
	if (n <= 0) {
		worker_failed(sb, w, j->r, 0, NULL);
	} else if (n > MSG_MAX || read_answer(d, buf, (size_t)n, j->r) < 0) {
		log_debug("detect: worker answer: %.*s", (int)(n > 2000 ? 2000 : n), buf);
		worker_failed(sb, w, j->r, 0, "gave an answer that is not one (killed)");
	} else if (w->jobs >= WORKER_MAX_JOBS || w->busy_seconds > 2.0 * sb->o.timeout) {
		/* Its CPU limit is for its whole life: retire it well before. */
		worker_stop(w, 0, NULL);
	}
	free(buf);
}

void
sandbox_run(struct sandbox *sb, const struct detect *d, struct sandbox_job *jobs, size_t n)
{
	struct pollfd *pfd = xcalloc(sb->nw, sizeof *pfd);
	size_t next = 0, done = 0;

	for (size_t i = 0; i < n; i++)
		memset(jobs[i].r, 0, sizeof *jobs[i].r);
	while (done < n) {
		size_t busy = 0;
		int wait_ms = -1;

		/* Hand out jobs to idle workers. */
		for (size_t i = 0; i < sb->nw && next < n; i++) {
			struct worker *w = &sb->w[i];

			if (w->busy)
				continue;
			if (w->pid < 0 && worker_start(sb, w) < 0) {
				fail_result(jobs[next].r, "cannot start a detection worker");
				next++, done++;
				continue;
			}
			memset(w->page, 0, PROGRESS_LEN);
			if (send_job(w, &jobs[next]) < 0) {
				worker_failed(sb, w, jobs[next].r, 0, "could not be given the file");
				next++, done++;
				continue;
			}
			w->busy = 1;
			w->job = next++;
			clock_gettime(CLOCK_MONOTONIC, &w->start);
		}
		for (size_t i = 0; i < sb->nw; i++) {
			struct worker *w = &sb->w[i];

			pfd[i].fd = w->busy ? w->sock : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (w->busy) {
				int left = (int)((sb->o.timeout - since(&w->start)) * 1000) + 1;

				busy++;
				if (left < 1)
					left = 0;
				if (wait_ms < 0 || left < wait_ms)
					wait_ms = left;
			}
		}
		if (busy == 0)
			continue;
		if (poll(pfd, sb->nw, wait_ms) < 0 && errno != EINTR) {
			log_warn("detect: poll");
			continue;
		}
		for (size_t i = 0; i < sb->nw; i++)
			relay(&sb->w[i]);
		for (size_t i = 0; i < sb->nw; i++) {
			struct worker *w = &sb->w[i];

			if (!w->busy)
				continue;
			if (pfd[i].revents != 0) {
				finish(sb, d, w, &jobs[w->job]);
				done++;
			} else if (since(&w->start) >= sb->o.timeout) {
				w->busy = 0;
				worker_failed(sb, w, jobs[w->job].r, 1, NULL);
				done++;
			}
		}
	}
	free(pfd);
}

/* --- the worker -------------------------------------------------------------- */

static int
lock_down(int timeout, long long memory)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(readv), SCMP_SYS(lseek),
		SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(close),
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
		SCMP_SYS(fcntl), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(tgkill), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
		SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(sched_yield), SCMP_SYS(getcwd),
#ifdef SANDBOX_ASAN
		/* A sanitizer reports from inside the worker (its leak check is off there). */
		SCMP_SYS(readlink), SCMP_SYS(sigaltstack), SCMP_SYS(prctl), SCMP_SYS(getppid),
		SCMP_SYS(sched_getaffinity),
		SCMP_SYS(mmap), SCMP_SYS(mprotect), SCMP_SYS(getdents64), SCMP_SYS(write),
#endif
	};
	struct rlimit cpu = { (rlim_t)timeout * 4 + 5, (rlim_t)timeout * 4 + 6 };
	struct rlimit zero = { 0, 0 }, files = { 16, 16 };
	struct rlimit as = { (rlim_t)memory, (rlim_t)memory };
	scmp_filter_ctx ctx;
	int rc = 0;

	if (setrlimit(RLIMIT_CPU, &cpu) < 0 || setrlimit(RLIMIT_FSIZE, &zero) < 0 ||
	    setrlimit(RLIMIT_NPROC, &zero) < 0 || setrlimit(RLIMIT_CORE, &zero) < 0 ||
	    setrlimit(RLIMIT_NOFILE, &files) < 0)
		return log_error("detect-worker: setrlimit");
#ifndef SANDBOX_ASAN
	/* A sanitizer's shadow memory needs terabytes of address space. */
	if (setrlimit(RLIMIT_AS, &as) < 0)
		return log_error("detect-worker: setrlimit");
#else
	(void)as;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return log_error("detect-worker: prctl");
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return log_errorx("detect-worker: seccomp_init failed");
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
#ifndef SANDBOX_ASAN
	/* Memory, but never executable memory: no code comes in after the plugins. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Writes go to stderr (logs) and the parent's socket only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
	    SCMP_A0(SCMP_CMP_EQ, WORKER_FD_SOCK));
#endif
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1, SCMP_A0(SCMP_CMP_EQ, 2));
	/* Asking is harmless; the answer is no. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 0);
	if (rc != 0 || seccomp_load(ctx) != 0) {
		seccomp_release(ctx);
		return log_errorx("detect-worker: cannot load the seccomp filter");
	}
	seccomp_release(ctx);
	return 0;
}

static int
receive_job(char *buf, size_t buflen, size_t *len, int *fd)
{
	struct msghdr mh;
	struct iovec iov = { buf, buflen - 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct cmsghdr *c;
	ssize_t n;

	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof ctl.buf;
	do
		n = recvmsg(WORKER_FD_SOCK, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	*fd = -1;
	c = CMSG_FIRSTHDR(&mh);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(fd, CMSG_DATA(c), sizeof(int));
	*len = (size_t)n;
	buf[n] = '\0';
	return 0;
}

static void
answer(const struct detect_result *r, struct strbuf *sb)
{
	strbuf_addf(sb, "{\"status\":%d,\"kind\":%d,\"parser_reads_dates\":%d,\"score\":%d",
	    (int)r->status, (int)r->kind, r->parser_reads_dates, r->score);
#define S(k, v) do { strbuf_addstr(sb, ",\"" k "\":"); strbuf_add_json(sb, v); } while (0)
	S("scan_type", r->scan_type);
	S("plugin", r->plugin);
	S("upload_ext", r->upload_ext);
	S("scan_date", r->scan_date);
	S("target", r->target);
	S("tool", r->tool);
	S("tool_version", r->tool_version);
	S("test_title", r->test_title);
	S("findings", r->findings);
	S("error", r->error);
	strbuf_addstr(sb, ",\"candidates\":[");
	for (size_t i = 0; i < r->ncands; i++) {
		const struct detect_candidate *c = &r->cands[i];

		strbuf_addf(sb, "%s{\"score\":%d,\"alt\":%d,\"mainstream\":%d", i ? "," : "",
		    c->score, c->alternative, c->mainstream);
		S("scan_type", c->scan_type);
		S("plugin", c->plugin);
		S("upload_ext", c->upload_ext);
		strbuf_addch(sb, '}');
	}
#undef S
	strbuf_addstr(sb, "]}");
}

/* A decimal from 0 to max as the parent wrote it, else -1. */
static long long
number(const char *s, long long max)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	return *s >= '0' && *s <= '9' && *end == '\0' && errno == 0 && n <= max ? n : -1;
}

int
sandbox_worker_main(int argc, char **argv)
{
	struct detect *d;
	char *page, *req;
	iconv_t cd;
	int refused, timeout, fd;
	long long memory, verbosity;

	if (argc != 5 || (timeout = (int)number(argv[2], 3600)) <= 0 ||
	    (memory = number(argv[3], LLONG_MAX)) <= 0 || (verbosity = number(argv[4], 3)) < 0)
		return log_errorx("detect-worker: started by hand? it is started by dojobridge itself");
	log_set_verbosity((enum log_level)verbosity);
	page = mmap(NULL, PROGRESS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, WORKER_FD_PAGE, 0);
	if (page == MAP_FAILED)
		return log_error("detect-worker: mmap");
	close(WORKER_FD_PAGE);
	/* The parent loaded the same plugins and said what it refused: once is enough. */
	log_set_verbosity(LOG_LEVEL_SILENT);
	d = detect_load(argv[1], &refused);
	log_set_verbosity((enum log_level)verbosity);
	detect_set_progress(d, page, PROGRESS_LEN);
	/* What later calls would open files for, loaded while opening is allowed. */
	tzset();
	cd = iconv_open("UTF-8", "CP437");
	/* libxml2 asks for the directory to resolve names: let it be nothing of the drop's. */
	if (chdir("/") < 0)
		return log_error("detect-worker: chdir /");
	if (lock_down(timeout, memory) < 0)
		return 1;
	req = xmalloc(64 * 1024);
	{
		ssize_t n;

		do
			n = recv(WORKER_FD_SOCK, req, 64 * 1024 - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return 0;
		req[n] = '\0';
		if (detect_signatures_from_json(d, req) < 0)
			return log_errorx("detect-worker: the set-up message is not one");
	}
	for (;;) {
		struct detect_result r;
		struct strbuf out = STRBUF_INIT;
		size_t len;
		cJSON *o;

		if (receive_job(req, 64 * 1024, &len, &fd) < 0)
			break;
		o = cJSON_ParseWithLength(req, len);
		detect_file(d, fd, str_of(o, "name"), str_of(o, "forced"), str_of(o, "prefer"), &r);
		close(fd);
		cJSON_Delete(o);
		memcpy(page, "answer", 7);
		answer(&r, &out);
		if (out.len > MSG_MAX) {
			/* Too many candidates to say: keep the verdict, drop the list. */
			detect_result_release(&r);
			r.status = DETECT_ERROR;
			snprintf(r.error, sizeof r.error, "the detection answer was too long");
			strbuf_reset(&out);
			answer(&r, &out);
		}
		if (send(WORKER_FD_SOCK, out.buf, out.len, MSG_NOSIGNAL) < 0)
			break;
		strbuf_release(&out);
		detect_result_release(&r);
	}
	free(req);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	detect_free(d);
	return 0;
}
