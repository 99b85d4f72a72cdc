/*
 * gate: the server's accept loop in front of libmicrohttpd (gate.c says
 * why).  Not for use outside src/http/.
 *
 * Order of use: tm_gate_new() on a listening socket; start libmicrohttpd
 * with MHD_USE_NO_LISTEN_SOCKET and tm_gate_notify as its
 * MHD_OPTION_NOTIFY_CONNECTION callback (the gate as its argument);
 * tm_gate_run(); the server calls tm_gate_request_in() when a request's
 * head is in and again when all of it is, and tm_gate_request_done() when
 * its answer is over.  To stop:
 * tm_gate_stop(), MHD_stop_daemon(), tm_gate_free().
 */
#ifndef TM_HTTP_GATE_H
#define TM_HTTP_GATE_H

#include <stddef.h>

#include <microhttpd.h>

#include "core/core.h"

typedef struct tm_gate_opts {
	unsigned max_conns;     /* open connections in all */
	unsigned per_ip;        /* open connections from one address; 0: no cap */
	unsigned reserve;       /* kept free for new clients: past max_conns - reserve the oldest waiting one goes */
	double request_seconds; /* to send a whole request, head and body, counted from the connect or
				 * from the end of the previous answer; bytes do not restart it */
	size_t max_head;        /* bytes of the request line and header fields */
	size_t max_uri;         /* bytes of the request target */
	unsigned max_args;      /* query parameters */
	const char *headers;    /* "Name: value\r\n"…: the security headers every answer carries (borrowed) */
} tm_gate_opts;

typedef struct tm_gate tm_gate;

/* A gate on listen_fd (non-blocking, listening; stays the caller's to
 * close, after tm_gate_free()).  *out is the caller's: tm_gate_free() it. */
tm_rc tm_gate_new(int listen_fd, const tm_gate_opts *o, tm_gate **out, tm_err *err);
/* Start accepting, handing complete request heads to d. */
tm_rc tm_gate_run(tm_gate *g, struct MHD_Daemon *d, tm_err *err);
/* Stop accepting and close the connections still in the gate; those in
 * libmicrohttpd stay its own. */
void tm_gate_stop(tm_gate *g);
void tm_gate_free(tm_gate *g);

/* libmicrohttpd's MHD_NotifyConnectionCallback, cls the gate. */
void tm_gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		    enum MHD_ConnectionNotificationCode code);
/* A request's head is in (whole 0): the connection is no longer idle, so
 * never closed to make room, though its body's deadline still runs; or the
 * whole request, head and body (whole 1): its deadline no longer runs. */
void tm_gate_request_in(tm_gate *g, struct MHD_Connection *conn, int whole);
/* Its answer is over: the deadline of the next request on the connection starts. */
void tm_gate_request_done(tm_gate *g, struct MHD_Connection *conn);

#endif
