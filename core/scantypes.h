/*
 * scantypes.h — what DefectDojo accepts: its scan_type strings and the file
 * extensions its upload validator allows.  Generated data (scantypes.c)
 * plus the two look-ups every other module needs.
 */
#ifndef DOJOBRIDGE_SCANTYPES_H
#define DOJOBRIDGE_SCANTYPES_H

#include <stddef.h>

extern const char scantypes_dojo_version[];	/* the DefectDojo release the lists come from */
extern const char *const scantypes_all[];	/* NULL-terminated, exact strings */
extern const char *const scantypes_upload_exts[];	/* ".xml", ... lower case, NULL-terminated */

/* 1 if name is one of DefectDojo's scan types (exact, case-sensitive). */
int scantypes_known(const char *name);

/*
 * The extension of name as DefectDojo's validator sees it (the last suffix,
 * lower-cased) if it is allowed, else NULL.  Points into a static table.
 */
const char *scantypes_allowed_ext(const char *name);

#endif
