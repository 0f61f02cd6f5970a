/*
 * dojobridge's command line: parse the global options, then hand over to
 * one command.  Every command's behaviour lives in its module; this file
 * only wires configuration, plugins and output together.
 */
#include "conf.h"
#include "daemon.h"
#include "detect.h"
#include "dojo.h"
#include "intake.h"
#include "log.h"
#include "once.h"
#include "report.h"
#include "route.h"
#include "scantypes.h"
#include "status.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DOJOBRIDGE_VERSION
#define DOJOBRIDGE_VERSION "0.1.0"
#endif

static const char usage_text[] =
"usage: dojobridge [-c CONFDIR] [--plugin-dir DIR] [-v | -q] COMMAND [ARGS]\n"
"\n"
"Turn drop folders of scanner reports into DefectDojo imports.\n"
"\n"
"Commands:\n"
"  watch                      the daemon: watch every drop root and import each report\n"
"                             as it is finished; runs in the foreground until SIGTERM\n"
"                             (SIGHUP reloads the configuration)\n"
"  once [--json]              import every ready report of every drop root, then exit\n"
"                             (exit 0 all imported, 1 some failed, 2 usage or\n"
"                             configuration error, 3 some left queued: server\n"
"                             unreachable or token refused)\n"
"  once --from DIR [--drop NAME] [--layout LAYOUT] [--label LABEL] [--force]\n"
"       [--allow-unlisted] [--dry-run] [--json]\n"
"                             import a tree laid out like a drop root (read-only media)\n"
"                             without changing it: each report is copied into the\n"
"                             drop's spool, checked against DIR/SHA256SUMS (and its\n"
"                             signature, [media] keyring), then imported; bytes already\n"
"                             imported into the same test are skipped (--force imports\n"
"                             them); --dry-run checks and plans, contacting nobody\n"
"  runs [--drop NAME] [--json] [RUN]\n"
"                             list the recorded --from runs, or show one\n"
"  detect [--json | --explain] [--no-sandbox] [--workers N] [--timeout S] FILE...\n"
"                             say which DefectDojo scan type each file is, offline;\n"
"                             plugins run in N sandboxed workers (default one per\n"
"                             CPU), S seconds at most per file (default 10)\n"
"                             (exit 0 when every file was recognised, 1 otherwise)\n"
"  plan [--json] PATH...      show the exact request each report under PATH would be\n"
"                             sent with, offline (PATH inside a drop root)\n"
"  check                      check the configuration, the token, the server's version\n"
"                             and that it knows every plugin's scan types\n"
"  plugins [--json]           list the loaded plugins and their scan types\n"
"  status [--json]            jobs per state in each drop's spool, and what each daemon\n"
"                             says: running, paused (and why), last error\n"
"                             (exit 1 when uploads are paused or a spool is unreadable)\n"
"  retry [--drop NAME] JOB... | --failed\n"
"                             queue failed jobs again (the daemon takes them at once)\n"
"  report apply [--dry-run] [--refresh-schema] SPEC\n"
"                             make DefectDojo's Report Builder themes, blocks and\n"
"                             templates what SPEC (INI or JSON) says\n"
"  report run [--format pdf|html] [--out DIR] [--timeout SECONDS] TEMPLATE\n"
"                             generate a report from TEMPLATE (name or id), save it in\n"
"                             DIR; exit statuses as once (see dojobridge-report(8))\n"
"  help                       this text\n"
"\n"
"Options:\n"
"  -c, --config DIR           read DIR/*.conf (default " SYSCONFDIR "/dojobridge/conf.d)\n"
"      --plugin-dir DIR       load plugins from DIR (':'-separated list allowed); default\n"
"                             $DOJOBRIDGE_PLUGIN_PATH, else the build tree's plugins/\n"
"                             when run from it, else " PLUGINDIR "\n"
"  -v, --verbose              also log debug messages\n"
"  -q, --quiet                log only warnings and errors\n"
"  -h, --help                 this text\n"
"  -V, --version              print the version\n"
"\n"
"The API token is read from [dojo] token_file or the environment variable named\n"
"by token_env (default DD_API_TOKEN); never pass it on the command line.\n"
"See dojobridge(8) and dojobridge.conf(5).\n";

