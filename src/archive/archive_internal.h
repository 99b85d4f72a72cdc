/*
 * What the files of src/archive share.  Not for use outside src/archive/.
 */
#ifndef TM_ARCHIVE_INTERNAL_H
#define TM_ARCHIVE_INTERNAL_H

#include "archive/archive.h"

/* "<urn:uuid:…>", a random (version 4) UUID as WARC-Record-ID wants it. */
void tm_warc_record_id(char out[64]);

/* Append one WARC/1.1 record to out: WARC-Type type, a fresh record id
 * (copied to id_out when not NULL), WARC-Date date, then the extra header
 * lines (already "Name: value\r\n"), the block's sha256 digest, the payload
 * digest when payload_sha256 is not NULL, Content-Type and Content-Length. */
void tm_warc_put(tm_buf *out, const char *type, const char *date, const char *extra, const char *content_type,
		 const void *block, size_t len, const char *payload_sha256, char id_out[64]);

/* 1 if name is a header of a "Name: value\r\n" line starting at line
 * (any case). */
int tm_archive_header_is(const char *line, size_t len, const char *name);

#endif
