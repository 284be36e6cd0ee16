/* `openai` backend: any OpenAI-compatible server over HTTP (libcurl).
 *
 * Protocol subset used (OpenAI REST API, as served by llama-server, Ollama's
 * /v1, vLLM, LM Studio):
 *
 *   POST {base}/v1/chat/completions
 *        {"model": M, "messages": [{"role": R, "content": C}...], "stream": true,
 *         "max_tokens": N, "temperature": T, "top_p": P, "seed": S, "stop": [...]}
 *     streaming reply: Content-Type text/event-stream; events whose data is
 *        {"choices":[{"delta":{"content":"..."},"finish_reason":null|"stop"}],
 *         "model":..., "usage":{...}}   ended by  data: [DONE]
 *     non-streaming reply (or a server that ignores "stream"): application/json
 *        {"choices":[{"message":{"content":"..."},"finish_reason":"stop"}], "usage":{...}}
 *     errors: HTTP status >= 400 with {"error":{"message":...}} or any body,
 *        or an SSE event {"error": {...}} in the middle of a stream.
 *   POST {base}/v1/embeddings {"model": M, "input": [texts]}
 *        -> {"data":[{"index": i, "embedding":[floats]}...]}
 *
 * Everything received is hostile: each response is capped
 * (max_response_bytes), SSE lines/events are capped, JSON is parsed with
 * explicit lengths, and embedding arrays are checked for shape.
 *
 * Retries: a request is retried (bounded, exponential backoff) when the
 * server cannot be reached, closes without answering, or answers 429/5xx,
 * but never once a token has been handed to the caller.
 */
#include "quire/llm.h"
#include "llm/sse.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ERR_BODY_MAX 4096      /* bytes of an error body kept for the message */
#define EXCERPT_MAX 200        /* bytes of a body quoted in a message */

typedef struct openai {
    char *base;                /* owned: ".../v1", no trailing slash */
    char *model;               /* owned; NULL: not sent */
    char *embed_model;         /* owned; NULL: not sent */
    char *api_key;             /* owned; NULL: none */
    quire_openai_opts o;       /* numeric options (string fields not used) */
    CURL *curl;                /* owned; reused for keep-alive */
} openai;

void quire_openai_opts_default(quire_openai_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->stream = true;
    opts->connect_timeout_ms = 5000;
    opts->timeout_ms = 600000;
    opts->idle_timeout_s = 60;
    opts->max_retries = 2;
    opts->retry_backoff_ms = 500;
    opts->max_response_bytes = 16u << 20;
    opts->context_tokens = 8192;
    opts->embed_batch = 64;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A printable, single-line excerpt of a body for messages. */
static void excerpt(const char *s, size_t len, char *out, size_t outsz)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 4 < outsz && j < EXCERPT_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        out[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (j + 4 < outsz && (len > EXCERPT_MAX || j >= EXCERPT_MAX)) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

/* ---- one transfer ---- */

enum xfer_kind { XFER_CHAT, XFER_JSON };

typedef struct xfer {
    openai *o;
    const char *url;                 /* borrowed */
    enum xfer_kind kind;
    long status;                     /* HTTP status, 0 until headers arrive */
    bool headers_seen;
    bool is_sse;
    size_t received;                 /* bytes of body received */
    buf body;                        /* JSON body, or error body (capped) */
    sse_parser sse;
    /* chat state */
    const quire_llm_gen_opts *gen;
    quire_llm_result *res;
    buf text;                        /* the generated text */
    bool done;                       /* saw [DONE] */
    bool emitted;                    /* handed a piece to the caller */
    bool cancelled;
    double t0;
    /* failure raised inside a callback */
    quire_status fail;
    char failmsg[400];
} xfer;

static quire_status xfer_fail(xfer *x, quire_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static quire_status xfer_fail(xfer *x, quire_status code, const char *fmt, ...)
{
    if (x->fail == QUIRE_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->failmsg, sizeof x->failmsg, fmt, ap);
        va_end(ap);
        x->fail = code;
    }
    return code;
}

static void read_usage(quire_llm_result *res, const cJSON *root)
{
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
    const cJSON *pt = cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens");
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(usage, "completion_tokens");
    if (cJSON_IsNumber(pt) && pt->valuedouble >= 0 && pt->valuedouble < 1e12)
        res->prompt_tokens = (long)pt->valuedouble;
    if (cJSON_IsNumber(ct) && ct->valuedouble >= 0 && ct->valuedouble < 1e12)
        res->completion_tokens = (long)ct->valuedouble;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (cJSON_IsString(model) && model->valuestring)
        snprintf(res->model, sizeof res->model, "%s", model->valuestring);
}

/* The server's own error message in {"error": {"message": ...}} or {"error": "..."}. */
static const char *json_error_message(const cJSON *root)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(e)) return e->valuestring;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    if (cJSON_IsString(m)) return m->valuestring;
    return e ? "(no message)" : NULL;
}

