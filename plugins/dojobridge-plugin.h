/*
 * dojobridge-plugin.h — the whole interface between dojobridge and a plugin.
 *
 * A plugin recognises one family of scanner reports: given facts the host
 * has already read from a file, it says which DefectDojo scan_type the file
 * is and how sure it is (probe); for the winning plugin only, it reads what
 * the upload needs, such as the scan date and the target (extract).
 *
 * A plugin is a shared object exporting exactly one symbol:
 *
 *     const struct dojobridge_plugin *dojobridge_plugin_v1(void);
 *
 * which returns a pointer to a static, const struct.  Build it with
 *
 *     cc -std=c11 -shared -fPIC -fvisibility=hidden -o myscanner.so myscanner.c
 *
 * and nothing else: a plugin links no library, everything it needs (XML and
 * JSON readers, date parsing) comes through the host table below.
 *
 * Invariants and rules:
 * - Versioning: abi_major changes only when an existing field changes
 *   meaning; the host refuses a plugin of another major.  New fields are only
 *   ever appended, and struct_size tells the other side how much of a struct
 *   it may read.  The host reads min(plugin's struct_size, its own size) of
 *   struct dojobridge_plugin; a plugin must check host->struct_size before it
 *   uses a host field added after ABI 1.0.
 * - Ownership: nothing one side allocates is freed by the other.  Every
 *   pointer the host passes in (facts, strings) is valid only during the call.
 *   Every string a plugin hands to the host (set(), the verdict's scan_type)
 *   is copied by the host before the call returns, or, for the strings in
 *   struct dojobridge_plugin and its scan type table, must be static.
 * - Plugins keep no global mutable state: calls may come for many files, in
 *   any order, and (with the sandbox the host may use) in worker processes
 *   it forks.
 * - Every scan_type string must be one of DefectDojo 2.57.2's, exactly: the
 *   host refuses to load a plugin that declares an unknown one.
 * - Report files are hostile input.  Never trust a length or an offset read
 *   from the file; the host's readers are already bounded.
 */
#ifndef DOJOBRIDGE_PLUGIN_H
#define DOJOBRIDGE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DOJOBRIDGE_ABI_MAJOR 1
#define DOJOBRIDGE_ABI_MINOR 0

#if defined(__GNUC__)
#define DOJOBRIDGE_EXPORT __attribute__((visibility("default")))
#define DOJOBRIDGE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DOJOBRIDGE_EXPORT
#define DOJOBRIDGE_PRINTF(a, b)
#endif

/* What the host found the file to be, from its first bytes. */
enum dojobridge_kind {
	DOJOBRIDGE_KIND_EMPTY = 0,	/* no bytes, or only whitespace */
	DOJOBRIDGE_KIND_XML,		/* a well-formed start: root element read */
	DOJOBRIDGE_KIND_JSON,		/* one JSON value (object or array) */
	DOJOBRIDGE_KIND_JSONL,		/* several JSON values, one per line */
	DOJOBRIDGE_KIND_CSV,		/* text whose first line splits into 2+ columns */
	DOJOBRIDGE_KIND_HTML,
	DOJOBRIDGE_KIND_ZIP,
	DOJOBRIDGE_KIND_TEXT,		/* anything else that is text */
	DOJOBRIDGE_KIND_BINARY
};

/*
 * Facts the host computes once per file and hands to every probe.  Lists are
 * NULL-terminated arrays; pairs alternate name and value.  A list the host
 * could not fill is an empty list, never NULL.
 */
struct dojobridge_facts {
	uint32_t struct_size;		/* sizeof, as the host knows it */
	const char *name;		/* basename as dropped (valid UTF-8 not guaranteed) */
	uint64_t size;			/* bytes */
	const unsigned char *head;	/* first head_len (≤ 64 KiB) bytes */
	size_t head_len;
	const unsigned char *tail;	/* last tail_len (≤ 64 KiB) bytes; may overlap head */
	size_t tail_len;
	enum dojobridge_kind kind;

	/* XML (kind == XML): the root element, without any DTD or entity loaded. */
	const char *xml_root;		/* local name, e.g. "OWASPZAPReport" */
	const char *xml_ns;		/* namespace URI, "" if none */
	const char *const *xml_root_attrs;	/* pairs: name, value, ... */
	const char *const *xml_children;	/* local names of the root's first ≤ 32 children */

