/* Tokenizer of the real models (README sections 2.1/2.2): for every model in
 * ../shared/testdata/llm/ref whose GGUF is present, the teacher-forced
 * sentence tokenizes (BOS, no special parsing) to the first ids of
 * <model>.tokens.txt, every greedy prompt (BOS, special parsing) to its
 * prompt_ids, and the pieces of the generated ids concatenate to
 * generated_text_hex. */
#include "../testutil.h"
#include "quire/gguf.h"
#include "quire/tokenizer.h"
#include "util/fileio.h"

#include <cJSON.h>
#include <dirent.h>
#include <unistd.h>

static cJSON *read_json(const char *path)
{
    char *s = NULL;
    size_t n = 0;
    if (file_read_all(path, 1 << 26, &s, &n, NULL) != QUIRE_OK)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(s, n);
    free(s);
    return j;
}

static bool ids_equal(const quire_token *a, size_t na, const cJSON *arr, size_t limit)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (limit < n)
        n = limit;
    if (n != na)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((quire_token)cJSON_GetArrayItem(arr, (int)i)->valuedouble != a[i])
            return false;
    return true;
}

static int check_model(const char *shared, const char *model)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/testdata/llm/models/%s.gguf", shared, model);
    if (access(path, R_OK) != 0)
        return 0;
    quire_gguf *g = NULL;
    quire_tokenizer *t = NULL;
    quire_error err = {0};
    CHECK_EQ_INT(quire_gguf_open(path, &g, &err), QUIRE_OK);
    if (!g)
        return 0;
    CHECK_EQ_INT(quire_tokenizer_load(g, &t, &err), QUIRE_OK);
    quire_gguf_close(g); /* the tokenizer keeps its own copy */
    if (!t)
        return 0;
    int before = test_failures;

    /* teacher-forced sentence */
    snprintf(path, sizeof path, "%s/testdata/llm/ref/%s.logits.json", shared, model);
    cJSON *lj = read_json(path);
    snprintf(path, sizeof path, "%s/testdata/llm/ref/%s.tokens.txt", shared, model);
    char *tokens = NULL;
    size_t tlen = 0;
    if (lj && file_read_all(path, 1 << 20, &tokens, &tlen, NULL) == QUIRE_OK) {
        const cJSON *tk = cJSON_GetObjectItemCaseSensitive(lj, "tokens");
        const cJSON *sentence = cJSON_GetObjectItemCaseSensitive(tk, "sentence");
        const cJSON *nst = cJSON_GetObjectItemCaseSensitive(tk, "n_sentence_tokens");
        CHECK(cJSON_IsString(sentence) && cJSON_IsNumber(nst));
        if (cJSON_IsString(sentence) && cJSON_IsNumber(nst)) {
            cJSON *ref = cJSON_CreateArray();
            char *p = tokens;
            for (int i = 0; i < (int)nst->valuedouble; i++) {
                char *e;
                long v = strtol(p, &e, 10);
                if (e == p)
                    break;
                cJSON_AddItemToArray(ref, cJSON_CreateNumber((double)v));
                p = e;
            }
            quire_token *ids = NULL;
            size_t n = 0;
            CHECK_EQ_INT(quire_tokenizer_encode(t, sentence->valuestring, strlen(sentence->valuestring),
                                                QUIRE_TOKENIZE_ADD_SPECIAL, &ids, &n, &err),
                         QUIRE_OK);
            CHECK(ids_equal(ids, n, ref, (size_t)-1));
            free(ids);
            cJSON_Delete(ref);
        }
    }
    free(tokens);
    cJSON_Delete(lj);

    /* greedy prompts and the text of the generated ids */
    snprintf(path, sizeof path, "%s/testdata/llm/ref/%s.greedy.json", shared, model);
    cJSON *gj = read_json(path);
    const cJSON *r;
    const cJSON *results = gj ? cJSON_GetObjectItemCaseSensitive(gj, "results") : NULL;
    CHECK(cJSON_IsArray(results));
    cJSON_ArrayForEach(r, results) {
        const char *prompt = cJSON_GetObjectItemCaseSensitive(r, "prompt")->valuestring;
        quire_token *ids = NULL;
        size_t n = 0;
        CHECK_EQ_INT(quire_tokenizer_encode(t, prompt, strlen(prompt),
                                            QUIRE_TOKENIZE_ADD_SPECIAL | QUIRE_TOKENIZE_PARSE_SPECIAL,
                                            &ids, &n, &err),
                     QUIRE_OK);
        bool ok = ids_equal(ids, n, cJSON_GetObjectItemCaseSensitive(r, "prompt_ids"), (size_t)-1);
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "%s: prompt \"%s\" tokenizes differently\n", model, prompt);
        free(ids);
        const cJSON *gen = cJSON_GetObjectItemCaseSensitive(r, "generated_ids");
        const cJSON *hex = cJSON_GetObjectItemCaseSensitive(r, "generated_text_hex");
        if (cJSON_IsArray(gen) && cJSON_IsString(hex)) {
            char text[8192];
            size_t at = 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, gen) {
                char piece[256];
                size_t m = quire_tokenizer_piece(t, (quire_token)x->valuedouble, true, 0, piece, sizeof piece);
                for (size_t k = 0; k < m && at + 3 < sizeof text; k++) {
                    snprintf(text + at, 3, "%02x", (unsigned char)piece[k]);
                    at += 2;
                }
            }
            text[at] = 0;
            CHECK_STR(text, hex->valuestring);
        }
    }
    cJSON_Delete(gj);
    quire_tokenizer_free(t);
    fprintf(stderr, "%-24s %s\n", model, test_failures == before ? "ok" : "FAIL");
    return 1;
}

int main(void)
{
    const char *shared = test_shared_dir();
    if (!shared)
        SKIP("QUIRE_SHARED not set");
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/testdata/llm/ref", shared);
    DIR *d = opendir(dir);
    if (!d)
        SKIP("testdata/llm/ref is absent");
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 12 && !strcmp(de->d_name + l - 12, ".greedy.json")) {
            char model[512];
            snprintf(model, sizeof model, "%.*s", (int)(l - 12), de->d_name);
            n += check_model(shared, model);
        }
    }
    closedir(d);
    /* stories260K must be among them */
    CHECK(n > 0);
    return test_summary();
}
