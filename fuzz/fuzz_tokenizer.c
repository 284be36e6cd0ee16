/* Fuzz target: arbitrary text through the tokenizers of llama.cpp's vocab
 * files (../shared/testdata/llm/vocab, found through QUIRE_SHARED; nothing
 * runs when they are absent). Checks ids are in range and decoding works. */
#include "quire/gguf.h"
#include "quire/tokenizer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vocabs[] = {
    "ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-gpt-2.gguf",
    "ggml-vocab-falcon.gguf", "ggml-vocab-deepseek-llm.gguf", "ggml-vocab-deepseek-coder.gguf",
    "ggml-vocab-starcoder.gguf", "ggml-vocab-bert-bge.gguf",
};
#define N_VOCABS (sizeof vocabs / sizeof vocabs[0])

/* Loaded once for the whole run (fuzz harness state, not library state). */
static quire_tokenizer *toks[N_VOCABS];
static int loaded;

static void load_all(void)
{
    loaded = 1;
    const char *shared = getenv("QUIRE_SHARED");
    if (!shared)
        return;
    for (size_t i = 0; i < N_VOCABS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/testdata/llm/vocab/%s", shared, vocabs[i]);
        quire_gguf *g = NULL;
        if (quire_gguf_open(path, &g, NULL) == QUIRE_OK)
            quire_tokenizer_load(g, &toks[i], NULL);
        quire_gguf_close(g);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loaded)
        load_all();
    for (size_t i = 0; i < N_VOCABS; i++) {
        const quire_tokenizer *t = toks[i];
        if (!t)
            continue;
        unsigned flags = size ? data[0] & 3 : 3;
        quire_token *ids = NULL;
        size_t n = 0;
        if (quire_tokenizer_encode(t, (const char *)data, size, flags, &ids, &n, NULL) != QUIRE_OK)
            continue;
        for (size_t j = 0; j < n; j++)
            if (ids[j] < 0 || (size_t)ids[j] >= quire_tokenizer_n_tokens(t))
                abort();
        char *out = NULL;
        size_t len = 0;
        if (quire_tokenizer_decode(t, ids, n, QUIRE_DETOKENIZE_UNPARSE_SPECIAL, &out, &len, NULL) ==
            QUIRE_OK)
            free(out);
        free(ids);
    }
    return 0;
}