/* Append generated text and hand it to the caller. */
static quire_status emit(xfer *x, const char *s, size_t n)
{
    if (n == 0) return QUIRE_OK;
    if (buf_append(&x->text, s, n) != QUIRE_OK)
        return xfer_fail(x, QUIRE_ERR_TOO_BIG, "answer from %s exceeds %zu bytes", x->url,
                         x->o->o.max_response_bytes);
    if (!x->emitted) x->res->first_token_ms = now_ms() - x->t0;
    x->emitted = true;
    if (x->gen->on_token && x->gen->on_token(x->gen->user, s, n) != 0) {
        x->cancelled = true;
        return QUIRE_ERR_INVALID;  /* stops the transfer; reported as cancellation */
    }
    return QUIRE_OK;
}

/* One choice of a chat completion: delta (streaming) or message (whole). */
static quire_status take_choice(xfer *x, const cJSON *root, const char *what)
{
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    read_usage(x->res, root);
    if (!cJSON_IsArray(choices))
        return xfer_fail(x, QUIRE_ERR_FORMAT, "malformed %s from %s: no \"choices\" array", what,
                         x->url);
    const cJSON *c0 = cJSON_GetArrayItem(choices, 0);
    if (!c0) return QUIRE_OK;  /* e.g. a final usage-only chunk */
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(c0, "finish_reason");
    if (cJSON_IsString(fr) && fr->valuestring)
        snprintf(x->res->finish_reason, sizeof x->res->finish_reason, "%s", fr->valuestring);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(c0, "delta");
    if (!msg) msg = cJSON_GetObjectItemCaseSensitive(c0, "message");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    if (cJSON_IsString(content) && content->valuestring)
        return emit(x, content->valuestring, strlen(content->valuestring));
    if (content && !cJSON_IsNull(content))
        return xfer_fail(x, QUIRE_ERR_FORMAT, "malformed %s from %s: \"content\" is not a string",
                         what, x->url);
    return QUIRE_OK;
}

