/*
 * Streamed answers: a body that grows with the data (the export) is
 * written by a thread of its own pool, from its own store inside one read
 * transaction, into a small ring that libmicrohttpd drains as the client
 * reads.  Memory stays at the ring's size whatever the data's, and the
 * page and API requests never wait behind an export: the workers only copy
 * from the ring, and a connection whose ring is empty is suspended until
 * its writer has more.
 *
 * A job is shared by the response (libmicrohttpd's reader and free
 * callbacks) and the pool (queue, then writer thread): two references, the
 * last one out frees it.  Lock order: a job's mutex before libmicrohttpd's
 * own (suspend and resume are called under the job's).
 */
#define _GNU_SOURCE /* fopencookie */
#include "http/http_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "text/text.h"

#define RING_BYTES (256 * 1024) /* what one stream holds in memory */
#define BLOCK_BYTES (64 * 1024)
#define NICE 10                 /* writers yield the CPU to the request workers */

struct job {
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* the writer waits for room */
	struct MHD_Connection *conn; /* NULL once the response is gone */
	tm_stream_fn fn;
	char *ring;
	size_t head, len;           /* the unread bytes: ring[head..], len of them, wrapping */
	int suspended;              /* the connection waits for bytes */
	int done, failed;           /* the writer finished (failed: the body is cut short) */
	int cancelled;              /* the client went, or the server stops: the writer gives up */
	int refs;
	double deadline;            /* the writer gives up after it */
	struct job *next;           /* the queue */
};

struct tm_stream_pool {
	char *db_path;
	double seconds;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail; /* waiting for a writer */
	unsigned queued, max_queued;
	struct job **running;    /* one slot per thread */
	pthread_t *threads;
	unsigned n;
	int stopping;
};

static void job_unref(struct job *j)
{
	pthread_mutex_lock(&j->mu);
	int last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->ring);
	free(j);
}

/* Under j->mu: let a connection that waits for bytes go on. */
static void wake_reader(struct job *j)
{
	if (j->suspended && j->conn) {
		j->suspended = 0;
		MHD_resume_connection(j->conn);
	}
}

static void finish(struct job *j, int failed)
{
	pthread_mutex_lock(&j->mu);
	j->done = 1;
	j->failed = failed;
	wake_reader(j);
	pthread_mutex_unlock(&j->mu);
	job_unref(j);
}

/* The writer's FILE: bytes into the ring, waiting while it is full. */
static ssize_t ring_write(void *cookie, const char *buf, size_t size)
{
	struct job *j = cookie;
	size_t done = 0;
	pthread_mutex_lock(&j->mu);
	while (done < size) {
		if (j->cancelled || tm_now() > j->deadline)
			break;
		size_t room = RING_BYTES - j->len;
		if (!room) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&j->cv, &j->mu, &until);
			continue;
		}
		size_t n = size - done < room ? size - done : room;
		size_t at = (j->head + j->len) % RING_BYTES;
		size_t first = n < RING_BYTES - at ? n : RING_BYTES - at;
		memcpy(j->ring + at, buf + done, first);
		memcpy(j->ring, buf + done + first, n - first);
		j->len += n;
		done += n;
		wake_reader(j);
	}
	pthread_mutex_unlock(&j->mu);
	return (ssize_t)done; /* short: the stdio stream fails, and so the export */
}

/* libmicrohttpd's reader: copy from the ring; suspend the connection when
 * it is empty (returning 0 without suspending would spin). */
static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct job *j = cls;
	pthread_mutex_lock(&j->mu);
	if (j->len) {
		size_t n = max < j->len ? max : j->len;
		size_t first = n < RING_BYTES - j->head ? n : RING_BYTES - j->head;
		memcpy(buf, j->ring + j->head, first);
		memcpy(buf + first, j->ring, n - first);
		j->head = (j->head + n) % RING_BYTES;
		j->len -= n;
		pthread_cond_signal(&j->cv);
		pthread_mutex_unlock(&j->mu);
		return (ssize_t)n;
	}
	if (j->done) {
		int failed = j->failed;
		pthread_mutex_unlock(&j->mu);
		return failed ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
	}
	j->suspended = 1;
	MHD_suspend_connection(j->conn);
	pthread_mutex_unlock(&j->mu);
	return 0;
}

