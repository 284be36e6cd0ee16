/* Unigram ("t5") tokenizer on a tiny handcrafted vocabulary whose best
 * segmentations are worked out by hand: Viterbi over piece scores, the
 * [UNK] penalty (lowest score - 10) with runs of unknowns collapsed, the
 * leading U+2581, merged spaces, user-defined pieces kept whole, EOS added. */
#include "../testutil.h"
#include "quire/gguf.h"
#include "quire/tokenizer.h"
#include "util/buf.h"

static void u32(buf *b, uint32_t v) { buf_append(b, &v, 4); }
static void u64(buf *b, uint64_t v) { buf_append(b, &v, 8); }
static void str(buf *b, const char *s)
{
    u64(b, strlen(s));
    buf_append(b, s, strlen(s));
}

static void expect(const quire_tokenizer *t, const char *text, unsigned flags, const int *want, size_t nw)
{
    quire_token *ids = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_tokenizer_encode(t, text, strlen(text), flags, &ids, &n, NULL), QUIRE_OK);
    bool ok = n == nw;
    for (size_t i = 0; ok && i < n; i++)
        ok = ids[i] == want[i];
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "\"%s\":", text);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %d", ids[i]);
        fprintf(stderr, "\n");
    }
    free(ids);
}

int main(void)
{
    static const char *const toks[] = {"<pad>", "</s>", "<unk>", "\xe2\x96\x81", "\xe2\x96\x81" "ab",
                                       "\xe2\x96\x81" "a", "b", "c", "<X>"};
    static const float scores[] = {0, 0, 0, -2, -3, -1, -1, -5, 0};
    static const int32_t types[] = {3, 3, 2, 1, 1, 1, 1, 1, 4};
    const size_t n = sizeof toks / sizeof toks[0];
    buf b = QUIRE_BUF_INIT(0);
    buf_append(&b, "GGUF", 4);
    u32(&b, 3);
    u64(&b, 0);
    u64(&b, 6);
    str(&b, "tokenizer.ggml.model");
    u32(&b, QUIRE_GGUF_STRING);
    str(&b, "t5");
    str(&b, "tokenizer.ggml.tokens");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, QUIRE_GGUF_STRING);
    u64(&b, n);
    for (size_t i = 0; i < n; i++)
        str(&b, toks[i]);
    str(&b, "tokenizer.ggml.scores");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, QUIRE_GGUF_FLOAT32);
    u64(&b, n);
    buf_append(&b, scores, sizeof scores);
    str(&b, "tokenizer.ggml.token_type");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, QUIRE_GGUF_INT32);
    u64(&b, n);
    buf_append(&b, types, sizeof types);
    str(&b, "tokenizer.ggml.add_space_prefix");
    u32(&b, QUIRE_GGUF_BOOL);
    buf_append_char(&b, 1);
    str(&b, "tokenizer.ggml.remove_extra_whitespaces");
    u32(&b, QUIRE_GGUF_BOOL);
    buf_append_char(&b, 1);
    while (b.len % 32)
        buf_append_char(&b, 0);

    quire_gguf *g = NULL;
    quire_tokenizer *t = NULL;
    quire_error err = {0};
    CHECK_EQ_INT(quire_gguf_open_buffer(b.data, b.len, &g, &err), QUIRE_OK);
    CHECK_EQ_INT(quire_tokenizer_load(g, &t, &err), QUIRE_OK);
    if (!t) {
        fprintf(stderr, "%s\n", err.msg);
        return test_summary();
    }
    CHECK_STR(quire_tokenizer_kind_name(quire_tokenizer_get_kind(t)), "ugm");
    CHECK(!quire_tokenizer_add_bos(t) && quire_tokenizer_add_eos(t));
    /* "_a"(-1) + "b"(-1) beats "_ab"(-3); "_" + "c"; EOS */
    expect(t, "ab c", QUIRE_TOKENIZE_ADD_SPECIAL, (const int[]){5, 6, 3, 7, 1}, 5);
    /* unknown x, y: one [UNK] for the run */
    expect(t, "ab xy", 0, (const int[]){5, 6, 3, 2}, 4);
    /* spaces merge; user-defined <X> is split out first, each fragment gets its own leading U+2581 */
    expect(t, "  ab   <X>c", 0, (const int[]){5, 6, 8, 3, 7}, 5);
    char *out = NULL;
    size_t len = 0;
    CHECK_EQ_INT(quire_tokenizer_decode(t, (const quire_token[]){5, 6, 3, 7, 1}, 5,
                                        QUIRE_DETOKENIZE_REMOVE_SPECIAL, &out, &len, NULL),
                 QUIRE_OK);
    CHECK_STR(out, "ab c");
    free(out);
    quire_tokenizer_free(t);
    quire_gguf_close(g);
    buf_free(&b);
    return test_summary();
}
