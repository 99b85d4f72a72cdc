/*
 * Petitions on the web: /petitions (the list), /petitions/{id} (the text,
 * the count, the names shown, and the form), and its POST, which signs.
 *
 * A signature is sealed here, the moment it arrives, to the organisers'
 * public key (seal.h); the server keeps the sealed box, a keyed hash of
 * the address (to count it once), the day's count and, for signers who
 * ask, the name and city to show.  Nothing a signer types reaches a log,
 * the database in clear, or a cookie.  A repeated address gets the same
 * answer as a new one: the form must not tell anyone who signed.
 * docs/petitions.md has the threat model.
 */
#include "http/page_campaign.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign/campaign.h"
#include "seal/seal.h"
#include "store/store_petition.h"
#include "view/view.h"
#include "view/view_petition.h"

#define SHOWN_ON_PAGE 100 /* names listed on the page; the API pages through all */

static int zh(const tm_req *req)
{
	return strcmp(req->lang, "zh") == 0;
}

/* A petition's text: paragraphs at blank lines, line breaks kept. */
static void paragraphs(tm_req *req, const tm_bitext *t)
{
	int translated;
	const char *s = tm_bitext_pick(t, req->lang, &translated);
	if (!s)
		return;
	if (translated)
		tm_buf_adds(&req->body, "<div class=\"petition-text\">\n");
	else
		tm_html(&req->body, "<p class=\"untranslated\">%s</p>\n<div class=\"petition-text\" lang=\"%r\">\n",
			T("petition.untranslated"), zh(req) ? "en" : "zh-Hans");
	tm_buf para = TM_BUF_INIT;
	const char *p = s;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		tm_buf_reset(&para);
		tm_buf_add(&para, p, n);
		tm_buf_adds(&req->body, "<p>");
		for (char *line = para.buf, *nl; line; line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = '\0';
			tm_html(&req->body, "%s%r", line, nl ? "<br>\n" : "");
		}
		tm_buf_adds(&req->body, "</p>\n");
		p += n;
		while (*p == '\n')
			p++;
	}
	tm_buf_release(&para);
	tm_buf_adds(&req->body, "</div>\n");
}

static void date_words(tm_req *req, const char *date)
{
	tm_buf w = TM_BUF_INIT;
	tm_campaign_date_words(&w, date, req->lang);
	tm_html(&req->body, "<time datetime=\"%s\">%s</time>", date, w.buf);
	tm_buf_release(&w);
}

static const char *status_label(tm_req *req, const char *status)
{
	return strcmp(status, "open") == 0 ? T("petition.status.open") :
	       strcmp(status, "closed") == 0 ? T("petition.status.closed") :
					       T("petition.status.upcoming");
}

/* "1,234 signatures · goal 5,000" with a bar, from a petition's JSON. */
static void count_line(tm_req *req, json_t *o, int with_bar)
{
	long long n = (long long)json_integer_value(json_object_get(o, "signatures"));
	json_t *goal = json_object_get(o, "goal");
	tm_html(&req->body, "<p class=\"petition-count\"><strong data-count=\"%ld\">%ld</strong> %s", (long)n, (long)n,
		T("petition.signatures"));
	if (json_is_integer(goal)) {
		long long g = (long long)json_integer_value(goal);
		tm_html(&req->body, " · %s%s%ld", T("petition.goal"), zh(req) ? "：" : ": ", (long)g);
		if (with_bar)
			tm_html(&req->body, "<br><progress max=\"%ld\" value=\"%ld\">%ld / %ld</progress>", (long)g,
				(long)(n < g ? n : g), (long)n, (long)g);
	}
	tm_buf_adds(&req->body, "</p>\n");
}

/* ---- /petitions ---- */

struct list_ctx {
	tm_req *req;
	char today[16];
	size_t n;
	tm_rc rc;
	tm_err err;
};

