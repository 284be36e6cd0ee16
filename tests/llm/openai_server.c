/* Test OpenAI-compatible server (see openai_server.h). Test code only. */
#include "openai_server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct test_server {
    struct MHD_Daemon *d;
    int port;
    char url[64];
    pthread_mutex_t mu;
    ts_mode mode;
    char *answer;
    ts_responder responder;
    void *responder_user;
    int delay_ms;
    int fail_count;
    int requests;
    char *last_body;
    char *last_auth;
    atomic_int stopping;
};

typedef struct req {
    char *body;
    size_t len, alloc;
    bool too_big;
} req;

typedef struct reply {
    test_server *ts;
    char *data;       /* whole reply body (for finite replies) */
    size_t len, pos;
    size_t piece;     /* bytes per reader call */
    int delay_ms;     /* before the first byte */
    bool started;
    bool drop_half;   /* end with an error at len/2 */
    bool endless;     /* TS_HUGE */
    size_t sent;
} reply;

static void nap(int ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* ---- building replies ---- */

typedef struct sb {
    char *p;
    size_t len, alloc;
} sb;

static void sb_add(sb *s, const char *d, size_t n)
{
    if (s->len + n + 1 > s->alloc) {
        size_t a = s->alloc ? s->alloc : 256;
        while (a < s->len + n + 1) a *= 2;
        char *q = realloc(s->p, a);
        if (!q) abort();
        s->p = q;
        s->alloc = a;
    }
    memcpy(s->p + s->len, d, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_str(sb *s, const char *d)
{
    sb_add(s, d, strlen(d));
}

/* One SSE event carrying a delta. `crlf` picks the line end. */
static void sse_delta(sb *s, const char *piece, size_t n, const char *finish, bool crlf)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "object", "chat.completion.chunk");
    cJSON_AddStringToObject(root, "model", "test-model");
    cJSON *choices = cJSON_AddArrayToObject(root, "choices");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, c);
    cJSON_AddNumberToObject(c, "index", 0);
    cJSON *delta = cJSON_AddObjectToObject(c, "delta");
    if (piece) {
        char *tmp = malloc(n + 1);
        memcpy(tmp, piece, n);
        tmp[n] = '\0';
        cJSON_AddStringToObject(delta, "content", tmp);
        free(tmp);
    }
    if (finish)
        cJSON_AddStringToObject(c, "finish_reason", finish);
    else
        cJSON_AddNullToObject(c, "finish_reason");
    char *js = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    const char *eol = crlf ? "\r\n" : "\n";
    sb_str(s, "data: ");
    sb_str(s, js);
    sb_str(s, eol);
    sb_str(s, eol);
    free(js);
}

/* The streamed reply for `answer`: a comment, a role event whose JSON spans
 * two data lines, pieces of ~4 bytes (never splitting a UTF-8 sequence, as
 * real servers send whole tokens), a finish event and [DONE]. */
static char *build_stream(const char *answer, bool finish, bool done, bool malformed,
                          size_t *len)
{
    sb s = {0};
    sb_str(&s, ": test server keep-alive\n\n");
    sb_str(&s, "data: {\"choices\":[{\"index\":0,\n");
    sb_str(&s, "data: \"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\r\n\r\n");
    size_t n = strlen(answer), i = 0, k = 0;
    while (i < n) {
        size_t j = i + 4 < n ? i + 4 : n;
        while (j < n && ((unsigned char)answer[j] & 0xC0) == 0x80) j++;
        sse_delta(&s, answer + i, j - i, NULL, (k++ % 2) == 1);
        if (malformed && k == 3) sb_str(&s, "data: {\"choices\": [ this is not json\n\n");
        i = j;
    }
    if (finish) sse_delta(&s, NULL, 0, "stop", false);
    if (done) sb_str(&s, "data: [DONE]\n\n");
    *len = s.len;
    return s.p;
}

static char *build_json(const char *answer, size_t *len)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "object", "chat.completion");
    cJSON_AddStringToObject(root, "model", "test-model");
    cJSON *choices = cJSON_AddArrayToObject(root, "choices");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, c);
    cJSON *m = cJSON_AddObjectToObject(c, "message");
    cJSON_AddStringToObject(m, "role", "assistant");
    cJSON_AddStringToObject(m, "content", answer);
    cJSON_AddStringToObject(c, "finish_reason", "stop");
    cJSON *u = cJSON_AddObjectToObject(root, "usage");
    cJSON_AddNumberToObject(u, "prompt_tokens", 42);
    cJSON_AddNumberToObject(u, "completion_tokens", 7);
    char *js = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    *len = strlen(js);
    return js;
}