struct globals {
	const char *confdir;
	const char *plugin_path;
	char exe_dir[PATH_MAX];
	int verbosity_set;	/* -v or -q given */
	int confdir_set;	/* -c given */
};

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "dojobridge: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'dojobridge --help'.\n");
	return 2;
}

static struct detect *
load_plugins(const struct globals *g, int *refused)
{
	const char *path = g->plugin_path ? g->plugin_path : detect_default_path(g->exe_dir);
	struct detect *d = detect_load(path, refused);

	if (detect_nplugins(d) == 0)
		log_warnx("plugins: none loaded from %s", path);
	return d;
}

static int
load_conf(const struct globals *g, struct conf *c)
{
	return intake_load_conf(c, g->confdir);
}

static const char *
kind_name(enum dojobridge_kind k)
{
	static const char *const names[] = { "empty", "XML", "JSON", "JSON lines", "CSV", "HTML",
		"ZIP", "text", "binary" };

	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static void
explain(const struct detect *d, const struct detect_result *r, const char *file,
    const char *upload_name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_escaped(&sb, file);
	printf("%s: %s", sb.buf, detect_status_name(r->status));
	if (r->scan_type)
		printf(": %s (plugin %s, score %d)", r->scan_type, r->plugin ? r->plugin : "none", r->score);
	printf("\n  content: %s\n  scores:\n", kind_name(r->kind));
	for (size_t i = 0; i < detect_nplugins(d); i++) {
		const struct dojobridge_plugin *p = detect_plugin(d, i);
		int shown = 0;

		for (size_t k = 0; k < r->ncands; k++)
			if (strcmp(r->cands[k].plugin, p->name) == 0) {
				printf("    %3d  %-12s %s\n", r->cands[k].score, p->name, r->cands[k].scan_type);
				shown = 1;
			}
		if (!shown)
			printf("    %3d  %-12s\n", 0, p->name);
	}
#define SHOW(label, v) do { if (v) { strbuf_reset(&sb); strbuf_add_escaped(&sb, v); \
	printf("  %s: %s\n", label, sb.buf); } } while (0)
	SHOW("scan date", r->scan_date);
	SHOW("target", r->target);
	SHOW("tool", r->tool);
	SHOW("tool version", r->tool_version);
	SHOW("suggested test title", r->test_title);
	SHOW("upload as", upload_name);
#undef SHOW
	if (r->parser_reads_dates >= 0)
		printf("  DefectDojo's parser reads finding dates from the file: %s\n",
		    r->parser_reads_dates ? "yes" : "no");
	if (r->error[0]) {
		strbuf_reset(&sb);
		strbuf_add_escaped(&sb, r->error);
		printf("  why: %s\n", sb.buf);
	}
	strbuf_release(&sb);
}

/* One file of a detect run: opened (or refused) before its batch is detected. */
struct detect_arg {
	const char *path, *base;
	int fd;
	struct detect_result r;
};

static void
detect_open(struct detect_arg *a, const char *path)
{
	struct stat st;

	memset(a, 0, sizeof *a);
	a->path = path;
	a->base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	a->fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (a->fd < 0 || fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		a->r.status = DETECT_ERROR;
		a->r.parser_reads_dates = -1;
		snprintf(a->r.error, sizeof a->r.error, "%s", a->fd < 0 ? (errno == ELOOP ?
		    "a symbolic link, which dojobridge never follows" : strerror(errno)) :
		    "not a regular file");
		if (a->fd >= 0)
			close(a->fd);
		a->fd = -1;
	}
}

static void
detect_print(const struct detect *d, struct detect_arg *a, int json, int explain_it)
{
	struct detect_result *r = &a->r;
	struct route_report rep;
	struct strbuf sb = STRBUF_INIT;
	char *upload = NULL;

	detect_route_report(r, a->base, &rep);
	if (r->status == DETECT_DETECTED)
		upload = route_upload_name(&rep);
	if (json) {
		detect_result_json(r, a->path, upload, &sb);
		puts(sb.buf);
	} else if (explain_it) {
		explain(d, r, a->path, upload);
	} else {
		strbuf_add_escaped(&sb, a->path);
		if (r->status == DETECT_DETECTED)
			printf("%s: %s\n", sb.buf, r->scan_type);
		else {
			printf("%s: %s: ", sb.buf, detect_status_name(r->status));
			strbuf_reset(&sb);
			strbuf_add_escaped(&sb, r->error);
			printf("%s\n", sb.buf);
		}
	}
	strbuf_release(&sb);
	free(upload);
}

