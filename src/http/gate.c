/*
 * The gate: the server's own accept loop in front of libmicrohttpd.
 *
 * Why it exists.  libmicrohttpd's connection timeout is an idle timeout:
 * every byte restarts it, so a client that sends one header line every few
 * seconds holds its connection for as long as it likes, and a few hundred
 * such clients (slowloris) fill every slot.  And the answers libmicrohttpd
 * writes itself to a malformed request (400, 414, 431, 505) carry none of
 * the security headers, since it offers no way to add them.  So the gate
 * accepts every connection, reads its first request head (with MSG_PEEK,
 * leaving the bytes in the socket) under a deadline that the bytes do not
 * restart, answers a head that is malformed or too large itself, with the
 * headers, and hands a complete one to libmicrohttpd (MHD_add_connection),
 * which then reads it at once.
 *
 * It also keeps the books of every open connection, in the gate or in
 * libmicrohttpd (which reports each one's start and end): a cap per client
 * address and in all, with a reserve (once the open connections pass
 * max - reserve, the one that has waited longest for a request is closed,
 * so a new client always finds room while slow ones come and go), and the
 * same deadline for each later request on a kept-alive connection (the
 * gate shuts such a socket down; libmicrohttpd then closes it).
 *
 * Threads: the gate's own (accept, peek, answer, sweep) and libmicrohttpd's
 * workers (their notifications, and the server's tm_gate_request_in/done)
 * meet under one mutex.  libmicrohttpd reports a connection's end before
 * it closes the socket, so the gate never shuts down a descriptor that has
 * been closed and reused.
 */
#define _GNU_SOURCE /* accept4 */
#include "http/gate.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define SWEEP_SECONDS 0.1   /* how often deadlines are looked at */
#define LINGER_SECONDS 2.0  /* reading and dropping what a refused client still sends */
#define HANDED_SECONDS 10.0 /* a handed connection libmicrohttpd never reported is forgotten */
#define MAX_HEADERS 64

enum { G_FREE, G_HEAD, G_LINGER, G_HANDED, G_MHD };

struct gconn {
	unsigned char state;   /* G_* */
	unsigned char head_in; /* its request's head is in, the body maybe not yet (G_HANDED, G_MHD) */
	unsigned char busy;    /* G_MHD: a whole request is in, its answer under way */
	unsigned char evicting; /* shut down, its end not yet reported */
	double since;          /* when the request under way could have begun: the accept, or the end of the last answer */
	unsigned char addr[16];
	struct sockaddr_storage sa;
	socklen_t salen;
	int prev, next;        /* the list of open ones, by descriptor; -1 ends it */
};

struct tm_gate {
	tm_gate_opts o;
	int lfd, ep, wake;
	struct MHD_Daemon *d;
	pthread_t thread;
	int started;
	atomic_int stop;

	pthread_mutex_t mu;
	struct gconn *c; /* by descriptor */
	int cap;
	int head;        /* first open one, or -1 */
	unsigned open, evicting;
	unsigned long refused, evicted, timed_out; /* counts, for the tests' eyes (tm_gate_stats) */
	char *peek;      /* max_head bytes */
};

/* ---- the books (under mu) ---- */

static void link_conn(tm_gate *g, int fd)
{
	struct gconn *e = &g->c[fd];
	e->prev = -1;
	e->next = g->head;
	if (g->head >= 0)
		g->c[g->head].prev = fd;
	g->head = fd;
	g->open++;
}

static void unlink_conn(tm_gate *g, int fd)
{
	struct gconn *e = &g->c[fd];
	if (e->state == G_FREE)
		return;
	if (e->prev >= 0)
		g->c[e->prev].next = e->next;
	else
		g->head = e->next;
	if (e->next >= 0)
		g->c[e->next].prev = e->prev;
	if (e->evicting)
		g->evicting--;
	g->open--;
	memset(e, 0, sizeof(*e));
	e->prev = e->next = -1;
}

static unsigned from_addr(tm_gate *g, const unsigned char a[16])
{
	unsigned n = 0;
	for (int fd = g->head; fd >= 0; fd = g->c[fd].next)
		n += !g->c[fd].evicting && memcmp(g->c[fd].addr, a, 16) == 0;
	return n;
}