/* A deterministic 8-d embedding: hashed bag of lowercase letters/digits runs. */
static void embed_text(const char *t, double v[8])
{
    memset(v, 0, 8 * sizeof v[0]);
    uint32_t h = 2166136261u;
    bool in = false;
    for (const unsigned char *p = (const unsigned char *)t;; p++) {
        bool w = *p && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                        (*p >= '0' && *p <= '9') || *p >= 0x80);
        if (w) {
            h = (h ^ (uint32_t)(*p | 0x20)) * 16777619u;
            in = true;
        } else if (in) {
            v[h % 8] += 1;
            h = 2166136261u;
            in = false;
        }
        if (!*p) break;
    }
}

static char *build_embeddings(const char *body, size_t blen, size_t *len, int *status)
{
    cJSON *rq = cJSON_ParseWithLength(body ? body : "", blen);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(rq, "input");
    if (!cJSON_IsArray(in) && !cJSON_IsString(in)) {
        cJSON_Delete(rq);
        *status = 400;
        const char *e = "{\"error\":{\"message\":\"input must be a string or an array\"}}";
        *len = strlen(e);
        return strdup(e);
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *data = cJSON_AddArrayToObject(root, "data");
    int i = 0;
    const cJSON *item;
    cJSON *single = NULL;
    if (cJSON_IsString(in)) {
        single = cJSON_CreateArray();
        cJSON_AddItemToArray(single, cJSON_CreateString(in->valuestring));
        in = single;
    }
    /* reversed order, with explicit indices, as some servers do */
    int n = cJSON_GetArraySize(in);
    for (i = n - 1; i >= 0; i--) {
        item = cJSON_GetArrayItem(in, i);
        double v[8];
        embed_text(cJSON_IsString(item) ? item->valuestring : "", v);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "index", i);
        cJSON_AddItemToObject(o, "embedding", cJSON_CreateDoubleArray(v, 8));
        cJSON_AddItemToArray(data, o);
    }
    cJSON_Delete(single);
    cJSON_Delete(rq);
    char *js = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    *len = strlen(js);
    *status = 200;
    return js;
}

/* ---- MHD plumbing ---- */

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    reply *r = cls;
    (void)pos;
    if (!r->started) {
        r->started = true;
        for (int waited = 0; waited < r->delay_ms; waited += 10) {
            if (atomic_load(&r->ts->stopping)) return MHD_CONTENT_READER_END_WITH_ERROR;
            nap(10);
        }
    }
    if (atomic_load(&r->ts->stopping)) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (r->endless) {
        if (r->sent >= (64u << 20)) return MHD_CONTENT_READER_END_OF_STREAM;
        /* cycle through the prebuilt events */
        if (r->pos >= r->len) r->pos = 0;
    }
    if (r->drop_half && r->pos >= r->len / 2) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (r->pos >= r->len) return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = r->len - r->pos;
    if (n > r->piece) n = r->piece;
    if (n > max) n = max;
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
    r->sent += n;
    return (ssize_t)n;
}

static void reader_free(void *cls)
{
    reply *r = cls;
    free(r->data);
    free(r);
}