static int
cmd_detect(const struct globals *g, int argc, char **argv)
{
	int json = 0, explain_it = 0, bad = 0, refused, i, sandbox = 1, timeout_set = 0;
	struct sandbox_opts so = { 0, SANDBOX_DEFAULT_TIMEOUT, SANDBOX_DEFAULT_MEMORY };
	struct detect_arg *args;
	struct sandbox_job *jobs;
	struct detect *d;
	char err[512];
	long long num;
	enum { BATCH = 64 };

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--explain") == 0)
			explain_it = 1;
		else if (strcmp(argv[i], "--no-sandbox") == 0)
			sandbox = 0;
		else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			if (conf_parse_size(argv[++i], &num) < 0 || num < 1 || num > 64)
				return usage_error("detect: --workers %s: give 1 to 64", argv[i]);
			so.workers = (int)num;
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if (conf_parse_size(argv[++i], &num) < 0 || num < 1 || num > 3600)
				return usage_error("detect: --timeout %s: give seconds, 1 to 3600", argv[i]);
			so.timeout = (int)num;
			timeout_set = 1;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			return usage_error("detect: unknown option %s", argv[i]);
	}
	if (i == argc)
		return usage_error("detect: %s", "name at least one FILE");
	d = load_plugins(g, &refused);
	/* With -c, the configuration's [signature] sections and [detect] settings count too. */
	if (g->confdir_set) {
		struct conf c;

		if (load_conf(g, &c) < 0) {
			detect_free(d);
			return 2;
		}
		detect_set_signatures(d, c.signatures, c.nsignatures);
		sandbox = sandbox && c.detect.sandbox;
		if (so.workers == 0)
			so.workers = c.detect.workers;
		if (!timeout_set)
			so.timeout = (int)(c.detect.timeout_ms / 1000);
		so.memory = c.detect.memory;
		conf_release(&c);
	}
	if (sandbox && detect_use_sandbox(d, &so, err, sizeof err) < 0) {
		log_errorx("detect: %s", err);
		detect_free(d);
		return 2;
	}
	args = xcalloc(BATCH, sizeof *args);
	jobs = xcalloc(BATCH, sizeof *jobs);
	/* Batches keep every worker busy without holding thousands of files open. */
	while (i < argc) {
		size_t n = 0, nj = 0;

		for (; i < argc && n < BATCH; i++, n++) {
			detect_open(&args[n], argv[i]);
			if (args[n].fd >= 0) {
				jobs[nj] = (struct sandbox_job){ args[n].fd, args[n].base, NULL, NULL,
					&args[n].r };
				nj++;
			}
		}
		detect_files(d, jobs, nj);
		for (size_t k = 0; k < n; k++) {
			if (args[k].fd >= 0)
				close(args[k].fd);
			detect_print(d, &args[k], json, explain_it);
			if (args[k].r.status != DETECT_DETECTED)
				bad = 1;
			detect_result_release(&args[k].r);
		}
		fflush(stdout);
	}
	free(args);
	free(jobs);
	detect_free(d);
	return bad;
}

