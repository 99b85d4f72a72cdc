/*
 * A copy's payload, read back from its WARC file, and its text.
 *
 * HTML goes through libxml2's HTML parser, which reads tag soup as browsers
 * do and decodes the character set (from the Content-Type, else from the
 * page's <meta>).  PDF goes through poppler's pdftotext in a child process
 * rather than libpoppler in this one: poppler is a large parser of hostile
 * input, and a PDF that crashes it or loops must cost a child with a time
 * and memory limit, not tiemap; the child also keeps glib and cairo, which
 * libpoppler-glib would bring, out of the binary.
 */
#include "archive/archive_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#define MAX_WARC_FILE ((size_t)1 << 30) /* bytes of a WARC file read */
#define MAX_TEXT ((size_t)32 << 20)     /* bytes of text kept from one copy */
#define PDF_SECONDS 60                  /* pdftotext's time, CPU and wall clock */
#define PDF_MEMORY ((rlim_t)2 << 30)    /* and its address space */

void tm_payload_release(tm_payload *p)
{
	free(p->data);
	free(p->content_type);
	free(p->content_encoding);
	memset(p, 0, sizeof(*p));
}

static tm_rc read_file(const char *path, tm_buf *out, tm_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tm_fail(err, errno == ENOENT ? TM_ERR_NOTFOUND : TM_ERR_IO, "unable to open '%s': %s", path,
			       strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > MAX_WARC_FILE) {
		close(fd);
		return tm_fail(err, TM_ERR_IO, "'%s' is not a WARC file tiemap reads (a regular file of at most 1 GiB)",
			       path);
	}
	tm_buf_reset(out);
	char chunk[65536];
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			tm_rc rc = tm_fail(err, TM_ERR_IO, "unable to read '%s': %s", path, strerror(errno));
			close(fd);
			return rc;
		}
		if (k == 0)
			break;
		if (out->len + (size_t)k > MAX_WARC_FILE) {
			close(fd);
			return tm_fail(err, TM_ERR_IO, "'%s' grew past 1 GiB while read", path);
		}
		tm_buf_add(out, chunk, (size_t)k);
	}
	close(fd);
	return TM_OK;
}

tm_rc tm_archive_read_warc(const char *dir, const tm_capture *c, tm_buf *out, tm_err *err)
{
	if (!tm_warc_name_valid(c->warc))
		return tm_fail(err, TM_ERR_INVALID, "bad WARC file name '%s'", c->warc ? c->warc : "");
	tm_buf path = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/%s", dir, c->warc);
	tm_rc rc = read_file(path.buf, out, err);
	char sha[TM_SHA256_HEX];
	if (!rc) {
		tm_sha256_hex(out->buf, out->len, sha);
		if (strcmp(sha, c->warc_sha256) != 0)
			rc = tm_fail(err, TM_ERR_IO, "'%s' is damaged: its SHA-256 is not the one recorded", path.buf);
	}
	tm_buf_release(&path);
	return rc;
}

tm_rc tm_archive_payload(const char *dir, const tm_capture *c, tm_payload *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_buf path = TM_BUF_INIT, file = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/%s", dir, c->warc);
	char sha[TM_SHA256_HEX];
	tm_rc rc = tm_archive_read_warc(dir, c, &file, err);
	if (rc)
		goto out;
	/* the last response record: the end of the redirects */
	tm_http_msg last = { 0 };
	int found = 0;
	size_t off = 0;
	tm_warc_rec rec;
	while ((rc = tm_warc_next(file.buf, file.len, &off, &rec, err)) == TM_OK) {
		char *type = tm_archive_header(rec.head, rec.head_len, "WARC-Type");
		int response = type && strcmp(type, "response") == 0;
		free(type);
		if (response && (rc = tm_http_response_split(rec.block, rec.block_len, &last, err)))
			goto out;
		found |= response;
	}
	if (rc != TM_ERR_NOTFOUND)
		goto out;
	rc = TM_OK;
	if (!found) {
		rc = tm_fail(err, TM_ERR_INVALID, "'%s' holds no response record", path.buf);
		goto out;
	}
	tm_sha256_hex(last.body, last.body_len, sha);
	if (strcmp(sha, c->sha256) != 0) {
		rc = tm_fail(err, TM_ERR_IO, "'%s' is damaged: its payload's SHA-256 is not the one recorded", path.buf);
		goto out;
	}
	/* not strndup: a PDF, an image holds NUL bytes */
	out->data = tm_xmalloc(last.body_len + 1);
	memcpy(out->data, last.body, last.body_len);
	out->data[last.body_len] = '\0';
	out->len = last.body_len;
	out->content_type = tm_archive_header(last.head, last.head_len, "Content-Type");
	out->content_encoding = tm_archive_header(last.head, last.head_len, "Content-Encoding");
out:
	tm_buf_release(&path);
	tm_buf_release(&file);
	return rc;
}

/* ---- what kind of document ---- */

enum doc_kind { DOC_OTHER, DOC_HTML, DOC_PDF, DOC_TEXT };

/* The media type of a Content-Type, lower case, into out; the charset
 * parameter, if any, into charset. */