	/* JSON (kind == JSON or JSONL; for JSONL, the first line's value). */
	char json_top;			/* '{' or '[' */
	const char *const *json_keys;	/* top-level keys of an object, head and tail */
	const char *const *json_elem_keys;	/* keys of the first element of a top-level array */
	const char *const *json_scalars;	/* pairs: top-level key, its string/number/bool value */

	/* CSV (kind == CSV): the first line split, BOM and quotes removed. */
	const char *const *csv_header;
	char csv_delim;

	/* ZIP (kind == ZIP, XLSX included): the names of its first ≤ 256 members,
	 * in archive order, as stored (valid UTF-8 not guaranteed). */
	const char *const *zip_members;
};

/*
 * The probe's answer.  score 0 means "not mine".  The host zero-fills it
 * before the call.
 *
 * Some formats are read byte for byte by several of DefectDojo's parsers
 * (Acunetix 360's JSON is also Invicti's and Netsparker's).  For those, name
 * the others in `alternatives`: the user's `prefer` setting then chooses
 * among scan_type and them.  Without a preference the file is reported
 * ambiguous, naming every candidate, unless `mainstream` is 1, which says
 * scan_type is the reading nearly everyone means (document why in the
 * plugin).
 */
struct dojobridge_verdict {
	int score;			/* 0..100: 100 only for an unmistakable signature */
	const char *scan_type;		/* one of the plugin's declared scan types */
	const char *upload_ext;		/* NULL: the scan type's default (see below) */
	const char *const *alternatives;	/* NULL, or static NULL-terminated declared types */
	int mainstream;			/* 1: scan_type is the default among the alternatives */
};

/* What extract may tell the host about the report. */
enum dojobridge_key {
	DOJOBRIDGE_SCAN_DATE = 1,	/* "YYYY-MM-DD", the date the scan ran */
	DOJOBRIDGE_TARGET,		/* image, host, site, repo: tells one target's reports from another's */
	DOJOBRIDGE_TOOL,		/* tool name as the report gives it, e.g. "Semgrep", "CodeQL" */
	DOJOBRIDGE_TOOL_VERSION,
	DOJOBRIDGE_TEST_TITLE,		/* a suggested test title; the host may override it */
	DOJOBRIDGE_FINDINGS		/* a count, as decimal text, when the plugin knows it cheaply;
					 * "0" makes the report "empty": not uploaded unless the
					 * user's empty policy says so */
};

/* Options for date(): how to read an ambiguous or numeric text. */
#define DOJOBRIDGE_DATE_DAYFIRST	0x1	/* 03/02/2019 is 3 February */
#define DOJOBRIDGE_DATE_EPOCH		0x2	/* digits are seconds since 1970 */
#define DOJOBRIDGE_DATE_EPOCH_MS	0x4	/* digits are milliseconds since 1970 */

/* Options for json_find(). */
#define DOJOBRIDGE_FIND_LAST		0x1	/* the last match in the file, not the first */

struct dojobridge_call;		/* opaque: one file, one plugin, one call */

/*
 * The host's services.  Functions returning int return 0 on success and -1
 * on failure ("not found" included); they never abort.
 */
struct dojobridge_host {
	uint32_t abi_major;
	uint32_t abi_minor;
	uint32_t struct_size;

	/* level: 0 debug, 1 info, 2 warning.  The host adds the plugin and file name. */
	void (*log)(struct dojobridge_call *call, int level, const char *fmt, ...)
	    DOJOBRIDGE_PRINTF(3, 4);

	/* Record one piece of metadata (extract only).  value is copied. */
	int (*set)(struct dojobridge_call *call, enum dojobridge_key key, const char *value);

	/*
	 * Stream the report as XML (no network, no DTD, no entities, no
	 * decompression) and copy into out the first match of path, a list of
	 * element local names from the root separated by '/':
	 *     "nmaprun/@start"                       an attribute of the root
	 *     "analysis/projectInfo/reportDate"      an element's text
	 *     "NessusClientData_v2/Report/ReportHost/HostProperties/tag[@name='HOST_END']"
	 *     "**" matches any number of levels, "*" any one element.
	 * Text is trimmed and truncated to outlen-1 bytes.  Reading stops at the
	 * first match.
	 */
	int (*xml_find)(struct dojobridge_call *call, const char *path, char *out, size_t outlen);

