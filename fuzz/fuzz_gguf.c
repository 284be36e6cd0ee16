/* Fuzz target: the GGUF reader and, when the bytes carry a vocabulary, the
 * tokenizer built from it (encode and decode of a fixed text and of the
 * file's own tail). Every accessor is walked so that a bad index would show. */
#include "quire/gguf.h"
#include "quire/tokenizer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_value(const quire_gguf_value *v, int depth)
{
    int64_t i;
    uint64_t u;
    double d;
    bool b;
    const char *s;
    size_t n;
    (void)quire_gguf_value_int(v, &i);
    (void)quire_gguf_value_uint(v, &u);
    (void)quire_gguf_value_float(v, &d);
    (void)quire_gguf_value_bool(v, &b);
    if (quire_gguf_value_str(v, &s, &n) && n)
        (void)(volatile char)s[n - 1];
    uint64_t an = quire_gguf_arr_n(v);
    for (uint64_t j = 0; j < an && j < 64 && depth < 16; j++) {
        quire_gguf_value tmp;
        const quire_gguf_value *e = quire_gguf_arr_elem(v, j, &tmp);
        if (e)
            walk_value(e, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_gguf *g = NULL;
    if (quire_gguf_open_buffer(data, size, &g, NULL) != QUIRE_OK)
        return 0;
    for (size_t k = 0; k < quire_gguf_n_kv(g); k++) {
        const char *key = quire_gguf_key(g, k);
        if (quire_gguf_find_key(g, key) != (long)k)
            abort();
        walk_value(quire_gguf_kv_value(g, k), 0);
    }
    for (size_t k = 0; k < quire_gguf_n_tensors(g); k++) {
        const quire_gguf_tensor *t = quire_gguf_tensor_at(g, k);
        if (quire_gguf_find_tensor(g, t->name) != t)
            abort();
        if (t->n_bytes) {
            const uint8_t *p = t->data;
            if (p < data || p + t->n_bytes > data + size)
                abort();
            (void)(volatile uint8_t)p[t->n_bytes - 1];
        }
    }
    quire_tokenizer *tok = NULL;
    if (quire_tokenizer_load(g, &tok, NULL) == QUIRE_OK) {
        static const char text[] = " Hello  world! <s></s>[CLS] 123 \xc3\xa9\xe2\x96\x81\xff\n";
        const char *texts[2] = {text, (const char *)data + size / 2};
        size_t lens[2] = {sizeof text - 1, size - size / 2};
        for (int k = 0; k < 2; k++) {
            for (unsigned flags = 0; flags < 4; flags++) {
                quire_token *ids = NULL;
                size_t n = 0;
                if (quire_tokenizer_encode(tok, texts[k], lens[k], flags, &ids, &n, NULL) == QUIRE_OK) {
                    for (size_t j = 0; j < n; j++)
                        if (ids[j] < 0 || (size_t)ids[j] >= quire_tokenizer_n_tokens(tok))
                            abort();
                    char *out = NULL;
                    size_t len = 0;
                    if (quire_tokenizer_decode(tok, ids, n, flags, &out, &len, NULL) == QUIRE_OK)
                        free(out);
                }
                free(ids);
            }
        }
        quire_tokenizer_free(tok);
    }
    quire_gguf_close(g);
    return 0;
}
