/* SSE parser: framing variants, and every split point of a stream gives the same events. */
#include "llm/sse.h"
#include "../testutil.h"

typedef struct collected {
    char out[4096];
    size_t len;
    int n;
} collected;

static quire_status collect(void *user, const char *event, const char *data, size_t len)
{
    collected *c = user;
    int w = snprintf(c->out + c->len, sizeof c->out - c->len, "<%s|%.*s>", event, (int)len, data);
    if (w > 0) c->len += (size_t)w;
    c->n++;
    return QUIRE_OK;
}

static void run(const char *in, size_t len, size_t split, collected *c, quire_status *rc)
{
    sse_parser p;
    memset(c, 0, sizeof *c);
    sse_init(&p, 1024, collect, c);
    *rc = sse_feed(&p, in, split);
    if (*rc == QUIRE_OK) *rc = sse_feed(&p, in + split, len - split);
    sse_free(&p);
}

int main(void)
{
    const char *stream =
        "\xEF\xBB\xBF: comment line\r\n"
        "data: one\n\n"
        "event: delta\r\n"
        "data: two\r\n"
        "data:  three\r\n\r\n"          /* one space stripped, the second kept */
        "id: 7\rretry: 10\rdata:four\r\r"
        "data\n\n"                      /* field with no colon: empty data */
        "data: [DONE]\n\n"
        "data: unterminated";           /* discarded at end of stream */
    size_t len = strlen(stream);
    const char *want = "<|one><delta|two\n three><|four><|><|[DONE]>";
    for (size_t split = 0; split <= len; split++) {
        collected c;
        quire_status rc;
        run(stream, len, split, &c, &rc);
        CHECK_EQ_INT(rc, QUIRE_OK);
        if (strcmp(c.out, want) != 0) {
            fprintf(stderr, "split at %zu gave %s\n", split, c.out);
            CHECK(0);
            break;
        }
    }

    /* Byte-by-byte feeding. */
    {
        collected c;
        memset(&c, 0, sizeof c);
        sse_parser p;
        sse_init(&p, 1024, collect, &c);
        for (size_t i = 0; i < len; i++) CHECK_EQ_INT(sse_feed(&p, stream + i, 1), QUIRE_OK);
        CHECK_STR(c.out, want);
        CHECK(sse_pending(&p));  /* "data: unterminated" was left open */
        sse_free(&p);
    }

    /* A line over the cap is an error, not a crash. */
    {
        char big[3000];
        memset(big, 'x', sizeof big);
        memcpy(big, "data: ", 6);
        collected c;
        memset(&c, 0, sizeof c);
        sse_parser p;
        sse_init(&p, 1024, collect, &c);
        CHECK_EQ_INT(sse_feed(&p, big, sizeof big), QUIRE_ERR_TOO_BIG);
        sse_free(&p);
    }
    return test_summary();
}
