/*
 * Fetching a source into a WARC file, with libcurl.
 *
 * Redirects are followed here, one request at a time, rather than by
 * libcurl's CURLOPT_FOLLOWLOCATION: each answer on the way is kept as its
 * own request and response records, as crawlers that write WARC files do,
 * so that the chain the copy came through can be read in the file.
 *
 * HTTP/1.1 only, so that the response records hold the messages as they
 * were sent; "Accept-Encoding: identity", so that the payload is the
 * document; a chunked body is kept decoded (its digest is the WARC
 * payload's), with the Transfer-Encoding header renamed
 * X-Archive-Orig-Transfer-Encoding, as pywb and warcio do for a header the
 * stored body no longer matches.  The whole file is built in memory (one
 * body is at most max_bytes), written to a temporary name, synced, and
 * renamed into place: a failed fetch leaves nothing.
 */
#include "archive/archive_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

/* Set up libcurl and libsodium once (neither is thread-safe to set up). */
static int global_init(void)
{
	static int done;
	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0)
			return -1;
		done = 1;
	}
	return 0;
}

/* One request and its answer. */
struct hop {
	char *url;      /* the URL asked for, as libcurl normalised it */
	char date[TM_TIME_MAX];
	char ip[64];    /* the server's address; "" through a proxy */
	tm_buf request; /* the request's header as sent */
	tm_buf head;    /* the response's status line and headers, as received */
	tm_buf body;    /* its body, transfer coding removed */
	int status;
};

static void hop_release(struct hop *h)
{
	free(h->url);
	tm_buf_release(&h->request);
	tm_buf_release(&h->head);
	tm_buf_release(&h->body);
}