static int list_one(void *ctx, const tm_petition *p)
{
	struct list_ctx *c = ctx;
	tm_req *req = c->req;
	json_t *o;
	if ((c->rc = tm_view_petition(req->st, p, c->today, 0, &o, &c->err)))
		return 1;
	const char *status = json_string_value(json_object_get(o, "status"));
	tm_html(&req->body, "<li data-id=\"%s\"><h2><a href=\"/petitions/%q?%r\">", p->id, p->id, tm_page_lang_arg(req));
	tm_page_bitext(req, &p->title);
	tm_html(&req->body, "</a></h2> <span class=\"status status-%r\">%s</span>\n", status, status_label(req, status));
	if (p->target.en || p->target.zh) {
		tm_html(&req->body, "<p class=\"petition-target\">%s%s", T("petition.to"), zh(req) ? "：" : ": ");
		tm_page_bitext(req, &p->target);
		tm_buf_adds(&req->body, "</p>\n");
	}
	count_line(req, o, 0);
	tm_buf_adds(&req->body, "</li>\n");
	json_decref(o);
	c->n++;
	return 0;
}

void tm_http_page_petitions(tm_req *req)
{
	struct list_ctx c = { .req = req };
	tm_view_today(c.today);
	req->r_live = 1;
	tm_page_begin(req, T("petitions.title"));
	tm_html(&req->body, "<h1>%s</h1>\n<p>%s</p>\n<ul class=\"petitions\">\n", T("petitions.title"),
		T("petitions.intro"));
	tm_rc rc = tm_store_each_petition(req->st, NULL, list_one, &c, &c.err);
	if (rc || c.rc) {
		tm_req_fail_err(req, &c.err);
		return;
	}
	tm_buf_adds(&req->body, "</ul>\n");
	if (!c.n)
		tm_html(&req->body, "<p class=\"empty\">%s</p>\n", T("petitions.none"));
	tm_page_end(req);
}

/* ---- /petitions/{id} ---- */

/* What a failed signature attempt tells the signer, and what they typed
 * (to fill the form in again: it goes back to them alone, never cached). */
struct attempt {
	const char *error;     /* a message key, or NULL */
	const char *bad_field; /* "name", "email", "city" */
	const char *name, *email, *city;
	int show;
};

static int shown_one(void *ctx, const char *name, const char *city)
{
	tm_req *req = ctx;
	tm_html(&req->body, "<li><span class=\"name\">%s</span>", name);
	if (city && *city)
		tm_html(&req->body, " <span class=\"city\">%s</span>", city);
	tm_buf_adds(&req->body, "</li>\n");
	return 0;
}

static void field(tm_req *req, const struct attempt *at, const char *name, const char *type, const char *label,
		  const char *value, int required, int maxlength, const char *autocomplete, const char *hint)
{
	int bad = at && at->bad_field && strcmp(at->bad_field, name) == 0;
	tm_html(&req->body, "<p><label for=\"pf-%r\">%s</label> <input id=\"pf-%r\" name=\"%r\" type=\"%r\" maxlength=\"%d\" "
			    "autocomplete=\"%r\" value=\"%s\"%r%r>",
		name, label, name, name, type, maxlength, autocomplete, value ? value : "", required ? " required" : "",
		bad ? " aria-invalid=\"true\"" : "");
	if (hint)
		tm_html(&req->body, "<br><small>%s</small>", hint);
	tm_buf_adds(&req->body, "</p>\n");
}