static quire_status on_sse_event(void *user, const char *event, const char *data, size_t len)
{
    xfer *x = user;
    (void)event;
    char ex[EXCERPT_MAX + 8];
    if (x->done) return QUIRE_OK;  /* anything after [DONE] is ignored */
    if (len == 6 && !memcmp(data, "[DONE]", 6)) {
        x->done = true;
        return QUIRE_OK;
    }
    cJSON *root = cJSON_ParseWithLength(data, len);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        excerpt(data, len, ex, sizeof ex);
        return xfer_fail(x, QUIRE_ERR_FORMAT, "malformed stream from %s: event is not JSON: %s",
                         x->url, ex);
    }
    quire_status rc;
    const char *emsg = json_error_message(root);
    if (emsg)
        rc = xfer_fail(x, QUIRE_ERR_NETWORK, "server at %s reported an error mid-stream: %.300s",
                       x->url, emsg);
    else
        rc = take_choice(x, root, "stream event");
    cJSON_Delete(root);
    return rc;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    xfer *x = userdata;
    size_t n = size * nmemb;
    if (!x->headers_seen) {
        x->headers_seen = true;
        curl_easy_getinfo(x->o->curl, CURLINFO_RESPONSE_CODE, &x->status);
        char *ct = NULL;
        curl_easy_getinfo(x->o->curl, CURLINFO_CONTENT_TYPE, &ct);
        x->is_sse = x->status < 400 && x->kind == XFER_CHAT && ct &&
                    !strncasecmp(ct, "text/event-stream", 17);
    }
    if (n > x->o->o.max_response_bytes || x->received > x->o->o.max_response_bytes - n) {
        xfer_fail(x, QUIRE_ERR_TOO_BIG, "response from %s exceeds the %zu-byte cap", x->url,
                  x->o->o.max_response_bytes);
        return 0;
    }
    x->received += n;
    if (x->status >= 400) {  /* keep the start of an error body for the message */
        size_t room = x->body.len < ERR_BODY_MAX ? ERR_BODY_MAX - x->body.len : 0;
        if (buf_append(&x->body, ptr, n < room ? n : room) != QUIRE_OK) return 0;
        return n;
    }
    if (x->is_sse) {
        quire_status rc = sse_feed(&x->sse, ptr, n);
        if (rc == QUIRE_ERR_TOO_BIG)
            xfer_fail(x, QUIRE_ERR_TOO_BIG, "malformed stream from %s: an event exceeds the cap",
                      x->url);
        else if (rc == QUIRE_ERR_NOMEM)
            xfer_fail(x, QUIRE_ERR_NOMEM, "out of memory");
        return rc == QUIRE_OK ? n : 0;
    }
    if (buf_append(&x->body, ptr, n) != QUIRE_OK) {
        xfer_fail(x, QUIRE_ERR_NOMEM, "out of memory");
        return 0;
    }
    return n;
}

static void xfer_init(xfer *x, openai *o, const char *url, enum xfer_kind kind,
                      const quire_llm_gen_opts *gen, quire_llm_result *res)
{
    memset(x, 0, sizeof *x);
    x->o = o;
    x->url = url;
    x->kind = kind;
    x->gen = gen;
    x->res = res;
    buf_init(&x->body, o->o.max_response_bytes);
    buf_init(&x->text, o->o.max_response_bytes);
    sse_init(&x->sse, o->o.max_response_bytes, on_sse_event, x);
}

/* Reset per-attempt state (before a retry). Nothing has been emitted. */
static void xfer_rewind(xfer *x)
{
    sse_free(&x->sse);
    sse_init(&x->sse, x->o->o.max_response_bytes, on_sse_event, x);
    buf_reset(&x->body);
    buf_reset(&x->text);
    x->status = 0;
    x->headers_seen = x->is_sse = x->done = false;
    x->received = 0;
    x->fail = QUIRE_OK;
    x->failmsg[0] = '\0';
}

static void xfer_free(xfer *x)
{
    buf_free(&x->body);
    buf_free(&x->text);
    sse_free(&x->sse);
}

static bool retryable_curl(CURLcode cc)
{
    return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
           cc == CURLE_GOT_NOTHING || cc == CURLE_SEND_ERROR;
}

/* Translate an HTTP error status and body into *err. */
static quire_status http_error(xfer *x, quire_error *err)
{
    char ex[EXCERPT_MAX + 8];
    const char *msg = NULL;
    cJSON *root = cJSON_ParseWithLength(x->body.data ? x->body.data : "", x->body.len);
    if (root) msg = json_error_message(root);
    if (msg)
        excerpt(msg, strlen(msg), ex, sizeof ex);
    else
        excerpt(x->body.data ? x->body.data : "", x->body.len, ex, sizeof ex);
    cJSON_Delete(root);
    quire_status code = x->status == 404 ? QUIRE_ERR_NOT_FOUND : QUIRE_ERR_NETWORK;
    return quire_error_set(err, code, "HTTP %ld: %s (POST %s)", x->status,
                           ex[0] ? ex : "(empty body)", x->url);
}