static int
cmd_plugins(const struct globals *g, int argc, char **argv)
{
	int json = argc > 0 && strcmp(argv[0], "--json") == 0, refused;
	struct detect *d;
	struct strbuf sb = STRBUF_INIT;

	if (argc > json)
		return usage_error("plugins: unexpected argument %s", argv[json]);
	d = load_plugins(g, &refused);
	if (json)
		strbuf_addstr(&sb, "[");
	for (size_t i = 0; i < detect_nplugins(d); i++) {
		const struct dojobridge_plugin *p = detect_plugin(d, i);

		if (json) {
			strbuf_addstr(&sb, i ? ",{\"name\":" : "{\"name\":");
			strbuf_add_json(&sb, p->name);
			strbuf_addstr(&sb, ",\"version\":");
			strbuf_add_json(&sb, p->version);
			strbuf_addstr(&sb, ",\"file\":");
			strbuf_add_json(&sb, detect_plugin_file(d, i));
			strbuf_addstr(&sb, ",\"description\":");
			strbuf_add_json(&sb, p->description);
			strbuf_addstr(&sb, ",\"scan_types\":[");
			for (size_t k = 0; p->scan_types[k].name; k++) {
				strbuf_addstr(&sb, k ? "," : "");
				strbuf_add_json(&sb, p->scan_types[k].name);
			}
			strbuf_addstr(&sb, "]}");
		} else {
			printf("%-10s %-8s %s\n", p->name, p->version ? p->version : "-",
			    p->description ? p->description : "");
			for (size_t k = 0; p->scan_types[k].name; k++)
				printf("           - %s%s\n", p->scan_types[k].name,
				    p->scan_types[k].parser_reads_dates ? "" : " (scan_date = auto sends the report's date)");
		}
	}
	if (json) {
		strbuf_addstr(&sb, "]");
		puts(sb.buf);
	} else {
		printf("%zu plugins loaded%s\n", detect_nplugins(d), refused ? ", some refused (see above)" : "");
	}
	strbuf_release(&sb);
	detect_free(d);
	return refused ? 1 : 0;
}

static int
cmd_plan(const struct globals *g, int argc, char **argv)
{
	int json = 0, i, rc, refused;
	struct conf c;
	struct detect *d;

	for (i = 0; i < argc && strcmp(argv[i], "--json") == 0; i++)
		json = 1;
	if (i == argc)
		return usage_error("plan: %s", "name at least one PATH inside a drop root");
	if (load_conf(g, &c) < 0)
		return 2;
	d = load_plugins(g, &refused);
	if (intake_use_sandbox(d, &c) < 0) {
		detect_free(d);
		conf_release(&c);
		return 2;
	}
	rc = plan_run(&c, d, argv + i, argc - i, json);
	detect_free(d);
	conf_release(&c);
	return rc;
}

static int
cmd_once(const struct globals *g, int argc, char **argv)
{
	struct once_opts o;
	struct conf c;
	struct detect *d;
	char *token = NULL;
	int rc, refused;

	memset(&o, 0, sizeof o);
	o.progress = isatty(STDERR_FILENO);
	for (int i = 0; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--from") == 0 ? &o.from :
		    strcmp(argv[i], "--drop") == 0 ? &o.drop :
		    strcmp(argv[i], "--layout") == 0 ? &o.layout :
		    strcmp(argv[i], "--label") == 0 ? &o.label : NULL;

		if (slot != NULL) {
			if (++i == argc || argv[i][0] == '\0')
				return usage_error("once: %s needs a value", argv[i - 1]);
			*slot = argv[i];
		} else if (strcmp(argv[i], "--json") == 0)
			o.json = 1;
		else if (strcmp(argv[i], "--force") == 0)
			o.force = 1;
		else if (strcmp(argv[i], "--allow-unlisted") == 0)
			o.allow_unlisted = 1;
		else if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = 1;
		else
			return usage_error("once: unexpected argument %s", argv[i]);
	}
	if (o.from == NULL && (o.drop || o.layout || o.label || o.force || o.allow_unlisted || o.dry_run))
		return usage_error("%s", "once: --drop, --layout, --label, --force, --allow-unlisted and "
		    "--dry-run go with --from DIR");
	/* On a terminal the progress line and the table say it all: keep the per-file log lines quiet. */
	if (o.progress && !o.json && !g->verbosity_set)
		log_set_verbosity(LOG_LEVEL_WARN);
	if (load_conf(g, &c) < 0)
		return ONCE_USAGE;
	/* A dry run contacts nobody: it needs no token. */
	if (!o.dry_run && (token = conf_read_token(&c.dojo)) == NULL) {
		conf_release(&c);
		return ONCE_USAGE;
	}
	d = load_plugins(g, &refused);
	rc = intake_use_sandbox(d, &c) < 0 ? ONCE_USAGE : once_run(&c, d, token, &o);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	detect_free(d);
	conf_release(&c);
	return rc;
}