static void sign_form(tm_req *req, const tm_petition *p, const char *status, const char *purged, int takes,
		      const struct attempt *at)
{
	tm_buf *b = &req->body;
	tm_html(b, "<section class=\"petition-sign\" id=\"sign\">\n<h2>%s</h2>\n", T("petition.sign_heading"));
	if (strcmp(status, "open") != 0) {
		tm_html(b, "<p class=\"notice\">%s</p>\n",
			strcmp(status, "closed") == 0 ? T("petition.closed") : T("petition.upcoming"));
		if (purged) {
			tm_html(b, "<p class=\"notice purged\">%s ", T("petition.purged"));
			date_words(req, purged);
			tm_buf_adds(b, zh(req) ? "。</p>\n" : ".</p>\n");
		}
		tm_buf_adds(b, "</section>\n");
		return;
	}
	if (!takes) {
		tm_html(b, "<p class=\"notice\">%s</p>\n</section>\n", T("petition.unavailable"));
		return;
	}
	if (at && at->error)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", T(at->error));
	tm_html(b, "<form method=\"post\" action=\"/petitions/%q?%r#sign\" class=\"petition-form\">\n", p->id,
		tm_page_lang_arg(req));
	tm_page_guard_fields(req);
	field(req, at, "name", "text", T("petition.name"), at ? at->name : NULL, 1, TM_SEAL_NAME_MAX, "name", NULL);
	field(req, at, "email", "email", T("petition.email"), at ? at->email : NULL, 1, TM_SEAL_EMAIL_MAX, "email",
	      T("petition.email_hint"));
	field(req, at, "city", "text", T("petition.city"), at ? at->city : NULL, 0, TM_SEAL_NAME_MAX, "address-level2",
	      NULL);
	tm_html(b,
		"<p><label><input type=\"checkbox\" name=\"show\" value=\"1\"%r> %s</label></p>\n"
		"<p><button type=\"submit\">%s</button></p>\n</form>\n</section>\n",
		at && at->show ? " checked" : "", T("petition.show"), T("petition.sign"));
}

static void render(tm_req *req, const tm_petition *p, const struct attempt *at)
{
	char today[16];
	tm_view_today(today);
	json_t *o;
	tm_err err = { 0 };
	if (tm_view_petition(req->st, p, today, 1, &o, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	req->r_live = 1;
	const char *status = json_string_value(json_object_get(o, "status"));
	int takes = tm_http_petition_key(req, p->public_key) != NULL && strcmp(status, "open") == 0;
	tm_buf *b = &req->body;
	const char *title = tm_bitext_pick(&p->title, req->lang, NULL);
	tm_page_begin(req, title ? title : p->id);
	tm_html(b, "<article class=\"petition\" data-id=\"%s\">\n<h1>", p->id);
	tm_page_bitext(req, &p->title);
	tm_html(b, "</h1>\n<p><span class=\"status status-%r\">%s</span></p>\n", status, status_label(req, status));
	if (p->target.en || p->target.zh) {
		tm_html(b, "<p class=\"petition-target\">%s%s", T("petition.to"), zh(req) ? "：" : ": ");
		tm_page_bitext(req, &p->target);
		tm_buf_adds(b, "</p>\n");
	}
	count_line(req, o, 1);
	if (tm_req_arg(req, "signed") && !at)
		tm_html(b, "<p class=\"notice\" id=\"signed\" role=\"status\">%s</p>\n", T("petition.signed"));
	paragraphs(req, &p->text);

	tm_html(b, "<dl class=\"facts\">\n<dt>%s</dt><dd>", T("petition.opens"));
	date_words(req, p->opens);
	tm_html(b, "</dd>\n<dt>%s</dt><dd>", T("petition.closes"));
	if (p->closes[0])
		date_words(req, p->closes);
	else
		tm_html(b, "%s", T("petition.no_end"));
	tm_buf_adds(b, "</dd>\n");
	json_t *ents = json_object_get(o, "entities");
	if (json_array_size(ents)) {
		tm_html(b, "<dt>%s</dt><dd>", T("petition.about"));
		size_t i;
		json_t *e;
		json_array_foreach(ents, i, e) {
			if (i)
				tm_buf_adds(b, zh(req) ? "、" : ", ");
			tm_page_entity_link(req, e);
		}
		tm_buf_adds(b, "</dd>\n");
	}
	json_t *action = json_object_get(o, "action");
	if (json_is_object(action)) {
		tm_action a;
		tm_html(b, "<dt>%s</dt><dd><a href=\"/actions/%q?%r\">", T("petition.action"), p->action,
			tm_page_lang_arg(req));
		if (tm_store_get_action(req->st, p->action, &a, NULL, NULL) == TM_OK) {
			tm_page_bitext(req, &a.title);
			tm_action_release(&a);
		} else {
			tm_html(b, "%s", p->action);
		}
		tm_buf_adds(b, "</a></dd>\n");
	}
	tm_buf_adds(b, "</dl>\n");

	sign_form(req, p, status, json_string_value(json_object_get(o, "purged")), takes, at);

	tm_html(b,
		"<section class=\"petition-privacy\">\n<h2>%s</h2>\n<ul>\n<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n"
		"<li>%s</li>\n<li>%s</li>\n</ul>\n",
		T("petition.privacy_heading"), T("petition.privacy_1"), T("petition.privacy_2"), T("petition.privacy_3"),
		T("petition.privacy_4"), T("petition.privacy_5"));
	json_t *fp = json_object_get(o, "fingerprint");
	if (fp)
		tm_html(b, "<p>%s%s<code class=\"fingerprint\">%s</code><br><small>%s</small></p>\n",
			T("petition.fingerprint"), zh(req) ? "：" : ": ", json_string_value(fp),
			T("petition.fingerprint_hint"));
	tm_buf_adds(b, "</section>\n");

	long long shown = (long long)json_integer_value(json_object_get(o, "shown"));
	tm_html(b, "<section class=\"petition-signers\">\n<h2>%s (%ld)</h2>\n", T("petition.shown_heading"), (long)shown);
	if (!shown) {
		tm_html(b, "<p class=\"empty\">%s</p>\n", T("petition.shown_none"));
	} else {
		tm_buf_adds(b, "<ul class=\"signers\">\n");
		if (tm_store_petition_shown(req->st, p->id, SHOWN_ON_PAGE, 0, shown_one, req, &err)) {
			json_decref(o);
			tm_req_fail_err(req, &err);
			return;
		}
		tm_buf_adds(b, "</ul>\n");
		if (shown > SHOWN_ON_PAGE)
			tm_html(b, "<p>%s <a href=\"/api/v1/petitions/%q\">/api/v1/petitions/%s</a></p>\n",
				T("petition.shown_more"), p->id, p->id);
	}
	tm_buf_adds(b, "</section>\n</article>\n");
	json_decref(o);
	tm_page_end(req);
}

/* The checkbox: "1" as the form sends it, or "on" from a form without a value. */
static int checked(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "yes") == 0);
}

