/* The `openai` backend against a real HTTP server on 127.0.0.1 (openai_server.c):
 * a normal streamed answer, a JSON (non-streaming) answer, embeddings, retries
 * after 503s, cancellation, and each failure: server down, slow, HTTP 500,
 * malformed stream, truncated stream, dropped connection, huge response. */
#include "openai_server.h"
#include "quire/llm.h"
#include "../testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

typedef struct sink {
    char text[8192];
    size_t len;
    int calls;
    int cancel_after;  /* 0: never */
} sink;

static int on_token(void *user, const char *piece, size_t n)
{
    sink *s = user;
    if (s->len + n < sizeof s->text) {
        memcpy(s->text + s->len, piece, n);
        s->len += n;
        s->text[s->len] = '\0';
    }
    s->calls++;
    return s->cancel_after && s->calls >= s->cancel_after;
}

static quire_llm *open_backend(const char *url, bool stream, long timeout_ms, size_t cap)
{
    quire_openai_opts o;
    quire_openai_opts_default(&o);
    o.base_url = url;
    o.model = "test-model";
    o.api_key = "sk-test-123";
    o.stream = stream;
    o.timeout_ms = timeout_ms;
    o.connect_timeout_ms = 1000;
    o.retry_backoff_ms = 20;
    o.max_retries = 2;
    if (cap) o.max_response_bytes = cap;
    quire_llm *llm = NULL;
    quire_error err;
    quire_status rc = quire_llm_openai_open(&o, &llm, &err);
    if (rc != QUIRE_OK) fprintf(stderr, "open: %s\n", quire_error_message(&err));
    return llm;
}

static quire_status ask(quire_llm *llm, sink *s, quire_llm_result *res, quire_error *err)
{
    quire_llm_message m[2] = {{QUIRE_ROLE_SYSTEM, "Answer from the sources."},
                              {QUIRE_ROLE_USER, "What does TrueTime provide? \"quoted\" \xc3\xa9"}};
    quire_llm_gen_opts g;
    quire_llm_gen_opts_default(&g);
    g.on_token = on_token;
    g.user = s;
    g.max_tokens = 64;
    g.temperature = 0;
    memset(s->text, 0, sizeof s->text);
    s->len = 0;
    s->calls = 0;
    quire_error_clear(err);
    return quire_llm_chat(llm, m, 2, &g, res, err);
}

static const char *ANSWER =
    "TrueTime exposes clock uncertainty as an interval [1]. R\xc3\xa9plication is "
    "synchronous across 5 zones [2][3].";