/* POST body to x->url with retries. Leaves the outcome in x. */
static quire_status xfer_run(xfer *x, const char *body, quire_error *err)
{
    openai *o = x->o;
    CURL *c = o->curl;
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *hdr = NULL, *h;
    buf auth = QUIRE_BUF_INIT(0);
    quire_status rc = QUIRE_OK;

    h = curl_slist_append(hdr, "Content-Type: application/json");
    if (h) hdr = h;
    h = curl_slist_append(hdr, "Expect:");
    if (h) hdr = h;
    if (x->kind == XFER_CHAT && o->o.stream) {
        h = curl_slist_append(hdr, "Accept: text/event-stream");
        if (h) hdr = h;
    }
    if (o->api_key && o->api_key[0]) {
        if (buf_printf(&auth, "Authorization: Bearer %s", o->api_key) != QUIRE_OK ||
            !(h = curl_slist_append(hdr, auth.data))) {
            curl_slist_free_all(hdr);
            buf_free(&auth);
            return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        }
        hdr = h;
    }
    buf_free(&auth);

    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, x->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->o.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->o.timeout_ms);
    if (o->o.idle_timeout_s > 0) {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->o.idle_timeout_s);
    }
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  /* gzip etc. when the server offers it */
    curl_easy_setopt(c, CURLOPT_USERAGENT, "quire/0.1");

    long backoff = o->o.retry_backoff_ms > 0 ? o->o.retry_backoff_ms : 0;
    for (int attempt = 0;; attempt++) {
        errbuf[0] = '\0';
        if (x->res) x->res->attempts = attempt + 1;
        CURLcode cc = curl_easy_perform(c);
        if (cc == CURLE_OK && !x->headers_seen)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
        bool retry_ok = !x->emitted && attempt < o->o.max_retries;
        bool server_busy = cc == CURLE_OK && (x->status >= 500 || x->status == 429);
        if (retry_ok && (retryable_curl(cc) || server_busy)) {
            sleep_ms(backoff);
            backoff = backoff * 2 > 8000 ? 8000 : backoff * 2;
            xfer_rewind(x);
            continue;
        }
        if (x->cancelled) {
            rc = QUIRE_OK;
        } else if (x->fail != QUIRE_OK) {
            rc = quire_error_set(err, x->fail, "%s", x->failmsg);
        } else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST) {
            rc = quire_error_set(err, QUIRE_ERR_NETWORK,
                                 "server at %s is not reachable (%s; %d attempt%s)", o->base,
                                 errbuf[0] ? errbuf : curl_easy_strerror(cc), attempt + 1,
                                 attempt ? "s" : "");
        } else if (cc == CURLE_OPERATION_TIMEDOUT) {
            if (x->received == 0)
                rc = quire_error_set(err, QUIRE_ERR_TIMEOUT,
                                     "no answer from %s within the time limit (%s)", x->url,
                                     errbuf[0] ? errbuf : "timeout");
            else
                rc = quire_error_set(err, QUIRE_ERR_TIMEOUT,
                                     "answer from %s stalled or exceeded the time limit after "
                                     "%zu bytes (%s)", x->url, x->received, errbuf);
        } else if (cc == CURLE_PARTIAL_FILE || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING) {
            rc = quire_error_set(err, QUIRE_ERR_NETWORK,
                                 "truncated stream: %s closed the connection after %zu bytes (%s)",
                                 x->url, x->received, errbuf[0] ? errbuf : curl_easy_strerror(cc));
        } else if (cc != CURLE_OK) {
            rc = quire_error_set(err, QUIRE_ERR_NETWORK, "request to %s failed: %s", x->url,
                                 errbuf[0] ? errbuf : curl_easy_strerror(cc));
        } else if (x->status >= 400) {
            rc = http_error(x, err);
        } else if (x->status < 200 || x->status >= 300) {
            rc = quire_error_set(err, QUIRE_ERR_NETWORK, "unexpected HTTP %ld from %s", x->status,
                                 x->url);
        }
        break;
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdr);
    return rc;
}