static int
cmd_runs(const struct globals *g, int argc, char **argv)
{
	const char *drop = NULL, *name = NULL;
	struct conf c;
	int json = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--drop") == 0 && i + 1 < argc)
			drop = argv[++i];
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return usage_error("runs: unexpected argument %s", argv[i]);
	}
	if (load_conf(g, &c) < 0)
		return 2;
	rc = runs_run(&c, drop, name, json);
	conf_release(&c);
	return rc;
}

static int
cmd_watch(const struct globals *g, int argc, char **argv, int verbosity)
{
	struct detect *d;
	int rc, refused;

	if (argc > 0)
		return usage_error("watch: unexpected argument %s", argv[0]);
	d = load_plugins(g, &refused);
	rc = daemon_run(g->confdir, d, g->verbosity_set ? verbosity : -1);
	detect_free(d);
	return rc;
}

static int
cmd_status(const struct globals *g, int argc, char **argv)
{
	struct conf c;
	int json = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return usage_error("status: unexpected argument %s", argv[i]);
	}
	if (load_conf(g, &c) < 0)
		return 2;
	rc = status_run(&c, json);
	conf_release(&c);
	return rc;
}

static int
cmd_retry(const struct globals *g, int argc, char **argv)
{
	struct conf c;
	const char *drop = NULL;
	char **ids = xcalloc((size_t)argc + 1, sizeof *ids);
	int all = 0, nids = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--failed") == 0) {
			all = 1;
		} else if (strcmp(argv[i], "--drop") == 0) {
			if (++i == argc) {
				free(ids);
				return usage_error("%s", "retry: --drop needs a drop name");
			}
			drop = argv[i];
		} else if (argv[i][0] == '-') {
			free(ids);
			return usage_error("retry: unknown option %s", argv[i]);
		} else {
			ids[nids++] = argv[i];
		}
	}
	if ((nids == 0) == (all == 0)) {
		free(ids);
		return usage_error("%s", "retry: name failed jobs (JOB...) or give --failed, not both");
	}
	if (load_conf(g, &c) < 0) {
		free(ids);
		return 2;
	}
	rc = retry_run(&c, ids, nids, all, drop);
	conf_release(&c);
	free(ids);
	return rc;
}

static int
check_line(int ok, const char *what, const char *detail)
{
	printf("%-8s %s%s%s\n", ok ? "ok" : "FAIL", what, detail && *detail ? ": " : "",
	    detail ? detail : "");
	return ok ? 0 : 1;
}

