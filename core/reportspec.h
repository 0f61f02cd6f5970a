/*
 * reportspec.h — the spec file of `dojobridge report apply`: the Report
 * Builder themes, blocks and templates a person wants DefectDojo to hold,
 * each known by its name.
 *
 * Two spellings of one model: an INI file ([theme "N"], [block "N"],
 * [template "N"] sections, read with inih as conf.d is) or a JSON document
 * ({"themes": [...], "blocks": [...], "templates": [...]}, objects shaped as
 * the API's own).  A name ending in .json, or a first non-blank byte '{',
 * means JSON; anything else is INI.  dojobridge-report(8) describes both.
 *
 * Invariants, once reportspec_load succeeded:
 * - Every object has a name, unique among its kind in the file, and every
 *   key is one the model knows, of the right type.
 * - Every item carries `where`: "FILE:LINE" for INI, "FILE: blocks[2]..." for
 *   JSON, so that later errors (against the server's vocabulary) can name
 *   the place too.
 * - A NULL string (or -1 for show_page_numbers) is a key the spec leaves
 *   alone: apply neither sends nor compares it.
 *
 * and once reportspec_check found no error:
 * - Everything that can be checked without the server has been: colours are
 *   #rrggbb, booleans booleans, block types and models from the API's enums,
 *   a stock block has a stock_type and no columns or filters, a tabular or
 *   detail block a model and columns, a template at least one block; no
 *   filter uses a name DefectDojo drops silently (status_any,
 *   priority_greater_than, severity__in, mitigated_within_sla), a
 *   pagination parameter, a list for severity, an empty value or the same
 *   field and value twice.
 */
#ifndef DOJOBRIDGE_REPORTSPEC_H
#define DOJOBRIDGE_REPORTSPEC_H

#include <stddef.h>

/* The theme colours, in the API's order; reportspec_color_key() names them. */
enum { RS_PRIMARY, RS_SECONDARY, RS_ACCENT, RS_TEXT, RS_BACKGROUND, RS_NCOLORS };

struct reportspec_filter {
	char *field;
	char *value;
	char *where;
	int refused;			/* reportspec_check refused it (and said why) */
};

struct reportspec_theme {
	char *name, *where;
	char *color[RS_NCOLORS];
	char *footer_text;
	int show_page_numbers;		/* 0, 1, or -1 when not given */
};

struct reportspec_block {
	char *name, *where;
	char *block_type;		/* stock | tabular | detail */
	char *header;
	/* block_type stock: stock_configuration */
	char *stock_type, *title, *subtitle;
	/* tabular and detail: tabular_configuration or detail_configuration */
	char *model_choice;
	char **fields;			/* column paths, in order */
	size_t nfields;
	char *fields_where;
	char *ordering;
	struct reportspec_filter *filters;
	size_t nfilters;
};

struct reportspec_template {
	char *name, *where;
	char *description;
	char *theme, *theme_where;	/* a theme's name, in the spec or on the server */
	char **blocks;			/* blocks' names, in order; a name may repeat */
	char **blocks_where;
	size_t nblocks;
};

struct reportspec {
	char *path;
	struct reportspec_theme *themes;
	size_t nthemes;
	struct reportspec_block *blocks;
	size_t nblocks;
	struct reportspec_template *templates;
	size_t ntemplates;
};

/*
 * Read path into s.  Returns 0, or -1 after logging every error found, each
 * naming the file, the line (INI; the line and column of a JSON syntax
 * error) or the JSON path, the object and the key.  s is empty on failure.
 */
int reportspec_load(struct reportspec *s, const char *path);

/*
 * Run the checks that need no server over a loaded spec; log each error
 * (file and line, object, field) and mark refused filters.  Returns the
 * number of errors.
 */
int reportspec_check(struct reportspec *s);
void reportspec_release(struct reportspec *s);

/* "primary_color" ... "background_color" for RS_PRIMARY ... RS_BACKGROUND. */
const char *reportspec_color_key(int i);

/* The config key of a block type: "stock_configuration", ... */
const char *reportspec_config_key(const char *block_type);

#endif