/* ---- chat ---- */

static char *chat_body(openai *o, const quire_llm_message *msgs, size_t n,
                       const quire_llm_gen_opts *g)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "messages");
    bool ok = root && arr;
    if (ok && o->model) ok = cJSON_AddStringToObject(root, "model", o->model) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        ok = m && cJSON_AddItemToArray(arr, m) &&
             cJSON_AddStringToObject(m, "role", quire_llm_role_name(msgs[i].role)) &&
             cJSON_AddStringToObject(m, "content", msgs[i].content);
    }
    if (ok) ok = cJSON_AddBoolToObject(root, "stream", o->o.stream) != NULL;
    if (ok && g->max_tokens > 0) ok = cJSON_AddNumberToObject(root, "max_tokens", g->max_tokens) != NULL;
    if (ok && g->temperature >= 0)
        ok = cJSON_AddNumberToObject(root, "temperature", g->temperature) != NULL;
    if (ok && g->top_p > 0) ok = cJSON_AddNumberToObject(root, "top_p", g->top_p) != NULL;
    if (ok && g->seed >= 0) ok = cJSON_AddNumberToObject(root, "seed", (double)g->seed) != NULL;
    if (ok && g->n_stop) {
        cJSON *st = cJSON_AddArrayToObject(root, "stop");
        ok = st != NULL;
        for (size_t i = 0; ok && i < g->n_stop; i++) {
            cJSON *s = cJSON_CreateString(g->stop[i]);
            ok = s && cJSON_AddItemToArray(st, s);
        }
    }
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return out;
}

static quire_status openai_chat(void *self, const quire_llm_message *msgs, size_t n,
                                const quire_llm_gen_opts *opts, quire_llm_result *res,
                                quire_error *err)
{
    openai *o = self;
    buf url = QUIRE_BUF_INIT(0);
    if (buf_printf(&url, "%s/chat/completions", o->base) != QUIRE_OK)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    char *body = chat_body(o, msgs, n, opts);
    if (!body) {
        buf_free(&url);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    }
    xfer x;
    xfer_init(&x, o, url.data, XFER_CHAT, opts, res);
    x.t0 = now_ms();
    quire_status rc = xfer_run(&x, body, err);
    if (rc == QUIRE_OK && !x.cancelled) {
        if (x.is_sse) {
            if (!x.done && !res->finish_reason[0])
                rc = quire_error_set(err, QUIRE_ERR_NETWORK,
                                     "truncated stream: %s ended the answer without [DONE] "
                                     "after %zu bytes", x.url, x.received);
            else if (x.sse.events == 0)
                rc = quire_error_set(err, QUIRE_ERR_FORMAT, "malformed stream from %s: no events",
                                     x.url);
        } else {
            /* Non-streaming reply (asked for, or the server ignored "stream"). */
            char ex[EXCERPT_MAX + 8];
            cJSON *root = cJSON_ParseWithLength(x.body.data ? x.body.data : "", x.body.len);
            if (!root || !cJSON_IsObject(root)) {
                excerpt(x.body.data ? x.body.data : "", x.body.len, ex, sizeof ex);
                rc = quire_error_set(err, QUIRE_ERR_FORMAT, "malformed reply from %s: %s", x.url,
                                     ex[0] ? ex : "(empty body)");
            } else {
                const char *emsg = json_error_message(root);
                if (emsg)
                    rc = quire_error_set(err, QUIRE_ERR_NETWORK, "server at %s reported: %.300s",
                                         x.url, emsg);
                else if (take_choice(&x, root, "reply") != QUIRE_OK && !x.cancelled)
                    rc = quire_error_set(err, x.fail ? x.fail : QUIRE_ERR_FORMAT, "%s", x.failmsg);
            }
            cJSON_Delete(root);
        }
    }
    res->cancelled = x.cancelled;
    res->len = x.text.len;
    res->text = buf_steal(&x.text);
    res->total_ms = now_ms() - x.t0;
    if (!res->text && rc == QUIRE_OK) rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    xfer_free(&x);
    free(body);
    buf_free(&url);
    return rc;
}