/* Close a connection the gate holds (in the gate or lingering). */
static void drop(tm_gate *g, int fd)
{
	epoll_ctl(g->ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	unlink_conn(g, fd);
}

/* ---- answers the gate writes itself ---- */

static const char *reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* Write an error answer with the security headers and close the sending
 * side; the connection then lingers a little, reading and dropping what the
 * client still sends, so that our answer is not lost to a reset. */
static void answer(tm_gate *g, int fd, int status, const char *code, const char *msg, int api)
{
	char body[512], head[2048];
	int bl = api ? snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n", code, msg) :
		       snprintf(body, sizeof(body), "%s\n", msg);
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n"
			  "Cache-Control: no-store\r\n%s%s\r\n",
			  status, reason(status), api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", bl,
			  status == 503 ? "Retry-After: 5\r\n" : "", g->o.headers ? g->o.headers : "");
	if (hl < 0 || (size_t)hl >= sizeof(head))
		hl = 0;
	/* what was peeked is read now, so that closing does not reset; a few
	 * reads at most, so that a fast sender cannot keep the gate here */
	for (int i = 0; i < 4 && recv(fd, g->peek, g->o.max_head, MSG_DONTWAIT) > 0; i++)
		;
	send(fd, head, (size_t)hl, MSG_NOSIGNAL | MSG_DONTWAIT);
	send(fd, body, (size_t)bl, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_WR);
	g->c[fd].state = G_LINGER;
	g->c[fd].since = tm_now();
}

/* ---- reading a request head ---- */

struct verdict {
	int status;       /* 0: hand it over */
	const char *code; /* for the JSON answer */
	const char *msg;
	int api;          /* the target is under /api/ */
};

static int verdict(struct verdict *v, int status, const char *code, const char *msg)
{
	v->status = status;
	v->code = code;
	v->msg = msg;
	return 1;
}