static void media_type(const char *ct, char *out, size_t cap, char *charset, size_t ccap)
{
	out[0] = charset[0] = '\0';
	if (!ct)
		return;
	size_t n = 0;
	while (*ct == ' ')
		ct++;
	for (const char *p = ct; *p && *p != ';' && *p != ' ' && n + 1 < cap; p++)
		out[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	out[n] = '\0';
	const char *cs = NULL;
	for (const char *p = ct; *p && !cs; p++)
		if (strncasecmp(p, "charset=", 8) == 0)
			cs = p + 8;
	if (!cs)
		return;
	if (*cs == '"')
		cs++;
	n = 0;
	while (*cs && *cs != ';' && *cs != '"' && *cs != ' ' && n + 1 < ccap)
		charset[n++] = *cs++;
	charset[n] = '\0';
}

static enum doc_kind doc_kind(const tm_payload *p, char *charset, size_t ccap)
{
	char type[128];
	media_type(p->content_type, type, sizeof(type), charset, ccap);
	if (strcmp(type, "text/html") == 0 || strcmp(type, "application/xhtml+xml") == 0)
		return DOC_HTML;
	if (strcmp(type, "application/pdf") == 0 || strcmp(type, "application/x-pdf") == 0)
		return DOC_PDF;
	if (strcmp(type, "text/plain") == 0)
		return DOC_TEXT;
	/* a server that names no type, or a generic one: what the bytes begin with */
	if (!type[0] || strcmp(type, "application/octet-stream") == 0 || strcmp(type, "binary/octet-stream") == 0) {
		if (p->len >= 5 && memcmp(p->data, "%PDF-", 5) == 0)
			return DOC_PDF;
		size_t i = 0;
		while (i < p->len && i < 512 && (p->data[i] == ' ' || p->data[i] == '\n' || p->data[i] == '\r' ||
						  p->data[i] == '\t'))
			i++;
		if (p->len - i >= 5 && (strncasecmp(p->data + i, "<!doc", 5) == 0 || strncasecmp(p->data + i, "<html", 5) == 0))
			return DOC_HTML;
	}
	return DOC_OTHER;
}

/* ---- HTML ---- */

static void xml_init(void)
{
	xmlInitParser();
}

static htmlDocPtr html_parse(const char *data, size_t len, const char *charset)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, xml_init);
	if (len > INT_MAX)
		len = INT_MAX;
	/* no charset named: UTF-8 when the bytes are that, else the page's <meta>
	 * (libxml2 looks for it when given none) */
	const char *enc = charset && *charset ? charset : tm_utf8_valid(data, len) ? "UTF-8" : NULL;
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
	htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, enc, opts);
	if (!doc && enc)
		doc = htmlReadMemory(data, (int)len, NULL, NULL, opts); /* a charset libxml2 does not know */
	return doc;
}

static int name_in(const xmlChar *name, const char *const *list)
{
	for (; *list; list++)
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return 1;
	return 0;
}

/* Elements whose content is not text a reader sees. */
static const char *const hidden[] = { "script", "style", "noscript", "template", "svg", "math", "canvas",
				      "iframe", "object", "embed", "select", NULL };
/* Elements that stand on lines of their own. */
static const char *const blocks[] = { "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
				      "h4", "h5", "h6", "tr", "td", "th", "table", "blockquote", "pre", "section",
				      "article", "header", "footer", "nav", "aside", "main", "figure",
				      "figcaption", "title", "hr", "address", "form", "caption", NULL };

/* The text of the tree under root, walked without recursion (a page may
 * nest deeper than a stack should). */
static void html_text(xmlNodePtr root, tm_buf *out)
{
	xmlNodePtr n = root;
	while (n) {
		int descend = 0;
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content && out->len < MAX_TEXT)
				tm_buf_adds(out, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (name_in(n->name, blocks))
				tm_buf_addch(out, '\n');
			descend = !name_in(n->name, hidden);
		} else if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
			descend = 1;
		}
		if (descend && n->children) {
			n = n->children;
			continue;
		}
		/* up until there is a next sibling, closing blocks on the way */
		while (n && n != root && !n->next) {
			n = n->parent;
			if (n && n->type == XML_ELEMENT_NODE && name_in(n->name, blocks))
				tm_buf_addch(out, '\n');
		}
		if (!n || n == root)
			break;
		n = n->next;
	}
}

int tm_archive_html_refreshes(const char *data, size_t len)
{
	htmlDocPtr doc = html_parse(data, len, NULL);
	if (!doc)
		return 0;
	int found = 0;
	xmlNodePtr n = (xmlNodePtr)doc;
	while (n && !found) {
		if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)"meta") == 0) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"http-equiv");
			found = v && xmlStrcasecmp(v, (const xmlChar *)"refresh") == 0;
			xmlFree(v);
		}
		if (n->children && (n->type != XML_ELEMENT_NODE || !name_in(n->name, hidden))) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	xmlFreeDoc(doc);
	return found;
}