/* ---- embeddings ---- */

/* One /v1/embeddings request for texts[0..n). *out is a new n * *dim array. */
static quire_status embed_batch(openai *o, const char *url, const char *const *texts, size_t n,
                                float **out, int *dim, quire_error *err)
{
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "input");
    const char *model = o->embed_model ? o->embed_model : o->model;
    bool ok = root && arr;
    if (ok && model) ok = cJSON_AddStringToObject(root, "model", model) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *s = cJSON_CreateString(texts[i] ? texts[i] : "");
        ok = s && cJSON_AddItemToArray(arr, s);
    }
    char *body = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!body) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");

    quire_llm_gen_opts g;
    quire_llm_gen_opts_default(&g);
    quire_llm_result dummy;
    memset(&dummy, 0, sizeof dummy);
    xfer x;
    xfer_init(&x, o, url, XFER_JSON, &g, &dummy);
    quire_status rc = xfer_run(&x, body, err);
    free(body);
    if (rc != QUIRE_OK) {
        xfer_free(&x);
        return rc;
    }
    cJSON *resp = cJSON_ParseWithLength(x.body.data ? x.body.data : "", x.body.len);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(resp, "data");
    float *vec = NULL;
    unsigned char *seen = NULL;
    if (!cJSON_IsArray(data) || (size_t)cJSON_GetArraySize(data) != n) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT,
                             "malformed embeddings from %s: expected %zu vectors", url, n);
        goto done;
    }
    const cJSON *first = cJSON_GetObjectItemCaseSensitive(data->child, "embedding");
    int d = cJSON_IsArray(first) ? cJSON_GetArraySize(first) : 0;
    if (d <= 0 || d > 65536 || (*dim && d != *dim)) {
        rc = quire_error_set(err, QUIRE_ERR_FORMAT,
                             "malformed embeddings from %s: bad dimension %d", url, d);
        goto done;
    }
    seen = calloc(n, 1);
    vec = malloc(n * (size_t)d * sizeof(float));
    if (!seen || !vec) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t pos = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, data) {
        const cJSON *idx = cJSON_GetObjectItemCaseSensitive(item, "index");
        const cJSON *emb = cJSON_GetObjectItemCaseSensitive(item, "embedding");
        size_t i = pos++;
        if (cJSON_IsNumber(idx))
            i = idx->valuedouble < 0 || idx->valuedouble >= (double)n ? n : (size_t)idx->valuedouble;
        if (i >= n || seen[i] || !cJSON_IsArray(emb) || cJSON_GetArraySize(emb) != d) {
            rc = quire_error_set(err, QUIRE_ERR_FORMAT,
                                 "malformed embeddings from %s: bad index or dimension", url);
            goto done;
        }
        seen[i] = 1;
        const cJSON *v;
        int k = 0;
        cJSON_ArrayForEach(v, emb) {
            if (!cJSON_IsNumber(v)) {
                rc = quire_error_set(err, QUIRE_ERR_FORMAT,
                                     "malformed embeddings from %s: non-number in vector", url);
                goto done;
            }
            vec[i * (size_t)d + (size_t)k++] = (float)v->valuedouble;
        }
    }
    *dim = d;
    *out = vec;
    vec = NULL;
done:
    free(vec);
    free(seen);
    cJSON_Delete(resp);
    xfer_free(&x);
    return rc;
}