int main(void)
{
    test_server *ts = ts_start();
    if (!ts) SKIP("cannot start a test HTTP server on 127.0.0.1");
    ts_set_answer(ts, ANSWER);
    quire_error err;
    quire_llm_result res;
    sink s;
    memset(&s, 0, sizeof s);

    /* 1. normal streamed answer: pieces arrive through the callback and add up */
    {
        quire_llm *llm = open_backend(ts_url(ts), true, 5000, 0);
        CHECK(llm != NULL);
        CHECK_STR(quire_llm_name(llm), "openai");
        CHECK_STR(quire_llm_model(llm), "test-model");
        quire_status rc = ask(llm, &s, &res, &err);
        if (rc) fprintf(stderr, "normal: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK_STR(res.text, ANSWER);
        CHECK_STR(s.text, ANSWER);
        CHECK(s.calls > 10);  /* streamed in small pieces, not in one go */
        CHECK_STR(res.finish_reason, "stop");
        CHECK_STR(res.model, "test-model");
        CHECK(res.first_token_ms >= 0 && res.first_token_ms <= res.total_ms);
        CHECK_EQ_INT(res.attempts, 1);
        CHECK(!res.cancelled);
        /* what the server received */
        char *body = ts_last_body(ts);
        cJSON *j = cJSON_Parse(body);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "stream")));
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "model")), "test-model");
        cJSON *msgs = cJSON_GetObjectItem(j, "messages");
        CHECK_EQ_INT(cJSON_GetArraySize(msgs), 2);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "role")), "system");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "content")),
                  "What does TrueTime provide? \"quoted\" \xc3\xa9");
        CHECK_EQ_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "max_tokens")), 64);
        cJSON_Delete(j);
        free(body);
        char *auth = ts_last_auth(ts);
        CHECK_STR(auth, "Bearer sk-test-123");
        free(auth);
        quire_llm_result_free(&res);

        /* 1b. cancellation from the callback stops the stream */
        s.cancel_after = 3;
        rc = ask(llm, &s, &res, &err);
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK(res.cancelled);
        CHECK(res.len < strlen(ANSWER));
        CHECK(!strncmp(res.text, ANSWER, res.len));
        s.cancel_after = 0;
        quire_llm_result_free(&res);

        /* 1c. embeddings: shape, order by index (the server replies reversed) */
        const char *texts[3] = {"alpha beta", "gamma", "alpha beta"};
        float *v = NULL;
        int dim = 0;
        rc = quire_llm_embed(llm, texts, 3, &v, &dim, &err);
        if (rc) fprintf(stderr, "embed: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK_EQ_INT(dim, 8);
        if (v && dim == 8) {
            CHECK(!memcmp(v, v + 16, 8 * sizeof(float)));   /* same text, same vector */
            CHECK(memcmp(v, v + 8, 8 * sizeof(float)) != 0);
            float sum0 = 0, sum1 = 0;
            for (int i = 0; i < 8; i++) sum0 += v[i], sum1 += v[8 + i];
            CHECK(fabsf(sum0 - 2) < 1e-6 && fabsf(sum1 - 1) < 1e-6);  /* 2 words, 1 word */
        }
        free(v);
        quire_llm_close(llm);
    }

    /* 2. non-streaming: asked for, and a server that ignores "stream": true */
    {
        quire_llm *llm = open_backend(ts_url(ts), false, 5000, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK_STR(res.text, ANSWER);
        CHECK_STR(s.text, ANSWER);  /* delivered through the callback too, in one piece */
        CHECK_EQ_INT(s.calls, 1);
        CHECK_EQ_INT(res.prompt_tokens, 42);
        CHECK_EQ_INT(res.completion_tokens, 7);
        quire_llm_result_free(&res);
        quire_llm_close(llm);

        ts_set_mode(ts, TS_NOSTREAM);
        llm = open_backend(ts_url(ts), true, 5000, 0);
        rc = ask(llm, &s, &res, &err);
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK_STR(res.text, ANSWER);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
        ts_set_mode(ts, TS_NORMAL);
    }

    /* 3. HTTP 500: clear message with the server's own error, after bounded retries */
    {
        ts_set_mode(ts, TS_ERROR500);
        int before = ts_requests(ts);
        quire_llm *llm = open_backend(ts_url(ts), true, 5000, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "500: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_NETWORK);
        CHECK(strstr(err.msg, "HTTP 500") != NULL);
        CHECK(strstr(err.msg, "model crashed: out of memory on device") != NULL);
        CHECK_EQ_INT(ts_requests(ts) - before, 3);  /* 1 + max_retries */
        CHECK_EQ_INT(res.attempts, 3);
        quire_llm_result_free(&res);

        /* 3b. flaky: two 503s, then an answer */
        ts_set_mode(ts, TS_FLAKY);
        ts_set_fail_count(ts, 2);
        rc = ask(llm, &s, &res, &err);
        CHECK_EQ_INT(rc, QUIRE_OK);
        CHECK_STR(res.text, ANSWER);
        CHECK_EQ_INT(res.attempts, 3);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
    }

    /* 4. malformed stream */
    {
        ts_set_mode(ts, TS_MALFORMED);
        quire_llm *llm = open_backend(ts_url(ts), true, 5000, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "malformed: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);
        CHECK(strstr(err.msg, "malformed stream") != NULL);
        CHECK(strstr(err.msg, "this is not json") != NULL);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
    }

    /* 5. truncated stream (clean end, no finish_reason, no [DONE]); partial text kept */
    {
        ts_set_mode(ts, TS_TRUNCATED);
        quire_llm *llm = open_backend(ts_url(ts), true, 5000, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "truncated: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_NETWORK);
        CHECK(strstr(err.msg, "truncated stream") != NULL);
        CHECK_STR(res.text, ANSWER);
        quire_llm_result_free(&res);

        /* 5b. connection dropped mid-stream: not retried once tokens were shown */
        ts_set_mode(ts, TS_DROP);
        int before = ts_requests(ts);
        rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "drop: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_NETWORK);
        CHECK(strstr(err.msg, "truncated stream") != NULL);
        CHECK_EQ_INT(ts_requests(ts) - before, 1);
        CHECK(s.len > 0 && s.len < strlen(ANSWER));
        quire_llm_result_free(&res);
        quire_llm_close(llm);
    }

    /* 6. huge response: stopped at the cap */
    {
        ts_set_mode(ts, TS_HUGE);
        quire_llm *llm = open_backend(ts_url(ts), true, 20000, 256 * 1024);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "huge: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_TOO_BIG);
        CHECK(strstr(err.msg, "cap") != NULL);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
    }

    /* 7. slow: nothing within the time limit */
    {
        ts_set_mode(ts, TS_SLOW);
        ts_set_delay(ts, 3000);
        quire_llm *llm = open_backend(ts_url(ts), true, 300, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "slow: %s (%.0f ms)\n", quire_error_message(&err), res.total_ms);
        CHECK_EQ_INT(rc, QUIRE_ERR_TIMEOUT);
        CHECK(res.total_ms < 2500);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
        ts_set_delay(ts, 0);
        ts_set_mode(ts, TS_NORMAL);
    }

    /* 8. down: a loopback port nobody listens on (bound, never listened, then closed) */
    {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t sl = sizeof sa;
        CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
        CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
        quire_llm *llm = open_backend(url, true, 2000, 0);
        quire_status rc = ask(llm, &s, &res, &err);
        fprintf(stderr, "down: %s\n", quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_ERR_NETWORK);
        CHECK(strstr(err.msg, "is not reachable") != NULL);
        CHECK(strstr(err.msg, "3 attempts") != NULL);
        quire_llm_result_free(&res);
        quire_llm_close(llm);
        close(fd);
    }

    /* 9. bad URLs are refused before any request */
    {
        quire_openai_opts o;
        quire_openai_opts_default(&o);
        o.base_url = "ftp://127.0.0.1/";
        quire_llm *llm = NULL;
        CHECK_EQ_INT(quire_llm_openai_open(&o, &llm, &err), QUIRE_ERR_INVALID);
        CHECK(llm == NULL);
    }

    ts_stop(ts);
    return test_summary();
}