static tm_rc html_to_text(const tm_payload *p, const char *charset, tm_buf *out, tm_err *err)
{
	htmlDocPtr doc = html_parse(p->data, p->len, charset);
	if (!doc)
		return tm_fail(err, TM_ERR_INVALID, "the HTML could not be read");
	html_text((xmlNodePtr)doc, out);
	xmlFreeDoc(doc);
	return TM_OK;
}

/* ---- PDF ---- */

static tm_rc pdf_to_text(const tm_payload *p, tm_buf *out, tm_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	tm_buf path = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/tiemap-pdf-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path.buf);
	if (fd < 0) {
		tm_rc rc = tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", path.buf, strerror(errno));
		tm_buf_release(&path);
		return rc;
	}
	size_t at = 0;
	while (at < p->len) {
		ssize_t k = write(fd, p->data + at, p->len - at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		at += (size_t)k;
	}
	close(fd);
	tm_rc rc = TM_OK;
	int pipefd[2] = { -1, -1 };
	pid_t pid = -1;
	if (at < p->len) {
		rc = tm_fail(err, TM_ERR_IO, "unable to write '%s'", path.buf);
		goto out;
	}
	if (pipe(pipefd) != 0) {
		rc = tm_fail(err, TM_ERR_IO, "unable to run pdftotext: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = tm_fail(err, TM_ERR_IO, "unable to run pdftotext: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls until exec */
		int devnull = open("/dev/null", O_RDWR);
		dup2(pipefd[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		struct rlimit cpu = { PDF_SECONDS, PDF_SECONDS }, mem = { PDF_MEMORY, PDF_MEMORY };
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_AS, &mem);
		char *const argv[] = { "pdftotext", "-q", "-enc", "UTF-8", "-nopgbrk", path.buf, "-", NULL };
		execvp("pdftotext", argv);
		_exit(127);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	int over = 0, late = 0;
	time_t until = time(NULL) + PDF_SECONDS;
	char chunk[65536];
	for (;;) {
		struct pollfd pfd = { pipefd[0], POLLIN, 0 };
		int left = (int)(until - time(NULL));
		if (left <= 0) {
			late = 1;
			break;
		}
		int r = poll(&pfd, 1, left * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			late = r == 0;
			break;
		}
		ssize_t k = read(pipefd[0], chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (out->len + (size_t)k > MAX_TEXT) {
			over = 1;
			break;
		}
		tm_buf_add(out, chunk, (size_t)k);
	}
	if (late || over)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late)
		rc = tm_fail(err, TM_ERR_LIMIT, "pdftotext took longer than %d s", PDF_SECONDS);
	else if (over)
		rc = tm_fail(err, TM_ERR_LIMIT, "the PDF's text is longer than %zu bytes", MAX_TEXT);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		rc = tm_fail(err, TM_ERR_IO, "pdftotext is not installed (Debian: poppler-utils)");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = tm_fail(err, TM_ERR_INVALID, "pdftotext could not read the PDF (%s %d)",
			     WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	unlink(path.buf);
	tm_buf_release(&path);
	return rc;
}

tm_rc tm_archive_text(const tm_payload *p, char **text, tm_err *err)
{
	*text = NULL;
	if (p->content_encoding && strcasecmp(p->content_encoding, "identity") != 0)
		return tm_fail(err, TM_ERR_INVALID, "the copy is sent with Content-Encoding '%.40s', which tiemap does not read",
			       p->content_encoding);
	char charset[64];
	tm_buf out = TM_BUF_INIT;
	tm_rc rc = TM_OK;
	switch (doc_kind(p, charset, sizeof(charset))) {
	case DOC_HTML: rc = html_to_text(p, charset, &out, err); break;
	case DOC_PDF: rc = pdf_to_text(p, &out, err); break;
	case DOC_TEXT:
		if (charset[0] && strcasecmp(charset, "utf-8") != 0 && strcasecmp(charset, "us-ascii") != 0)
			rc = tm_fail(err, TM_ERR_INVALID, "plain text in charset '%s', which tiemap does not read", charset);
		else if (!tm_utf8_valid(p->data, p->len))
			rc = tm_fail(err, TM_ERR_INVALID, "plain text that is not UTF-8");
		else
			tm_buf_add(&out, p->data, p->len);
		break;
	default:
		rc = tm_fail(err, TM_ERR_INVALID, "a copy of type '%.60s' has no text tiemap reads",
			     p->content_type ? p->content_type : "unknown");
	}
	if (!rc && !tm_utf8_valid(out.buf, out.len))
		rc = tm_fail(err, TM_ERR_INTERNAL, "the text read is not UTF-8");
	if (!rc) {
		size_t i = 0;
		while (i < out.len && (out.buf[i] == ' ' || out.buf[i] == '\n' || out.buf[i] == '\t' || out.buf[i] == '\r'))
			i++;
		if (i == out.len)
			rc = tm_fail(err, TM_ERR_INVALID, "the copy has no text (a scanned PDF, or a page its scripts fill)");
	}
	if (rc) {
		tm_buf_release(&out);
		return rc;
	}
	*text = tm_buf_detach(&out);
	return TM_OK;
}