/* Where the head [p, p+n) ends (after its empty line), or 0. */
static size_t head_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int ieq(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

/* The request line [p, p+n) (without its line end). */
static int check_line(const tm_gate_opts *o, const char *p, size_t n, int *http10, struct verdict *v)
{
	size_t i = 0;
	while (i < n && p[i] >= 'A' && p[i] <= 'Z' && i < 16)
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return verdict(v, 400, "bad_request", "malformed request line");
	const char *t = p + i + 1, *end = memchr(t, ' ', (size_t)(p + n - t));
	if (!end)
		return verdict(v, 400, "bad_request", "malformed request line");
	size_t tl = (size_t)(end - t);
	v->api = tl >= 5 && memcmp(t, "/api/", 5) == 0;
	if (tl > o->max_uri)
		return verdict(v, 414, "uri_too_long", "the request target is too long");
	if (tl == 0 || *t != '/')
		return verdict(v, 400, "bad_request", "the request target must be a path");
	size_t args = 0;
	const char *q = memchr(t, '?', tl);
	for (const char *s = t; s < end; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return verdict(v, 400, "bad_path", "control characters in the request target");
		args += q && s > q && *s == '&';
	}
	if (q && args + 1 > o->max_args)
		return verdict(v, 400, "too_many_parameters", "too many query parameters");
	const char *ver = end + 1;
	size_t vl = (size_t)(p + n - ver);
	if (ieq(ver, vl, "HTTP/1.1"))
		*http10 = 0;
	else if (ieq(ver, vl, "HTTP/1.0"))
		*http10 = 1;
	else if (vl >= 5 && memcmp(ver, "HTTP/", 5) == 0)
		return verdict(v, 505, "http_version", "only HTTP/1.0 and HTTP/1.1 are served");
	else
		return verdict(v, 400, "bad_request", "malformed request line");
	return 0;
}

/* The header lines between the request line and the empty line. */
static int check_headers(const char *p, const char *end, int http10, struct verdict *v)
{
	size_t count = 0;
	int host = 0, length = 0, chunked = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (++count > MAX_HEADERS)
			return verdict(v, 431, "headers_too_large", "too many header fields");
		const char *colon = memchr(p, ':', n);
		if (!colon || colon == p || *p == ' ' || *p == '\t')
			return verdict(v, 400, "bad_request", "malformed header field");
		size_t kl = (size_t)(colon - p);
		for (size_t i = 0; i < kl; i++)
			if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
				return verdict(v, 400, "bad_request", "malformed header field");
		const char *val = colon + 1, *ve = p + n;
		for (const char *s = val; s < ve; s++)
			if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
				return verdict(v, 400, "bad_request", "control characters in a header field");
		while (val < ve && (*val == ' ' || *val == '\t'))
			val++;
		while (ve > val && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ieq(p, kl, "Host"))
			host++;
		else if (ieq(p, kl, "Content-Length")) {
			/* one plain decimal: anything else is how requests get smuggled */
			if (length++ || ve == val || ve - val > 18)
				return verdict(v, 400, "bad_request", "malformed Content-Length");
			for (const char *s = val; s < ve; s++)
				if (*s < '0' || *s > '9')
					return verdict(v, 400, "bad_request", "malformed Content-Length");
		} else if (ieq(p, kl, "Transfer-Encoding")) {
			if (!ieq(val, (size_t)(ve - val), "chunked"))
				return verdict(v, 400, "bad_request", "only chunked transfer coding is understood");
			chunked = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (!http10 && host != 1)
		return verdict(v, 400, "bad_request", "an HTTP/1.1 request needs one Host header");
	if (length && chunked)
		return verdict(v, 400, "bad_request", "both Content-Length and Transfer-Encoding");
	return 0;
}

/* 0 while the head is incomplete; 1 with v->status 0 when it may go on;
 * 1 with a status when the gate answers it. */
static int check_head(const tm_gate_opts *o, const char *p, size_t n, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	const char *nl = memchr(p, '\n', n);
	if (!nl) {
		if (n > o->max_uri + 32 || n >= o->max_head)
			return verdict(v, 414, "uri_too_long", "the request target is too long");
		return 0;
	}
	size_t ll = (size_t)(nl - p);
	int http10 = 0;
	/* the request line is judged as soon as it is in */
	if (check_line(o, p, ll && p[ll - 1] == '\r' ? ll - 1 : ll, &http10, v))
		return 1;
	size_t hend = head_end(p, n);
	if (!hend) {
		if (n >= o->max_head)
			return verdict(v, 431, "headers_too_large", "the request header is too large");
		return 0;
	}
	check_headers(nl + 1, p + hend, http10, v);
	return 1;
}

/* Data came on a connection in the gate. */
static void on_readable(tm_gate *g, int fd)
{
	pthread_mutex_lock(&g->mu);
	struct gconn *e = &g->c[fd];
	if (e->state == G_LINGER) {
		char buf[4096];
		ssize_t r = 1;
		for (int i = 0; i < 16 && (r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0; i++)
			;
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			drop(g, fd);
		pthread_mutex_unlock(&g->mu);
		return;
	}
	if (e->state != G_HEAD) {
		pthread_mutex_unlock(&g->mu);
		return;
	}
	ssize_t n = recv(fd, g->peek, g->o.max_head, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		drop(g, fd);
		pthread_mutex_unlock(&g->mu);
		return;
	}
	struct verdict v;
	if (n < 0 || !check_head(&g->o, g->peek, (size_t)n, &v)) {
		pthread_mutex_unlock(&g->mu);
		return;
	}
	if (v.status) {
		g->refused++;
		answer(g, fd, v.status, v.code, v.msg, v.api);
		pthread_mutex_unlock(&g->mu);
		return;
	}
	/* a whole head: libmicrohttpd takes it from here */
	epoll_ctl(g->ep, EPOLL_CTL_DEL, fd, NULL);
	e->state = G_HANDED;
	e->head_in = 1;
	struct sockaddr_storage sa = e->sa;
	socklen_t salen = e->salen;
	pthread_mutex_unlock(&g->mu);
	if (MHD_add_connection(g->d, fd, (const struct sockaddr *)&sa, salen) != MHD_YES) {
		/* it closed the socket; no notification follows */
		pthread_mutex_lock(&g->mu);
		if (g->c[fd].state == G_HANDED)
			unlink_conn(g, fd);
		pthread_mutex_unlock(&g->mu);
	}
}

/* Close the open connection that has waited longest for a request (in the
 * gate, or idle in libmicrohttpd), not `except`, from address `a` when a
 * is not NULL.  0 when there is none. */
static int evict_one(tm_gate *g, int except, const unsigned char *a)
{
	int best = -1;
	for (int fd = g->head; fd >= 0; fd = g->c[fd].next) {
		struct gconn *e = &g->c[fd];
		if (fd == except || e->evicting || e->state == G_HANDED || e->head_in || e->busy)
			continue;
		if (a && memcmp(e->addr, a, 16) != 0)
			continue;
		if (best < 0 || e->since < g->c[best].since)
			best = fd;
	}
	if (best < 0)
		return 0;
	g->evicted++;
	struct gconn *e = &g->c[best];
	if (e->state == G_MHD) {
		shutdown(best, SHUT_RDWR);
		e->evicting = 1;
		g->evicting++;
	} else {
		drop(g, best);
	}
	return 1;
}

static void addr16(const struct sockaddr_storage *sa, unsigned char out[16])
{
	memset(out, 0, 16);
	if (sa->ss_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	else if (sa->ss_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
}

static void on_accept(tm_gate *g)
{
	for (;;) {
		struct sockaddr_storage sa;
		socklen_t salen = sizeof(sa);
		int fd = accept4(g->lfd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or out of descriptors: the next round tries again */
		if (fd >= g->cap) {
			close(fd);
			continue;
		}
		unsigned char a[16];
		addr16(&sa, a);
		pthread_mutex_lock(&g->mu);
		/* a descriptor still on the books was closed behind the gate's back */
		unlink_conn(g, fd);
		struct gconn *e = &g->c[fd];
		/* at its cap, an address makes room from its own connections that
		 * wait for a request (often ones its client has already closed,
		 * which libmicrohttpd has not yet noticed); failing that it is
		 * refused, unread, as nginx's limit_conn does */
		if (g->o.per_ip && from_addr(g, a) >= g->o.per_ip && !evict_one(g, -1, a)) {
			g->refused++;
			pthread_mutex_unlock(&g->mu);
			close(fd);
			continue;
		}
		e->state = G_HEAD;
		e->since = tm_now();
		memcpy(e->addr, a, 16);
		e->sa = sa;
		e->salen = salen;
		link_conn(g, fd);
		/* the reserve: room for the next client comes from the one that
		 * has waited longest, never from one being answered */
		while (g->open - g->evicting > g->o.max_conns - g->o.reserve)
			if (!evict_one(g, fd, NULL))
				break;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = fd };
		epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev);
		if (g->open - g->evicting > g->o.max_conns) {
			/* every slot is answering someone */
			g->refused++;
			answer(g, fd, 503, "busy", "the server is busy; try again shortly", 0);
			pthread_mutex_unlock(&g->mu);
			continue;
		}
		pthread_mutex_unlock(&g->mu);
		on_readable(g, fd); /* a client that sent at once */
	}
}

/* The deadlines. */
static void sweep(tm_gate *g, double now)
{
	pthread_mutex_lock(&g->mu);
	int fd = g->head;
	while (fd >= 0) {
		struct gconn *e = &g->c[fd];
		int next = e->next;
		double age = now - e->since;
		if (e->state == G_HEAD && age > g->o.request_seconds) {
			g->timed_out++;
			answer(g, fd, 408, "request_timeout", "the request did not arrive in time", 0);
		} else if (e->state == G_LINGER && age > LINGER_SECONDS) {
			drop(g, fd);
		} else if (e->state == G_HANDED && age > HANDED_SECONDS + g->o.request_seconds) {
			unlink_conn(g, fd); /* libmicrohttpd never reported it: not ours to close */
		} else if (e->state == G_MHD && !e->busy && !e->evicting && age > g->o.request_seconds) {
			/* the next request (or the rest of a body) is late */
			g->timed_out++;
			shutdown(fd, SHUT_RDWR);
			e->evicting = 1;
			g->evicting++;
		}
		fd = next;
	}
	pthread_mutex_unlock(&g->mu);
}

static void *gate_main(void *p)
{
	tm_gate *g = p;
	double last = tm_now();
	while (!atomic_load(&g->stop)) {
		struct epoll_event ev[64];
		int n = epoll_wait(g->ep, ev, 64, (int)(SWEEP_SECONDS * 1000));
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd == g->lfd)
				on_accept(g);
			else if (ev[i].data.fd != g->wake)
				on_readable(g, ev[i].data.fd);
		}
		double now = tm_now();
		if (now - last >= SWEEP_SECONDS) {
			sweep(g, now);
			last = now;
		}
	}
	return NULL;
}

/* ---- the contract ---- */

tm_rc tm_gate_new(int listen_fd, const tm_gate_opts *o, tm_gate **out, tm_err *err)
{
	*out = NULL;
	tm_gate *g = tm_xcalloc(1, sizeof(*g));
	g->o = *o;
	if (g->o.reserve >= g->o.max_conns)
		g->o.reserve = g->o.max_conns / 8;
	g->lfd = listen_fd;
	g->head = -1;
	struct rlimit rl;
	rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	g->cap = lim > 65536 || lim == RLIM_INFINITY ? 65536 : (int)lim;
	g->c = tm_xcalloc((size_t)g->cap, sizeof(*g->c));
	for (int i = 0; i < g->cap; i++)
		g->c[i].prev = g->c[i].next = -1;
	g->peek = tm_xmalloc(g->o.max_head);
	pthread_mutex_init(&g->mu, NULL);
	atomic_init(&g->stop, 0);
	g->ep = epoll_create1(EPOLL_CLOEXEC);
	g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = listen_fd };
	struct epoll_event wv = { .events = EPOLLIN, .data.fd = g->wake };
	if (g->ep < 0 || g->wake < 0 || epoll_ctl(g->ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0 ||
	    epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &wv) != 0) {
		tm_gate_free(g);
		return tm_fail(err, TM_ERR_IO, "unable to set up the connection gate: %s", strerror(errno));
	}
	*out = g;
	return TM_OK;
}

tm_rc tm_gate_run(tm_gate *g, struct MHD_Daemon *d, tm_err *err)
{
	g->d = d;
	if (pthread_create(&g->thread, NULL, gate_main, g) != 0)
		return tm_fail(err, TM_ERR_IO, "unable to start the connection gate");
	g->started = 1;
	return TM_OK;
}

void tm_gate_stop(tm_gate *g)
{
	if (!g || !g->started)
		return;
	atomic_store(&g->stop, 1);
	uint64_t one = 1;
	if (write(g->wake, &one, sizeof(one)) < 0) {
		/* the loop still sees stop within one sweep */
	}
	pthread_join(g->thread, NULL);
	g->started = 0;
	/* what is still in the gate is closed; libmicrohttpd closes its own */
	pthread_mutex_lock(&g->mu);
	int fd = g->head;
	while (fd >= 0) {
		int next = g->c[fd].next;
		if (g->c[fd].state == G_HEAD || g->c[fd].state == G_LINGER)
			drop(g, fd);
		fd = next;
	}
	pthread_mutex_unlock(&g->mu);
}

void tm_gate_free(tm_gate *g)
{
	if (!g)
		return;
	tm_gate_stop(g);
	if (g->ep >= 0)
		close(g->ep);
	if (g->wake >= 0)
		close(g->wake);
	pthread_mutex_destroy(&g->mu);
	free(g->c);
	free(g->peek);
	free(g);
}

static int conn_fd(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? (int)ci->connect_fd : -1;
}

void tm_gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		    enum MHD_ConnectionNotificationCode code)
{
	tm_gate *g = cls;
	int fd = code == MHD_CONNECTION_NOTIFY_STARTED ? conn_fd(conn) : (int)(intptr_t)*socket_context - 1;
	if (fd < 0 || fd >= g->cap)
		return;
	pthread_mutex_lock(&g->mu);
	struct gconn *e = &g->c[fd];
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		if (e->state != G_HANDED) {
			/* forgotten as stale meanwhile: on the books again */
			unlink_conn(g, fd);
			e->since = tm_now();
			link_conn(g, fd);
		}
		e->state = G_MHD;
		e->busy = 0;
		e->head_in = 1; /* the gate saw the head */
		*socket_context = (void *)(intptr_t)(fd + 1);
	} else if (e->state == G_MHD) {
		unlink_conn(g, fd);
	}
	pthread_mutex_unlock(&g->mu);
}

static struct gconn *mhd_conn(tm_gate *g, struct MHD_Connection *conn, int *fd)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	*fd = ci ? (int)(intptr_t)ci->socket_context - 1 : -1;
	if (*fd < 0 || *fd >= g->cap || g->c[*fd].state != G_MHD)
		return NULL;
	return &g->c[*fd];
}

void tm_gate_request_in(tm_gate *g, struct MHD_Connection *conn, int whole)
{
	int fd;
	pthread_mutex_lock(&g->mu);
	struct gconn *e = mhd_conn(g, conn, &fd);
	if (e) {
		e->head_in = 1;
		e->busy = (unsigned char)(e->busy || whole);
	}
	pthread_mutex_unlock(&g->mu);
}

void tm_gate_request_done(tm_gate *g, struct MHD_Connection *conn)
{
	int fd;
	pthread_mutex_lock(&g->mu);
	struct gconn *e = mhd_conn(g, conn, &fd);
	if (e) {
		e->busy = e->head_in = 0;
		e->since = tm_now();
	}
	pthread_mutex_unlock(&g->mu);
}
