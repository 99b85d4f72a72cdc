/*
 * /feed.atom?lang=zh|en: the Atom feed of the latest actions (campaign's
 * tm_feed_render), and the public base URL that feeds and pasted digests
 * need, since their links leave the site.
 */
#include "http/page_campaign.h"

#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"

/* A Host header we are willing to write into links: a name or an address,
 * an optional port, nothing else. */
static int host_ok(const char *h)
{
	size_t n = h ? strlen(h) : 0;
	if (!n || n > 255)
		return 0;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == ':' || *p == '[' || *p == ']'))
			return 0;
	return 1;
}

char *tm_page_public_base(tm_req *req, int *from_host)
{
	const char *conf = tm_req_base_configured(req);
	*from_host = 0;
	if (conf)
		return tm_xstrdup(conf);
	const char *host = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (!host_ok(host))
		return NULL;
	*from_host = 1;
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "http://%s", host);
	return tm_buf_detach(&b);
}

void tm_http_feed_atom(tm_req *req)
{
	int from_host;
	char *base = tm_page_public_base(req, &from_host);
	if (!base) {
		tm_req_fail(req, 400, "bad_host", "%s", T("digest.bad_host"));
		return;
	}
	tm_feed_opts o = { .lang = req->lang, .base_url = base, .limit = 50 };
	tm_err err = { 0 };
	tm_buf_reset(&req->body);
	if (tm_feed_render(req->st, &o, &req->body, &err)) {
		free(base);
		tm_req_fail_err(req, &err);
		return;
	}
	free(base);
	/* a feed built on the Host header must not be served to another host */
	req->r_nocache = from_host;
	req->r_status = 200;
	req->r_type = "application/atom+xml; charset=utf-8";
}