static enum MHD_Result send_reply(struct MHD_Connection *con, test_server *ts, int status,
                                  const char *ctype, char *data, size_t len, size_t piece,
                                  int delay_ms, bool drop_half, bool endless)
{
    reply *r = calloc(1, sizeof *r);
    r->ts = ts;
    r->data = data;
    r->len = len;
    r->piece = piece;
    r->delay_ms = delay_ms;
    r->drop_half = drop_half;
    r->endless = endless;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, reader, r, reader_free);
    MHD_add_response_header(resp, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    test_server *ts = cls;
    (void)version;
    req *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->len + *upload_size > (8u << 20)) {
            rq->too_big = true;
        } else {
            if (rq->len + *upload_size + 1 > rq->alloc) {
                rq->alloc = (rq->len + *upload_size + 1) * 2;
                rq->body = realloc(rq->body, rq->alloc);
            }
            memcpy(rq->body + rq->len, upload, *upload_size);
            rq->len += *upload_size;
            rq->body[rq->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "POST") != 0) {
        const char *e = "{\"error\":{\"message\":\"method not allowed\"}}";
        return send_reply(con, ts, 405, "application/json", strdup(e), strlen(e), 4096, 0, false,
                          false);
    }
    const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");

    pthread_mutex_lock(&ts->mu);
    ts->requests++;
    free(ts->last_body);
    ts->last_body = strdup(rq->body ? rq->body : "");
    free(ts->last_auth);
    ts->last_auth = auth ? strdup(auth) : NULL;
    ts_mode mode = ts->mode;
    int err_status = 500;
    if (mode == TS_FLAKY) {
        if (ts->fail_count > 0) {
            ts->fail_count--;
            mode = TS_ERROR500;
            err_status = 503;
        } else {
            mode = TS_NORMAL;
        }
    }
    int delay = ts->delay_ms;
    char *answer = ts->responder ? ts->responder(ts->responder_user, rq->body ? rq->body : "", rq->len)
                                 : strdup(ts->answer ? ts->answer : "");
    pthread_mutex_unlock(&ts->mu);

    size_t len = 0;
    char *data;
    enum MHD_Result ret;
    if (!strcmp(url, "/v1/embeddings")) {
        int status;
        data = build_embeddings(rq->body, rq->len, &len, &status);
        ret = send_reply(con, ts, mode == TS_ERROR500 ? 500 : status, "application/json", data,
                         len, 4096, 0, false, false);
    } else if (strcmp(url, "/v1/chat/completions") != 0) {
        const char *e = "{\"error\":{\"message\":\"no such endpoint\"}}";
        ret = send_reply(con, ts, 404, "application/json", strdup(e), strlen(e), 4096, 0, false,
                         false);
    } else if (mode == TS_ERROR500) {
        const char *e = "{\"error\":{\"message\":\"model crashed: out of memory on device\","
                        "\"type\":\"server_error\"}}";
        ret = send_reply(con, ts, err_status, "application/json", strdup(e), strlen(e), 4096, 0, false, false);
    } else {
        cJSON *rj = cJSON_ParseWithLength(rq->body ? rq->body : "", rq->len);
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(rj, "stream");
        bool stream = cJSON_IsTrue(st) && mode != TS_NOSTREAM;
        bool bad = !rj || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(rj, "messages"));
        cJSON_Delete(rj);
        if (bad) {
            const char *e = "{\"error\":{\"message\":\"invalid request: no messages\"}}";
            ret = send_reply(con, ts, 400, "application/json", strdup(e), strlen(e), 4096, 0, false,
                             false);
        } else if (!stream) {
            data = build_json(answer, &len);
            ret = send_reply(con, ts, 200, "application/json", data, len, 4096,
                             mode == TS_SLOW ? delay : 0, false, false);
        } else {
            data = build_stream(answer, mode != TS_TRUNCATED, mode != TS_TRUNCATED,
                                mode == TS_MALFORMED, &len);
            ret = send_reply(con, ts, 200, "text/event-stream", data, len,
                             mode == TS_HUGE ? 65536 : 7, mode == TS_SLOW ? delay : 0,
                             mode == TS_DROP, mode == TS_HUGE);
        }
    }
    free(answer);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    req *rq = *con_cls;
    if (rq) {
        free(rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

test_server *ts_start(void)
{
    test_server *ts = calloc(1, sizeof *ts);
    pthread_mutex_init(&ts->mu, NULL);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ts->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                             NULL, NULL, handler, ts, MHD_OPTION_SOCK_ADDR, &sa,
                             MHD_OPTION_NOTIFY_COMPLETED, completed, ts,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (!ts->d) {
        free(ts);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(ts->d, MHD_DAEMON_INFO_BIND_PORT);
    ts->port = info ? info->port : 0;
    snprintf(ts->url, sizeof ts->url, "http://127.0.0.1:%d", ts->port);
    return ts;
}

void ts_stop(test_server *ts)
{
    if (!ts) return;
    atomic_store(&ts->stopping, 1);
    MHD_stop_daemon(ts->d);
    pthread_mutex_destroy(&ts->mu);
    free(ts->answer);
    free(ts->last_body);
    free(ts->last_auth);
    free(ts);
}

int ts_port(const test_server *ts) { return ts->port; }
const char *ts_url(const test_server *ts) { return ts->url; }

#define LOCKED(stmt)                  \
    do {                              \
        pthread_mutex_lock(&ts->mu);  \
        stmt;                         \
        pthread_mutex_unlock(&ts->mu); \
    } while (0)

void ts_set_mode(test_server *ts, ts_mode mode) { LOCKED(ts->mode = mode); }
void ts_set_delay(test_server *ts, int ms) { LOCKED(ts->delay_ms = ms); }
void ts_set_fail_count(test_server *ts, int n) { LOCKED(ts->fail_count = n); }
void ts_set_answer(test_server *ts, const char *a)
{
    LOCKED(free(ts->answer); ts->answer = strdup(a));
}
void ts_set_responder(test_server *ts, ts_responder fn, void *user)
{
    LOCKED(ts->responder = fn; ts->responder_user = user);
}
int ts_requests(test_server *ts)
{
    int n;
    LOCKED(n = ts->requests);
    return n;
}
char *ts_last_body(test_server *ts)
{
    char *s;
    LOCKED(s = ts->last_body ? strdup(ts->last_body) : NULL);
    return s;
}
char *ts_last_auth(test_server *ts)
{
    char *s;
    LOCKED(s = ts->last_auth ? strdup(ts->last_auth) : NULL);
    return s;
}
