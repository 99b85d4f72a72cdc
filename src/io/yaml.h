/*
 * yaml: YAML documents (mapping files, Tech for Palestine's lists) read
 * with libyaml into jansson values, so that what reads JSON reads YAML
 * too.
 *
 * Plain scalars take YAML's core types (null, true/false, integers and
 * reals); quoted ones stay strings.  Aliases are refused (a few of them
 * nested make a billion values: the "billion laughs"), and so are more
 * than one document and more than 64 levels of nesting.  The line of each
 * mapping and sequence is kept, so that errors can name it.
 */
#ifndef TM_IO_YAML_H
#define TM_IO_YAML_H

#include <jansson.h>

#include "core/core.h"

/* Where each container of a document starts: its 1-based line, by the
 * value's address (valid while the value lives), sorted by address. */
typedef struct tm_yaml_lines {
	struct tm_yaml_line {
		const json_t *node;
		size_t line;
	} *v;
	size_t n, cap;
} tm_yaml_lines;
void tm_yaml_lines_release(tm_yaml_lines *l);
/* The line of v, or 0 when it is not known. */
size_t tm_yaml_line(const tm_yaml_lines *l, const json_t *v);

/* Read the YAML document data[0, len) into *out (a new reference, the
 * caller's to json_decref), its containers' lines into lines (may be NULL).
 * TM_ERR_INVALID with "line N: reason" when it is not YAML tiemap reads. */
tm_rc tm_yaml_load(const char *data, size_t len, json_t **out, tm_yaml_lines *lines, tm_err *err);

#endif
