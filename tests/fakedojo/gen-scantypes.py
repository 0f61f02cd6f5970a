#!/usr/bin/env python3
"""Write core/scantypes.c: DefectDojo's scan_type list and upload extension
allow-list, taken from its OpenAPI document (the reimport-scan request)."""
import json
import re
import sys

spec = json.load(open(sys.argv[1]))
req = spec["components"]["schemas"]["ReImportScanRequest"]["properties"]
types = req["scan_type"]["enum"]
exts = re.match(r"^\(\?:([a-z|]+)\)\$$", req["file"]["pattern"]).group(1).split("|")
version = spec["info"]["version"]

def c(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

print(f"""/*
 * DefectDojo {version}'s scan types and accepted upload extensions, generated
 * by `make scantypes` from tests/fakedojo/openapi-{version}.json.  Do not edit.
 */
#include "scantypes.h"

#include <string.h>
#include <strings.h>

const char scantypes_dojo_version[] = {c(version)};

const char *const scantypes_all[] = {{""")
for t in types:
    print(f"\t{c(t)},")
print("""\tNULL
};

const char *const scantypes_upload_exts[] = {""")
for e in exts:
    print(f"\t{c('.' + e)},")
print("""\tNULL
};""")

print("""
int
scantypes_known(const char *name)
{
	size_t i;

	for (i = 0; scantypes_all[i] != NULL; i++)
		if (strcmp(scantypes_all[i], name) == 0)
			return 1;
	return 0;
}

const char *
scantypes_allowed_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i, n;

	if (dot == NULL)
		return NULL;
	n = strlen(dot);
	for (i = 0; scantypes_upload_exts[i] != NULL; i++)
		if (strlen(scantypes_upload_exts[i]) == n && strcasecmp(scantypes_upload_exts[i], dot) == 0)
			return scantypes_upload_exts[i];
	return NULL;
}
""", end="")
