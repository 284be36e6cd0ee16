/* A small OpenAI-compatible server for tests, on libmicrohttpd, bound to
 * 127.0.0.1 on an ephemeral port. It speaks the subset quire's `openai`
 * backend uses (POST /v1/chat/completions with SSE or JSON, POST
 * /v1/embeddings) and can be told to misbehave.
 *
 * The SSE framing is deliberately awkward: pieces of a few bytes, a mix of
 * LF and CRLF line ends, comment lines, and an event whose JSON spans two
 * `data:` lines, so that the client's parser is exercised on every reply.
 */
#ifndef QUIRE_TEST_OPENAI_SERVER_H
#define QUIRE_TEST_OPENAI_SERVER_H

#include <stddef.h>

typedef enum ts_mode {
    TS_NORMAL = 0,   /* streamed answer (or JSON when the request says "stream": false) */
    TS_NOSTREAM,     /* always a JSON reply, whatever the request asked */
    TS_SLOW,         /* wait delay_ms before the first byte */
    TS_ERROR500,     /* HTTP 500 with a JSON error body */
    TS_MALFORMED,    /* a stream event that is not JSON */
    TS_TRUNCATED,    /* stream ends cleanly without finish_reason or [DONE] */
    TS_DROP,         /* connection closed in the middle of the stream */
    TS_HUGE,         /* an endless stream (stops at 64 MiB) */
    TS_FLAKY,        /* 503 for the first `fail_count` requests, then TS_NORMAL */
    TS_MODE_COUNT
} ts_mode;

typedef struct test_server test_server;

/* Builds the answer from the request body (the JSON the client posted);
 * returns a malloc'd string. */
typedef char *(*ts_responder)(void *user, const char *request, size_t len);

/* Start on 127.0.0.1 with an ephemeral port; NULL on failure. */
test_server *ts_start(void);
void ts_stop(test_server *ts);
int ts_port(const test_server *ts);
/* "http://127.0.0.1:PORT" (static storage inside ts). */
const char *ts_url(const test_server *ts);

void ts_set_mode(test_server *ts, ts_mode mode);
void ts_set_answer(test_server *ts, const char *answer);  /* copied */
void ts_set_responder(test_server *ts, ts_responder fn, void *user);
void ts_set_delay(test_server *ts, int delay_ms);
void ts_set_fail_count(test_server *ts, int n);
/* Requests served so far (all paths). */
int ts_requests(test_server *ts);
/* Copies of the last request's body and Authorization header (free()). */
char *ts_last_body(test_server *ts);
char *ts_last_auth(test_server *ts);

#endif