/* Seal and store one signature, then send the signer back to the page; or
 * refuse, with the page again (a field to correct) or an error. */
static void sign(tm_req *req, const tm_petition *p)
{
	char today[16];
	tm_view_today(today);
	int phase = tm_petition_phase(p, today);
	if (phase) {
		tm_req_fail(req, 403, phase > 0 ? "petition_closed" : "petition_not_open", "%s",
			    T(phase > 0 ? "petition.closed" : "petition.upcoming"));
		return;
	}
	tm_petition_counts counts;
	tm_err err = { 0 };
	if (tm_store_petition_counts(req->st, p->id, NULL, NULL, &counts, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (counts.purged[0]) {
		/* its dedup hashes are gone: a repeated address would count twice */
		tm_req_fail(req, 403, "petition_closed", "%s", T("petition.closed"));
		return;
	}
	const tm_seal_server_key *key = tm_http_petition_key(req, p->public_key);
	if (!key) {
		tm_req_fail(req, 503, "petition_unavailable", "%s", T("petition.unavailable"));
		return;
	}
	tm_seal_signer s = { 0 };
	const char *name = tm_req_form(req, "name"), *email = tm_req_form(req, "email"), *city = tm_req_form(req, "city");
	s.name = tm_xstrdup(name);
	s.email = tm_xstrdup(email);
	s.city = tm_xstrdup(city);
	s.show = checked(tm_req_form(req, "show"));
	const char *bad = NULL;
	if (tm_seal_signer_check(&s, &bad)) {
		struct attempt at = { NULL, bad, name, email, city, s.show };
		at.error = strcmp(bad, "name") == 0 ? "petition.bad_name" :
			   strcmp(bad, "email") == 0 ? "petition.bad_email" :
						       "petition.bad_city";
		tm_seal_signer_release(&s);
		render(req, p, &at);
		req->r_status = 400;
		req->r_nocache = 1;
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(s.signed_at, sizeof(s.signed_at), "%Y-%m-%dT%H:%M:%SZ", &tm);

	tm_buf norm = TM_BUF_INIT, sealed = TM_BUF_INIT;
	unsigned char dedup[TM_SEAL_DEDUP_BYTES];
	tm_rc rc = tm_seal_email_norm(s.email, &norm, &err);
	if (!rc) {
		tm_seal_dedup(key->dedup, p->id, norm.buf, dedup);
		rc = tm_seal_signature(key->pk, p->id, &s, &sealed, &err);
	}
	memset(norm.buf, 0, norm.len);
	tm_buf_release(&norm);
	int added = 0;
	if (!rc) {
		tm_store *w = tm_http_writer_lock(req);
		if (!w) {
			rc = tm_fail(&err, TM_ERR_LIMIT, "read-only");
		} else {
			if (!(rc = tm_store_begin(w, &err)) &&
			    !(rc = tm_store_petition_sign(w, p->id, dedup, sealed.buf, sealed.len, today,
							  s.show ? s.name : NULL, s.show ? s.city : NULL, &added, &err)))
				rc = tm_store_commit(w, &err);
			if (rc)
				tm_store_rollback(w);
			tm_http_writer_unlock(req);
		}
	}
	tm_buf_release(&sealed);
	tm_seal_signer_release(&s);
	if (rc) {
		/* the message names no field, nor what was typed */
		tm_req_fail(req, 503, "petition_unavailable", "%s", T("petition.failed"));
		return;
	}
	if (added)
		tm_http_live_bump(req);
	/* a repeated address gets this same answer: the form tells no one
	 * whether an address had signed */
	tm_buf loc = TM_BUF_INIT;
	tm_buf_adds(&loc, "/petitions/");
	tm_url_enc(&loc, p->id);
	tm_buf_addf(&loc, "?%s&signed=1#signed", tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

void tm_http_page_petition(tm_req *req)
{
	tm_petition p;
	tm_err err = { 0 };
	if (tm_store_get_petition(req->st, tm_req_param(req, "id"), &p, &err)) {
		if (err.rc == TM_ERR_NOTFOUND)
			tm_req_fail(req, 404, "not_found", "%s", T("petition.unknown"));
		else
			tm_req_fail_err(req, &err);
		return;
	}
	if (strcmp(req->method, "POST") == 0)
		sign(req, &p);
	else
		render(req, &p, NULL);
	tm_petition_release(&p);
}

/* ---- on an action's page and in the actions log ---- */

struct action_ctx {
	tm_req *req;
	int brief;
	char today[16];
};

static int action_one(void *ctx, const tm_petition *p)
{
	struct action_ctx *c = ctx;
	tm_req *req = c->req;
	json_t *o;
	tm_err err = { 0 };
	if (tm_view_petition(req->st, p, c->today, 0, &o, &err))
		return 1; /* the store keeps its failure, and the server answers with it */
	req->r_live = 1;
	long long n = (long long)json_integer_value(json_object_get(o, "signatures"));
	const char *status = json_string_value(json_object_get(o, "status"));
	if (c->brief) {
		tm_html(&req->body, " <a class=\"petition-brief\" href=\"/petitions/%q?%r\">%ld %s</a>", p->id,
			tm_page_lang_arg(req), (long)n, T("petition.signatures"));
	} else {
		tm_html(&req->body, "<li><a href=\"/petitions/%q?%r\">", p->id, tm_page_lang_arg(req));
		tm_page_bitext(req, &p->title);
		tm_html(&req->body, "</a> <span class=\"status status-%r\">%s</span>", status, status_label(req, status));
		count_line(req, o, 0);
		tm_buf_adds(&req->body, "</li>\n");
	}
	json_decref(o);
	return 0;
}

void tm_page_action_petitions(tm_req *req, const char *action_id, int brief)
{
	struct action_ctx c = { req, brief, "" };
	tm_view_today(c.today);
	size_t at = req->body.len;
	if (!brief)
		tm_html(&req->body, "<h2>%s</h2>\n<ul class=\"petitions\">\n", T("action.petitions"));
	size_t before = req->body.len;
	tm_err err = { 0 };
	tm_store_each_petition(req->st, action_id, action_one, &c, &err);
	if (req->body.len == before) {
		/* none: nothing at all, not even the heading */
		req->body.len = at;
		req->body.buf[at] = '\0';
		return;
	}
	if (!brief)
		tm_buf_adds(&req->body, "</ul>\n");
}
