/*
 * An archived copy of a source, served from its WARC file: the document
 * (/sources/{id}/archive/{stamp}) and the WARC file whole
 * (/sources/{id}/archive/{stamp}/warc).  Never fetched: the bytes are what
 * `tiemap archive` kept, checked against their SHA-256 at every request.
 *
 * A copy is someone else's page, served from this site's origin, so it is
 * fenced off: a CSP with `sandbox` (an opaque origin, no script, no form,
 * no plugin) and `default-src 'none'` (the page's images, style sheets and
 * fonts were not archived and are not fetched from their hosts: a reader's
 * visit tells no one); an HTML copy that would send its reader elsewhere by
 * itself (<meta http-equiv="refresh">) is shown as its source text instead.
 * Anything but HTML and plain text (a PDF) is sent as a download, to open
 * in the reader's own viewer.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"
#include "store/store_capture.h"

static const char copy_csp[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
			       "form-action 'none'; frame-ancestors 'none'; sandbox";

/* The capture the route names, or a 404 set and -1. */
static int find_capture(tm_req *req, tm_capture *c, char **dir)
{
	const char *id = tm_req_param(req, "id"), *stamp = tm_req_param(req, "stamp");
	char fetched[TM_TIME_MAX];
	tm_err err = { 0 };
	tm_rc rc = TM_ERR_NOTFOUND;
	if (id && tm_id_valid(id) && tm_capture_unstamp(stamp, fetched) == 0)
		rc = tm_store_get_capture(req->st, id, fetched, c, &err);
	if (rc == TM_ERR_NOTFOUND) {
		tm_req_fail(req, 404, "not_found", "%s", T("archive.unknown"));
		return -1;
	}
	if (rc) {
		tm_req_fail_err(req, &err);
		return -1;
	}
	*dir = tm_store_archive_dir(req->st);
	if (!*dir) {
		tm_capture_release(c);
		tm_req_fail(req, 404, "not_found", "%s", T("archive.missing"));
		return -1;
	}
	return 0;
}

static void fail_read(tm_req *req, const tm_err *err)
{
	if (err->rc == TM_ERR_NOTFOUND)
		tm_req_fail(req, 404, "not_found", "%s", T("archive.missing"));
	else
		tm_req_fail(req, 500, "archive_damaged", "%s", T("archive.damaged"));
}

/* A Content-Type safe to send on: a media type and its parameters in
 * plain characters, else NULL. */
static int type_ok(const char *t)
{
	if (!t || !*t || strlen(t) > 120)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("/+.-_;= \"", *p)))
			return 0;
	return strchr(t, '/') != NULL;
}

/* The charset parameter of t, for the text/plain a refreshing page is sent as. */
static void charset_of(const char *t, char *out, size_t cap)
{
	out[0] = '\0';
	const char *cs = NULL;
	for (const char *p = t; p && *p && !cs; p++)
		if (strncasecmp(p, "charset=", 8) == 0)
			cs = p + 8;
	size_t n = 0;
	while (cs && *cs && *cs != ';' && *cs != ' ' && *cs != '"' && n + 1 < cap)
		out[n++] = *cs++;
	out[n] = '\0';
}

void tm_http_page_archived(tm_req *req)
{
	tm_capture c;
	char *dir = NULL;
	if (find_capture(req, &c, &dir))
		return;
	tm_payload p;
	tm_err err = { 0 };
	if (tm_archive_payload(dir, &c, &p, &err)) {
		fail_read(req, &err);
		tm_capture_release(&c);
		free(dir);
		return;
	}
	const char *t = type_ok(p.content_type) ? p.content_type : NULL;
	int html = t && (strncasecmp(t, "text/html", 9) == 0 || strncasecmp(t, "application/xhtml+xml", 21) == 0);
	int plain = t && strncasecmp(t, "text/plain", 10) == 0;
	int encoded = p.content_encoding && strcasecmp(p.content_encoding, "identity") != 0;
	tm_buf type = TM_BUF_INIT;
	if (encoded || (!html && !plain)) {
		/* a download: the name says what it is */
		char stamp[15];
		tm_capture_stamp(c.fetched, stamp);
		const char *ext = t && strncasecmp(t, "application/pdf", 15) == 0 ? ".pdf" : "";
		tm_buf d = TM_BUF_INIT;
		tm_buf_addf(&d, "attachment; filename=\"%s-%s%s\"", c.source, stamp, encoded ? ".bin" : ext);
		req->r_disposition = tm_buf_detach(&d);
		tm_buf_adds(&type, encoded || !t ? "application/octet-stream" : t);
	} else if (html && tm_archive_html_refreshes(p.data, p.len)) {
		char cs[40];
		charset_of(t, cs, sizeof(cs));
		tm_buf_addf(&type, "text/plain; charset=%s", cs[0] ? cs : "utf-8");
	} else {
		tm_buf_adds(&type, t);
	}
	tm_buf_reset(&req->body);
	tm_buf_add(&req->body, p.data, p.len);
	req->r_status = 200;
	req->r_type = req->r_type_owned = tm_buf_detach(&type);
	req->r_csp = tm_xstrdup(copy_csp);
	req->r_nocache = 1;
	tm_payload_release(&p);
	tm_capture_release(&c);
	free(dir);
}

void tm_http_archived_warc(tm_req *req)
{
	tm_capture c;
	char *dir = NULL;
	if (find_capture(req, &c, &dir))
		return;
	tm_err err = { 0 };
	tm_buf_reset(&req->body);
	if (tm_archive_read_warc(dir, &c, &req->body, &err)) {
		tm_buf_reset(&req->body);
		fail_read(req, &err);
	} else {
		tm_buf d = TM_BUF_INIT;
		tm_buf_addf(&d, "attachment; filename=\"%s\"", c.warc);
		req->r_disposition = tm_buf_detach(&d);
		req->r_status = 200;
		req->r_type = "application/warc";
		req->r_csp = tm_xstrdup(copy_csp);
		req->r_nocache = 1;
	}
	tm_capture_release(&c);
	free(dir);
}