static quire_status openai_embed(void *self, const char *const *texts, size_t n, float **vecs,
                                 int *dim, quire_error *err)
{
    openai *o = self;
    buf url = QUIRE_BUF_INIT(0);
    if (buf_printf(&url, "%s/embeddings", o->base) != QUIRE_OK)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    size_t batch = o->o.embed_batch ? o->o.embed_batch : 64;
    float *all = NULL;
    int d = 0;
    quire_status rc = QUIRE_OK;
    for (size_t at = 0; at < n && rc == QUIRE_OK; at += batch) {
        size_t m = n - at < batch ? n - at : batch;
        float *part = NULL;
        rc = embed_batch(o, url.data, texts + at, m, &part, &d, err);
        if (rc != QUIRE_OK) break;
        if (!all) {
            if ((size_t)d > SIZE_MAX / sizeof(float) / n) {
                rc = quire_error_set(err, QUIRE_ERR_TOO_BIG, "embeddings too large");
            } else if (!(all = malloc(n * (size_t)d * sizeof(float)))) {
                rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            }
        }
        if (all) memcpy(all + at * (size_t)d, part, m * (size_t)d * sizeof(float));
        free(part);
    }
    buf_free(&url);
    if (rc != QUIRE_OK) {
        free(all);
        return rc;
    }
    *vecs = all;
    *dim = d;
    return QUIRE_OK;
}

/* ---- lifecycle ---- */

static size_t openai_context_size(void *self)
{
    return ((openai *)self)->o.context_tokens;
}

static void openai_close(void *self)
{
    openai *o = self;
    if (!o) return;
    if (o->curl) curl_easy_cleanup(o->curl);
    free(o->base);
    free(o->model);
    free(o->embed_model);
    if (o->api_key) {
        memset(o->api_key, 0, strlen(o->api_key));
        free(o->api_key);
    }
    free(o);
}

static const quire_llm_ops openai_ops = {
    .name = "openai",
    .chat = openai_chat,
    .embed = openai_embed,
    .count_tokens = NULL,
    .context_size = openai_context_size,
    .close = openai_close,
};

static char *dup_or_null(const char *s, bool *ok)
{
    if (!s || !*s) return NULL;
    char *d = strdup(s);
    if (!d) *ok = false;
    return d;
}

quire_status quire_llm_openai_open(const quire_openai_opts *opts, quire_llm **out,
                                   quire_error *err)
{
    *out = NULL;
    if (!opts || !opts->base_url)
        return quire_error_set(err, QUIRE_ERR_INVALID, "no server URL given (--llm-url)");
    const char *u = opts->base_url;
    if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
        return quire_error_set(err, QUIRE_ERR_INVALID,
                               "server URL must start with http:// or https://: %.200s", u);
    size_t len = strlen(u);
    while (len > 8 && u[len - 1] == '/') len--;
    openai *o = calloc(1, sizeof *o);
    if (!o) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    o->o = *opts;
    if (!o->o.max_response_bytes) o->o.max_response_bytes = 16u << 20;
    if (o->o.max_retries < 0) o->o.max_retries = 0;
    if (o->o.max_retries > 10) o->o.max_retries = 10;
    buf b = QUIRE_BUF_INIT(0);
    bool has_v1 = len >= 3 && !memcmp(u + len - 3, "/v1", 3);
    bool ok = buf_append(&b, u, len) == QUIRE_OK &&
              (has_v1 || buf_append_str(&b, "/v1") == QUIRE_OK);
    o->base = ok ? buf_steal(&b) : NULL;
    buf_free(&b);
    ok = ok && o->base;
    o->model = dup_or_null(opts->model, &ok);
    o->embed_model = dup_or_null(opts->embed_model, &ok);
    o->api_key = dup_or_null(opts->api_key, &ok);
    o->curl = ok ? curl_easy_init() : NULL;
    if (!ok || !o->curl) {
        openai_close(o);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "cannot create the HTTP client");
    }
    return quire_llm_wrap(&openai_ops, o, opts->model, opts->context_tokens, out, err);
}
