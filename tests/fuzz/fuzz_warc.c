/*
 * libFuzzer target: any bytes as a WARC file, through tiemap's reader (the
 * one that serves an archived copy), each response's HTTP message split and
 * its payload's text read as HTML or plain text; then the bytes as a
 * document's text and as a quote looked for in it.  PDFs are left out: they
 * go to pdftotext in a child process, not through this process's code.  A
 * crash, a leak or a sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;
	tm_warc_rec rec;
	tm_err err = { 0 };
	while (tm_warc_next(buf, size, &off, &rec, &err) == TM_OK) {
		if (rec.block + rec.block_len > buf + size || off > size)
			abort();
		char *type = tm_archive_header(rec.head, rec.head_len, "WARC-Type");
		tm_http_msg m;
		if (tm_http_response_split(rec.block, rec.block_len, &m, &err) == TM_OK) {
			if (m.body + m.body_len != rec.block + rec.block_len || m.status < 100 || m.status > 999)
				abort();
			char *ct = tm_archive_header(m.head, m.head_len, "Content-Type");
			int pdf = ct && strstr(ct, "pdf");
			if (!pdf && !(m.body_len >= 5 && memcmp(m.body, "%PDF-", 5) == 0)) {
				tm_payload p = { tm_xmalloc(m.body_len + 1), m.body_len, ct, NULL };
				memcpy(p.data, m.body, m.body_len);
				p.data[m.body_len] = '\0';
				char *text = NULL;
				if (tm_archive_text(&p, &text, &err) == TM_OK && !tm_utf8_valid(text, strlen(text)))
					abort();
				(void)tm_archive_html_refreshes(p.data, p.len);
				free(text);
				free(p.data);
			}
			free(ct);
		}
		free(type);
	}
	/* the bytes as a text, and their first tenth as a quote in it */
	char *text = tm_xstrndup(buf, size);
	tm_quote_doc d;
	if (tm_quote_doc_init(&d, text, &err) == TM_OK) {
		char *quote = tm_xstrndup(buf, size / 10);
		int has = tm_quote_doc_has(&d, quote, &err);
		if (has < -1 || has > 1)
			abort();
		free(quote);
		tm_quote_doc_release(&d);
	}
	free(text);
	tm_text_shutdown();
	return 0;
}