static int
cmd_check(const struct globals *g, int argc, char **argv)
{
	struct conf c;
	struct detect *d;
	struct dojo *dojo = NULL;
	struct dojo_result res;
	char *token = NULL, *body, detail[1400];
	int bad = 0, refused;

	(void)argv;
	if (argc > 0)
		return usage_error("check: unexpected argument %s", argv[0]);
	if (load_conf(g, &c) < 0) {
		check_line(0, "configuration", g->confdir);
		return 2;
	}
	check_line(1, "configuration", g->confdir);
	for (size_t i = 0; i < c.ndrops; i++) {
		struct stat root, spool;
		const struct conf_drop *dr = &c.drops[i];

		snprintf(detail, sizeof detail, "drop %s: %s", dr->name, dr->path);
		if (stat(dr->path, &root) < 0 || !S_ISDIR(root.st_mode)) {
			bad |= check_line(0, detail, "not a directory");
			continue;
		}
		if (access(dr->path, R_OK | W_OK | X_OK) < 0) {
			bad |= check_line(0, detail, "not readable and writable by this user");
			continue;
		}
		if (stat(dr->spool, &spool) == 0 && spool.st_dev != root.st_dev) {
			bad |= check_line(0, detail, "its spool is on another filesystem: claims need rename(2)");
			continue;
		}
		check_line(1, detail, NULL);
	}
	d = load_plugins(g, &refused);
	snprintf(detail, sizeof detail, "%zu loaded, %d refused", detect_nplugins(d), refused);
	bad |= check_line(refused == 0 && detect_nplugins(d) > 0, "plugins", detail);

	if ((token = conf_read_token(&c.dojo)) == NULL || (dojo = dojo_new(&c.dojo, token)) == NULL) {
		bad |= check_line(0, "token", "see the error above");
		goto out;
	}
	body = dojo_get(dojo, "/api/v2/user_profile/", 1 << 20, &res);
	if (body == NULL) {
		snprintf(detail, sizeof detail, "%s%s%s", res.message, res.hint[0] ? "; " : "", res.hint);
		bad |= check_line(0, "token accepted by the server", detail);
		dojo_result_release(&res);
		goto out;
	} else {
		cJSON *root = cJSON_Parse(body);
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "user"),
		    "username");

		snprintf(detail, sizeof detail, "user %s", cJSON_IsString(u) ? u->valuestring : "?");
		check_line(1, "token accepted by the server", detail);
		cJSON_Delete(root);
		free(body);
		dojo_result_release(&res);
	}
	body = dojo_get(dojo, "/api/v2/oa3/schema/?format=json", 64u << 20, &res);
	if (body == NULL) {
		bad |= check_line(0, "server version", res.message);
	} else {
		cJSON *root = cJSON_Parse(body);
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "info"),
		    "version");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "components"),
		    "schemas"), "ReImportScanRequest"), "properties"), "scan_type"), "enum");
		struct strbuf missing = STRBUF_INIT;

		snprintf(detail, sizeof detail, "DefectDojo %s (dojobridge's lists are from %s)",
		    cJSON_IsString(ver) ? ver->valuestring : "unknown", scantypes_dojo_version);
		check_line(cJSON_IsString(ver), "server version", detail);
		for (size_t i = 0; cJSON_IsArray(en) && i < detect_nplugins(d); i++) {
			const struct dojobridge_plugin *p = detect_plugin(d, i);

			for (size_t k = 0; p->scan_types[k].name; k++) {
				const cJSON *it;
				int found = 0;

				cJSON_ArrayForEach(it, en)
					if (cJSON_IsString(it) && strcmp(it->valuestring, p->scan_types[k].name) == 0)
						found = 1;
				if (!found)
					strbuf_addf(&missing, "%s\"%s\" (%s)", missing.len ? ", " : "",
					    p->scan_types[k].name, p->name);
			}
		}
		if (!cJSON_IsArray(en))
			bad |= check_line(0, "scan types known to the server", "the schema has no scan_type list");
		else
			bad |= check_line(missing.len == 0, "scan types known to the server",
			    missing.len ? missing.buf : "all plugin scan types");
		strbuf_release(&missing);
		cJSON_Delete(root);
		free(body);
	}
	dojo_result_release(&res);
out:
	dojo_free(dojo);
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	detect_free(d);
	conf_release(&c);
	return bad ? 1 : 0;
}

/* `report apply` and `report run`: the Report Builder, see report.h. */
static int
cmd_report(const struct globals *g, int argc, char **argv)
{
	struct report_apply_opts ao = { 0, 0 };
	const char *format = "pdf", *out = ".", *what = NULL;
	long timeout_ms = REPORT_TIMEOUT_DEFAULT_S * 1000L;
	char err[2048], path[PATH_MAX], *token;
	struct conf c;
	int apply, rc;

	if (argc == 0 || (strcmp(argv[0], "apply") != 0 && strcmp(argv[0], "run") != 0))
		return usage_error("report: %s", "say apply SPEC or run TEMPLATE");
	apply = strcmp(argv[0], "apply") == 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (apply && strcmp(a, "--dry-run") == 0) {
			ao.dry_run = 1;
		} else if (apply && strcmp(a, "--refresh-schema") == 0) {
			ao.refresh_schema = 1;
		} else if (!apply && (strcmp(a, "--format") == 0 || strcmp(a, "--out") == 0 ||
		    strcmp(a, "--timeout") == 0)) {
			if (++i == argc)
				return usage_error("report run: %s needs a value", a);
			if (strcmp(a, "--format") == 0)
				format = argv[i];
			else if (strcmp(a, "--out") == 0)
				out = argv[i];
			else if (conf_parse_duration(argv[i], &timeout_ms) < 0 || timeout_ms < 1000)
				return usage_error("report run: --timeout %s: give seconds, or a duration "
				    "such as 10m", argv[i]);
		} else if (strcmp(a, "--") == 0 && i + 2 == argc && what == NULL) {
			what = argv[++i];	/* a name that starts with a dash */
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("report: unknown option %s", a);
		} else if (what == NULL) {
			what = a;
		} else {
			return usage_error("report: unexpected argument %s", a);
		}
	}
	if (what == NULL)
		return usage_error("report: %s", apply ? "apply needs a SPEC file" : "run needs a TEMPLATE");
	if (!apply && strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0)
		return usage_error("report run: --format %s: pdf or html", format);
	if (load_conf(g, &c) < 0)
		return REPORT_USAGE;
	if ((token = conf_read_token(&c.dojo)) == NULL) {
		conf_release(&c);
		return REPORT_USAGE;
	}
	if (apply)
		rc = report_apply(&c, token, what, &ao, err, sizeof err);
	else
		rc = report_run(&c, token, what, format, out, (int)(timeout_ms / 1000), path, sizeof path,
		    err, sizeof err);
	explicit_bzero(token, strlen(token));
	free(token);
	conf_release(&c);
	if (rc != REPORT_OK)
		log_errorx("report: %s", err);
	else if (!apply)
		puts(path);
	return rc;
}