/* libmicrohttpd is done with the response: the client has it all, or went. */
static void reader_free(void *cls)
{
	struct job *j = cls;
	pthread_mutex_lock(&j->mu);
	j->conn = NULL;
	j->cancelled = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	job_unref(j);
}

static void run(tm_stream_pool *p, tm_store **st, struct job *j)
{
	tm_err err = { 0 };
	if (!*st && tm_store_open(p->db_path, TM_STORE_READONLY | TM_STORE_STREAM, st, &err)) {
		finish(j, 1);
		return;
	}
	/* the stream's time bounds its queries too; a failure of the store
	 * cuts the body short, as the client then sees (store.h) */
	tm_store_error_clear(*st);
	double left = j->deadline - tm_now();
	tm_store_set_deadline(*st, left > 0 ? left : 1e-6);
	int began;
	if (tm_store_read_begin(*st, TM_READ_NOW, &began, &err)) {
		tm_store_set_deadline(*st, 0);
		finish(j, 1);
		return;
	}
	cookie_io_functions_t io = { .write = ring_write };
	FILE *f = fopencookie(j, "w", io);
	tm_rc rc = f ? j->fn(*st, f, &err) : TM_ERR_IO;
	if (f && fclose(f) != 0 && !rc)
		rc = TM_ERR_IO;
	tm_store_read_end(*st, began);
	if (!rc)
		rc = tm_store_error(*st, NULL);
	tm_store_set_deadline(*st, 0);
	finish(j, rc != TM_OK);
}

static void *writer_main(void *arg)
{
	tm_stream_pool *p = ((void **)arg)[0];
	unsigned slot = (unsigned)(uintptr_t)((void **)arg)[1];
	free(arg);
	/* Linux: a thread's own nice value; the request workers come first */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), NICE) != 0) {
		/* not allowed: the writers then share the CPU evenly */
	}
	tm_store *st = NULL;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stopping && !p->head)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stopping)
			break;
		struct job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		p->running[slot] = j;
		pthread_mutex_unlock(&p->mu);
		run(p, &st, j);
		pthread_mutex_lock(&p->mu);
		p->running[slot] = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	tm_store_close(st);
	tm_text_shutdown();
	return NULL;
}

tm_stream_pool *tm_stream_pool_new(const char *db_path, unsigned threads, unsigned max_queued, double seconds)
{
	tm_stream_pool *p = tm_xcalloc(1, sizeof(*p));
	p->db_path = tm_xstrdup(db_path);
	p->seconds = seconds;
	p->max_queued = max_queued;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->threads = tm_xcalloc(threads, sizeof(*p->threads));
	p->running = tm_xcalloc(threads, sizeof(*p->running));
	for (unsigned i = 0; i < threads; i++) {
		void **arg = tm_xmalloc(2 * sizeof(void *));
		arg[0] = p;
		arg[1] = (void *)(uintptr_t)i;
		if (pthread_create(&p->threads[p->n], NULL, writer_main, arg) != 0) {
			free(arg);
			break;
		}
		p->n++;
	}
	return p;
}

void tm_stream_pool_free(tm_stream_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	/* the running ones give up at their next write; the queued ones end cut short */
	for (unsigned i = 0; i < p->n; i++)
		if (p->running[i]) {
			pthread_mutex_lock(&p->running[i]->mu);
			p->running[i]->cancelled = 1;
			pthread_cond_signal(&p->running[i]->cv);
			pthread_mutex_unlock(&p->running[i]->mu);
		}
	struct job *j = p->head;
	p->head = p->tail = NULL;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	while (j) {
		struct job *next = j->next;
		finish(j, 1);
		j = next;
	}
	for (unsigned i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p->running);
	free(p->db_path);
	free(p);
}

struct MHD_Response *tm_stream_start(tm_stream_pool *p, struct MHD_Connection *conn, tm_stream_fn fn)
{
	pthread_mutex_lock(&p->mu);
	if (p->stopping || !p->n || p->queued >= p->max_queued) {
		pthread_mutex_unlock(&p->mu);
		return NULL;
	}
	struct job *j = tm_xcalloc(1, sizeof(*j));
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->conn = conn;
	j->fn = fn;
	j->ring = tm_xmalloc(RING_BYTES);
	j->refs = 2;
	j->deadline = tm_now() + p->seconds;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_BYTES, reader, j, reader_free);
	if (!r) {
		pthread_mutex_unlock(&p->mu);
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cv);
		free(j->ring);
		free(j);
		return NULL;
	}
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return r;
}