/* What libcurl's callbacks fill. */
struct xfer {
	struct hop *hop;
	int64_t max_bytes;
	int over;         /* the body passed max_bytes */
	int request_done; /* a whole request header was seen: a new one starts afresh */
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n;
	if ((int64_t)(x->hop->body.len + len) > x->max_bytes) {
		x->over = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	tm_buf_add(&x->hop->body, p, len);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n;
	/* a status line starts a response: an interim 1xx before it is dropped */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		tm_buf_reset(&x->hop->head);
	if (x->hop->head.len + len > ((size_t)1 << 20))
		return 0; /* a megabyte of headers: libcurl fails the transfer */
	if (tm_archive_header_is(p, len, "Transfer-Encoding"))
		tm_buf_adds(&x->hop->head, "X-Archive-Orig-");
	tm_buf_add(&x->hop->head, p, len);
	return len;
}

static int on_debug(CURL *h, curl_infotype type, char *p, size_t len, void *ctx)
{
	(void)h;
	struct xfer *x = ctx;
	if (type != CURLINFO_HEADER_OUT)
		return 0;
	/* a CONNECT to a proxy comes first; the request kept is the last */
	if (x->request_done) {
		tm_buf_reset(&x->hop->request);
		x->request_done = 0;
	}
	tm_buf_add(&x->hop->request, p, len);
	if (x->hop->request.len >= 4 && memcmp(x->hop->request.buf + x->hop->request.len - 4, "\r\n\r\n", 4) == 0)
		x->request_done = 1;
	return 0;
}

static void utc_now(time_t t, char out[TM_TIME_MAX])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TM_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The file name of source's capture at t: "SOURCE-YYYYMMDDhhmmss.warc". */
static char *warc_name(const char *source, time_t t)
{
	struct tm tm;
	char stamp[16];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s-%s.warc", source, stamp);
	return tm_buf_detach(&b);
}

/* A URL the capture can record: the import takes back what archive wrote. */
static int is_http_url(const char *u)
{
	return tm_url_http(u);
}

/* The reason phrase of a status line, for messages ("Not Found"). */
static void reason_of(const tm_buf *head, char *out, size_t cap)
{
	out[0] = '\0';
	const char *sp = memchr(head->buf, ' ', head->len);
	const char *nl = memchr(head->buf, '\n', head->len);
	if (!sp || !nl || sp > nl || (size_t)(nl - sp) < 5)
		return;
	const char *r = sp + 5; /* past " 404 " */
	size_t n = (size_t)(nl - r);
	while (n && (r[n - 1] == '\r' || r[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (r[i] >= 0x20 && r[i] < 0x7f) ? r[i] : '?';
	out[n] = '\0';
}

static tm_rc curl_fail(tm_err *err, CURLcode cc, const char *url, const char *why, const tm_fetch_opts *o,
		       const struct xfer *x)
{
	if (x->over || cc == CURLE_FILESIZE_EXCEEDED)
		return tm_fail(err, TM_ERR_LIMIT, "'%s': the response is larger than the cap of %lld bytes (--max-size)",
			       url, (long long)o->max_bytes);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return tm_fail(err, TM_ERR_LIMIT, "'%s': no complete answer within %g s (--timeout): %s", url, o->timeout,
			       why);
	return tm_fail(err, TM_ERR_IO, "'%s': %s", url, why);
}

/* One request of url on h into hop, begun at t. */
static tm_rc fetch_one(CURL *h, const char *url, time_t t, const tm_fetch_opts *o, struct hop *hop, tm_err *err)
{
	struct xfer x = { hop, o->max_bytes, 0, 0 };
	char why[CURL_ERROR_SIZE] = "";
	utc_now(t, hop->date);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &x);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* for the debug callback: the request as sent */
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, why);
	CURLcode cc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (cc != CURLE_OK)
		return curl_fail(err, cc, url, why[0] ? why : curl_easy_strerror(cc), o, &x);
	long status = 0;
	char *eff = NULL, *ip = NULL;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
	hop->status = (int)status;
	hop->url = tm_xstrdup(eff ? eff : url);
	snprintf(hop->ip, sizeof(hop->ip), "%s", o->proxy || !ip ? "" : ip);
	if (!hop->request.len || !hop->head.len)
		return tm_fail(err, TM_ERR_IO, "'%s': no HTTP exchange to record", url);
	return TM_OK;
}

static void set_options(CURL *h, const tm_fetch_opts *o, struct curl_slist *headers)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	/* "" turns off the proxies the environment names: an operator who needs
	 * one says so, and one who relies on Tor is never silently without it */
	curl_easy_setopt(h, CURLOPT_PROXY, o->proxy ? o->proxy : "");
	curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	/* cookies a redirect sets are sent on along the chain, and forgotten */
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
}

/* Write the hops as one WARC file at dir/name; its SHA-256 to sha. */
static tm_rc write_warc(const char *dir, const char *name, const char *source, struct hop *hops, size_t n,
			const tm_fetch_opts *o, char sha[TM_SHA256_HEX], tm_err *err)
{
	tm_buf w = TM_BUF_INIT, info = TM_BUF_INIT, extra = TM_BUF_INIT;
	char info_id[64];
	tm_buf_addf(&info,
		    "software: tiemap/0.1 libcurl/%s\r\n"
		    "format: WARC File Format 1.1\r\n"
		    "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
		    "description: source '%s' of a tiemap database, archived by 'tiemap archive'\r\n"
		    "http-header-user-agent: %s\r\n"
		    "robots: ignore\r\n",
		    curl_version_info(CURLVERSION_NOW)->version, source, o->user_agent);
	tm_buf_addf(&extra, "WARC-Filename: %s\r\n", name);
	tm_warc_put(&w, "warcinfo", hops[0].date, extra.buf, "application/warc-fields", info.buf, info.len, NULL, info_id);
	for (size_t i = 0; i < n; i++) {
		struct hop *h = &hops[i];
		char resp_id[64], payload[TM_SHA256_HEX];
		tm_buf block = TM_BUF_INIT;
		tm_buf_add(&block, h->head.buf, h->head.len);
		tm_buf_add(&block, h->body.buf, h->body.len);
		tm_sha256_hex(h->body.buf, h->body.len, payload);
		tm_buf_reset(&extra);
		tm_buf_addf(&extra, "WARC-Target-URI: %s\r\nWARC-Warcinfo-ID: %s\r\n", h->url, info_id);
		if (h->ip[0])
			tm_buf_addf(&extra, "WARC-IP-Address: %s\r\n", h->ip);
		tm_warc_put(&w, "response", h->date, extra.buf, "application/http;msgtype=response", block.buf,
			    block.len, payload, resp_id);
		tm_buf_reset(&extra);
		tm_buf_addf(&extra, "WARC-Target-URI: %s\r\nWARC-Warcinfo-ID: %s\r\nWARC-Concurrent-To: %s\r\n", h->url,
			    info_id, resp_id);
		tm_warc_put(&w, "request", h->date, extra.buf, "application/http;msgtype=request", h->request.buf,
			    h->request.len, NULL, NULL);
		tm_buf_release(&block);
	}
	tm_buf_release(&info);
	tm_buf_release(&extra);
	tm_sha256_hex(w.buf, w.len, sha);

	tm_buf path = TM_BUF_INIT, tmp = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/%s", dir, name);
	tm_buf_addf(&tmp, "%s/.%s.tmp", dir, name);
	tm_rc rc = TM_OK;
	int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	size_t at = 0;
	while (at < w.len) {
		ssize_t k = write(fd, w.buf + at, w.len - at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		at += (size_t)k;
	}
	if (at < w.len || fsync(fd) != 0) {
		rc = tm_fail(err, TM_ERR_IO, "unable to write '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	close(fd);
	/* link() rather than rename(): a file of the same name is never replaced */
	if (link(tmp.buf, path.buf) != 0)
		rc = tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", path.buf, strerror(errno));
	unlink(tmp.buf);
out:
	tm_buf_release(&path);
	tm_buf_release(&tmp);
	tm_buf_release(&w);
	return rc;
}

static tm_rc make_dir(const char *dir, tm_err *err)
{
	struct stat sb;
	if (stat(dir, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? TM_OK : tm_fail(err, TM_ERR_IO, "'%s' is not a folder", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return tm_fail(err, TM_ERR_IO, "unable to create the archive folder '%s': %s", dir, strerror(errno));
	return TM_OK;
}

tm_rc tm_archive_fetch(const char *dir, const char *source, const char *url, const tm_fetch_opts *opts,
		       tm_capture *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_fetch_opts o = opts ? *opts : (tm_fetch_opts){ 0 };
	if (o.timeout <= 0)
		o.timeout = 60;
	if (o.connect_timeout <= 0)
		o.connect_timeout = 20;
	if (o.connect_timeout > o.timeout)
		o.connect_timeout = o.timeout;
	if (o.max_bytes <= 0)
		o.max_bytes = TM_ARCHIVE_MAX_BYTES;
	if (o.max_redirects <= 0)
		o.max_redirects = 10;
	if (!o.user_agent)
		o.user_agent = TM_ARCHIVE_USER_AGENT;
	if (!tm_id_valid(source))
		return tm_fail(err, TM_ERR_INVALID, "bad source id '%s'", source);
	if (!url || !is_http_url(url))
		return tm_fail(err, TM_ERR_INVALID, "'%s' is not an http or https URL", url ? url : "");
	if (global_init())
		return tm_fail(err, TM_ERR_INTERNAL, "unable to set up libcurl or libsodium");
	tm_rc rc = make_dir(dir, err);
	if (rc)
		return rc;

	/* the file's name holds the second the fetch began: wait for the next
	 * second rather than reuse one that a capture of this source has */
	time_t t = time(NULL);
	char *name = warc_name(source, t);
	for (int tries = 0;; tries++) {
		tm_buf p = TM_BUF_INIT;
		tm_buf_addf(&p, "%s/%s", dir, name);
		int taken = access(p.buf, F_OK) == 0;
		tm_buf_release(&p);
		if (!taken)
			break;
		if (tries == 3) {
			free(name);
			return tm_fail(err, TM_ERR_IO, "a capture of '%s' in this second exists already", source);
		}
		struct timespec ts = { 0, 250 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		free(name);
		t = time(NULL);
		name = warc_name(source, t);
	}

	CURL *h = curl_easy_init();
	if (!h) {
		free(name);
		return tm_fail(err, TM_ERR_INTERNAL, "unable to start libcurl");
	}
	struct curl_slist *headers = NULL;
	headers = curl_slist_append(headers, "Accept: text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8");
	headers = curl_slist_append(headers, "Accept-Encoding: identity");
	set_options(h, &o, headers);

	struct hop *hops = NULL;
	size_t n = 0, cap = 0;
	char *next = tm_xstrdup(url);
	for (;;) {
		TM_GROW(hops, cap, n + 1);
		struct hop *hop = &hops[n++];
		memset(hop, 0, sizeof(*hop));
		if ((rc = fetch_one(h, next, n == 1 ? t : time(NULL), &o, hop, err)))
			break;
		if (!is_http_url(hop->url)) {
			rc = tm_fail(err, TM_ERR_IO, "'%.200s' is not a URL tiemap can record", hop->url);
			break;
		}
		if (hop->status < 300 || hop->status >= 400 || hop->status == 304)
			break;
		char *loc = NULL;
		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		if (!loc)
			break; /* a 3xx with no Location is the answer itself */
		if (!is_http_url(loc)) {
			rc = tm_fail(err, TM_ERR_IO, "'%s' redirects to '%.200s', which is not an http or https URL",
				     hop->url, loc);
			break;
		}
		if ((int)n > o.max_redirects) {
			rc = tm_fail(err, TM_ERR_LIMIT, "'%s': more than %d redirects", url, o.max_redirects);
			break;
		}
		free(next);
		next = tm_xstrdup(loc);
	}
	free(next);
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);

	struct hop *last = n ? &hops[n - 1] : NULL;
	if (!rc && (last->status < 200 || last->status >= 300)) {
		char reason[80];
		reason_of(&last->head, reason, sizeof(reason));
		rc = tm_fail(err, TM_ERR_NOTFOUND, "'%s': the server answered %d%s%s%s", last->url, last->status,
			     reason[0] ? " " : "", reason, n > 1 ? " (after redirects)" : "");
	}
	char sha[TM_SHA256_HEX];
	if (!rc)
		rc = write_warc(dir, name, source, hops, n, &o, sha, err);
	if (!rc) {
		out->source = tm_xstrdup(source);
		utc_now(t, out->fetched);
		out->url = tm_xstrdup(url);
		out->final_url = tm_xstrdup(last->url);
		out->status = last->status;
		out->content_type = tm_archive_header(last->head.buf, last->head.len, "Content-Type");
		out->length = (int64_t)last->body.len;
		tm_sha256_hex(last->body.buf, last->body.len, out->sha256);
		out->warc = name;
		name = NULL;
		memcpy(out->warc_sha256, sha, sizeof(sha));
		for (size_t i = 0; i + 1 < n; i++)
			tm_capture_add_redirect(out, hops[i].url, hops[i].status);
	}
	for (size_t i = 0; i < n; i++)
		hop_release(&hops[i]);
	free(hops);
	free(name);
	return rc;
}

int tm_archive_remove(const char *dir, const tm_capture *c)
{
	if (!tm_warc_name_valid(c->warc))
		return -1;
	tm_buf p = TM_BUF_INIT;
	tm_buf_addf(&p, "%s/%s", dir, c->warc);
	int r = unlink(p.buf);
	tm_buf_release(&p);
	return r;
}