	/*
	 * Stream the report as JSON (constant memory whatever its size) and copy
	 * into out the first value (or, with DOJOBRIDGE_FIND_LAST, the last) at
	 * path: object keys separated by '.', array steps "[0]" (first element)
	 * or "[*]" (any element):
	 *     "descriptor.timestamp"
	 *     "runs[0].tool.driver.name"
	 *     "runs[*].invocations[*].endTimeUtc"
	 * A string is copied decoded (UTF-8), a number, true, false as written;
	 * null, an object or an array counts as not found.  For a JSON-lines
	 * file, the path applies to each line's value in turn.
	 */
	int (*json_find)(struct dojobridge_call *call, const char *path, unsigned flags,
	    char *out, size_t outlen);

	/*
	 * Normalise a date as reports write it (ISO 8601 with or without time
	 * and zone, RFC 2822 and ctime styles, "Fri Apr 30 11:45:49 IST 2021",
	 * "Monday, February 7, 2022 10:25:32 AM", localised month names such as
	 * "Fr., 30 Sep. 2022", day-first or epoch per flags) into out as
	 * "YYYY-MM-DD" in UTC where a zone is given, else as written.  Placeholder
	 * dates (year before 1990, "0001-01-01") fail: they mean "no date".
	 */
	int (*date)(const char *text, unsigned flags, char out[11]);

	/* Read up to n bytes at offset off of the report; returns bytes read or -1. */
	long (*read)(struct dojobridge_call *call, void *buf, size_t n, uint64_t off);

	/*
	 * For a ZIP report (XLSX included): the first up to n bytes (n at most
	 * 4 MiB) of member `member` (its exact name, as in facts->zip_members),
	 * uncompressed.  Returns bytes read, or -1 (no such member, not a zip,
	 * a damaged or encrypted member).
	 */
	long (*zip_read)(struct dojobridge_call *call, const char *member, void *buf, size_t n);
};

/* One scan type a plugin may answer with. */
struct dojobridge_scan_type {
	const char *name;		/* exact DefectDojo 2.57.2 scan_type */
	const char *upload_ext;		/* extension its parser needs, e.g. ".xml"; NULL: keep the file's */
	int parser_reads_dates;		/* 1 if DefectDojo's parser takes finding dates from the file */
};

struct dojobridge_plugin {
	uint32_t abi_major;		/* DOJOBRIDGE_ABI_MAJOR */
	uint32_t abi_minor;		/* DOJOBRIDGE_ABI_MINOR */
	uint32_t struct_size;		/* sizeof(struct dojobridge_plugin) */

	const char *name;		/* short, unique: "zap" */
	const char *version;
	const char *description;	/* one line */
	const struct dojobridge_scan_type *scan_types;	/* ends with { NULL } */

	/*
	 * Required.  Look only at facts (and, sparingly, json_find/xml_find on
	 * small files); never read the whole file.  Return 0, with out->score 0
	 * when the file is not for this plugin; -1 only on an internal error.
	 */
	int (*probe)(const struct dojobridge_host *host, struct dojobridge_call *call,
	    const struct dojobridge_facts *facts, struct dojobridge_verdict *out);

	/*
	 * Optional.  Called for the winning plugin only, with the scan type its
	 * probe chose.  Report what the file says through host->set().  Return
	 * 0; -1 means the report is broken beyond use (say why with host->log
	 * at level 2 first).  Finding no date is not an error.
	 */
	int (*extract)(const struct dojobridge_host *host, struct dojobridge_call *call,
	    const struct dojobridge_facts *facts, const char *scan_type);
};

/*
 * Two helpers for reading the facts' lists, compiled into the plugin (they
 * are not part of the ABI): is name in a NULL-terminated list, and the
 * value paired with name in a name, value, ... list (NULL if absent).
 */
static inline int
dojobridge_has(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static inline const char *
dojobridge_pair(const char *const *pairs, const char *name)
{
	for (; pairs[0] != NULL && pairs[1] != NULL; pairs += 2)
		if (strcmp(pairs[0], name) == 0)
			return pairs[1];
	return NULL;
}

/* Define the entry point: DOJOBRIDGE_PLUGIN(my_plugin_struct) at the bottom of the plugin. */
#define DOJOBRIDGE_PLUGIN(p) \
	DOJOBRIDGE_EXPORT const struct dojobridge_plugin *dojobridge_plugin_v1(void); \
	const struct dojobridge_plugin *dojobridge_plugin_v1(void) { return &(p); }

#ifdef __cplusplus
}
#endif
#endif /* DOJOBRIDGE_PLUGIN_H */