int
main(int argc, char **argv)
{
	struct globals g = { SYSCONFDIR "/dojobridge/conf.d", NULL, "", 0, 0 };
	enum log_level verbosity = LOG_LEVEL_INFO;
	struct rlimit nocore = { 0, 0 };
	char exe[PATH_MAX];
	ssize_t n;
	int i, rc;

	/* Every command may hold a token: never let it land in a core file or a debugger's hands. */
	setrlimit(RLIMIT_CORE, &nocore);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A detection worker (sandbox.h): no options, no configuration, no token. */
	if (argc >= 2 && strcmp(argv[1], "detect-worker") == 0) {
		log_init("dojobridge-worker", 0, LOG_LEVEL_INFO);
		return sandbox_worker_main(argc - 1, argv + 1);
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		if (strrchr(exe, '/') != NULL)
			*strrchr(exe, '/') = '\0';
		snprintf(g.exe_dir, sizeof g.exe_dir, "%s", exe);
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (++i == argc)
				return usage_error("%s needs a directory", a);
			g.confdir = argv[i];
			g.confdir_set = 1;
		} else if (strncmp(a, "--config=", 9) == 0) {
			g.confdir = a + 9;
			g.confdir_set = 1;
		} else if (strcmp(a, "--plugin-dir") == 0) {
			if (++i == argc)
				return usage_error("%s needs a directory", a);
			g.plugin_path = argv[i];
		} else if (strncmp(a, "--plugin-dir=", 13) == 0) {
			g.plugin_path = a + 13;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbosity = LOG_LEVEL_DEBUG;
			g.verbosity_set = 1;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			verbosity = LOG_LEVEL_WARN;
			g.verbosity_set = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("dojobridge %s (plugin ABI %d.%d, DefectDojo %s scan types)\n",
			    DOJOBRIDGE_VERSION, DOJOBRIDGE_ABI_MAJOR, DOJOBRIDGE_ABI_MINOR,
			    scantypes_dojo_version);
			return 0;
		} else {
			return usage_error("unknown option %s", a);
		}
	}
	if (i == argc)
		return usage_error("%s", "no command given");
	log_init("dojobridge", 0, verbosity);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("cannot initialise libcurl");

	if (strcmp(argv[i], "watch") == 0)
		rc = cmd_watch(&g, argc - i - 1, argv + i + 1, (int)verbosity);
	else if (strcmp(argv[i], "once") == 0)
		rc = cmd_once(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "status") == 0)
		rc = cmd_status(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "retry") == 0)
		rc = cmd_retry(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "runs") == 0)
		rc = cmd_runs(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "detect") == 0)
		rc = cmd_detect(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "plan") == 0)
		rc = cmd_plan(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "check") == 0)
		rc = cmd_check(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "report") == 0)
		rc = cmd_report(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "plugins") == 0)
		rc = cmd_plugins(&g, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "help") == 0) {
		fputs(usage_text, stdout);
		rc = 0;
	} else
		rc = usage_error("unknown command %s", argv[i]);
	curl_global_cleanup();
	return rc;
}
