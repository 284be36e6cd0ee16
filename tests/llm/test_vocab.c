/* Tokenizer conformance against llama.cpp's vectors
 * (../shared/testdata/llm/vocab, format in its README section 6).
 *
 *   test_vocab NAME      one vocabulary: NAME.gguf with NAME.gguf.inp/.out and
 *                        NAME.strings.json (NAME like "ggml-vocab-gpt-2")
 *   test_vocab           every *.strings.json / *.gguf.inp in the folder
 *
 * For each vocabulary: the .inp strings tokenize (no BOS, no special parsing)
 * to the .out ids; each extra string sNN tokenizes to ids /
 * ids_no_add_special / ids_no_parse_special; each id's piece and the two
 * detokenizations equal the reference bytes; the header (n_tokens, bos, eos,
 * eot, sep, nl, pad, add_bos, add_eos) matches.
 */
#include "quire/gguf.h"
#include "quire/tokenizer.h"
#include "../testutil.h"
#include "util/fileio.h"

#include <cJSON.h>
#include <dirent.h>
#include <stdbool.h>

static char vocab_dir[4096];

typedef struct counts {
    int pass, fail;
} counts;

static bool same_ids(const quire_token *a, size_t na, const cJSON *arr)
{
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != na)
        return false;
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        if (!cJSON_IsNumber(x) || (quire_token)x->valuedouble != a[i])
            return false;
        i++;
    }
    return true;
}

static void print_ids(const char *what, const quire_token *a, size_t n)
{
    fprintf(stderr, "    %s:", what);
    for (size_t i = 0; i < n && i < 60; i++)
        fprintf(stderr, " %d", a[i]);
    fprintf(stderr, "\n");
}

static char *hex_of(const char *s, size_t n)
{
    char *h = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 * i, 3, "%02x", (unsigned char)s[i]);
    h[2 * n] = 0;
    return h;
}

static bool load(const char *gguf_path, quire_gguf **g, quire_tokenizer **t)
{
    quire_error err = {0};
    if (quire_gguf_open(gguf_path, g, &err) != QUIRE_OK) {
        fprintf(stderr, "open %s: %s\n", gguf_path, quire_error_message(&err));
        return false;
    }
    if (quire_tokenizer_load(*g, t, &err) != QUIRE_OK) {
        fprintf(stderr, "tokenizer %s: %s\n", gguf_path, quire_error_message(&err));
        quire_gguf_close(*g);
        return false;
    }
    return true;
}

/* .inp/.out pairs */
static void check_inp_out(const quire_tokenizer *t, const char *base, counts *c)
{
    char path[4200];
    char *inp = NULL, *outs = NULL;
    size_t inp_len = 0, out_len = 0;
    quire_error err = {0};
    snprintf(path, sizeof path, "%s/%s.gguf.inp", vocab_dir, base);
    if (file_read_all(path, 1 << 24, &inp, &inp_len, &err) != QUIRE_OK)
        return;
    snprintf(path, sizeof path, "%s/%s.gguf.out", vocab_dir, base);
    if (file_read_all(path, 1 << 24, &outs, &out_len, &err) != QUIRE_OK) {
        free(inp);
        CHECK(!"missing .out for .inp");
        return;
    }
    static const char sep[] = "\n__ggml_vocab_test__\n";
    const size_t sep_len = sizeof sep - 1;
    char *p = inp, *end = inp + inp_len;
    char *line = outs, *oend = outs + out_len;
    int k = 0;
    while (p < end) {
        char *q = NULL;
        for (char *s = p; s + sep_len <= end; s++)
            if (memcmp(s, sep, sep_len) == 0) {
                q = s;
                break;
            }
        if (!q)
            break;
        char *nl = memchr(line, '\n', (size_t)(oend - line));
        if (!nl)
            nl = oend;
        /* expected ids */
        quire_token exp[4096];
        size_t ne = 0;
        for (char *s = line; s < nl && ne < 4096;) {
            while (s < nl && *s == ' ')
                s++;
            if (s >= nl)
                break;
            char *e2;
            long v = strtol(s, &e2, 10);
            if (e2 == s)
                break;
            exp[ne++] = (quire_token)v;
            s = e2;
        }
        quire_token *ids = NULL;
        size_t n = 0;
        quire_status st = quire_tokenizer_encode(t, p, (size_t)(q - p), 0, &ids, &n, &err);
        bool ok = st == QUIRE_OK && n == ne && (n == 0 || memcmp(ids, exp, n * sizeof *ids) == 0);
        test_checks++;
        if (ok) {
            c->pass++;
        } else {
            c->fail++;
            test_failures++;
            fprintf(stderr, "  %s inp #%d FAIL: \"%.*s\"\n", base, k, (int)(q - p > 80 ? 80 : q - p), p);
            print_ids("expected", exp, ne);
            print_ids("got     ", ids, n);
        }
        free(ids);
        p = q + sep_len;
        line = nl < oend ? nl + 1 : oend;
        k++;
    }
    free(inp);
    free(outs);
}

static void check_ids(const quire_tokenizer *t, const char *base, const char *sname,
                      const char *text, size_t len, unsigned flags, const cJSON *exp,
                      const char *field, counts *c)
{
    if (!exp)
        return;
    quire_token *ids = NULL;
    size_t n = 0;
    quire_error err = {0};
    quire_status st = quire_tokenizer_encode(t, text, len, flags, &ids, &n, &err);
    bool ok = st == QUIRE_OK && same_ids(ids, n, exp);
    test_checks++;
    if (ok) {
        c->pass++;
    } else {
        c->fail++;
        test_failures++;
        fprintf(stderr, "  %s %s %s FAIL\n", base, sname, field);
        quire_token e[4096];
        size_t ne = 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, exp) if (ne < 4096) e[ne++] = (quire_token)x->valuedouble;
        print_ids("expected", e, ne);
        print_ids("got     ", ids, n);
    }
    free(ids);
}

static void check_hex(const char *base, const char *sname, const char *field, const char *got,
                      size_t n, const cJSON *exp, counts *c)
{
    if (!cJSON_IsString(exp))
        return;
    char *h = hex_of(got, n);
    bool ok = strcmp(h, exp->valuestring) == 0;
    test_checks++;
    if (ok) {
        c->pass++;
    } else {
        c->fail++;
        test_failures++;
        fprintf(stderr, "  %s %s %s FAIL\n    expected %.200s\n    got      %.200s\n", base, sname,
                field, exp->valuestring, h);
    }
    free(h);
}

static int json_int(const cJSON *o, const char *k, int dflt)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsBool(x))
        return cJSON_IsTrue(x);
    return cJSON_IsNumber(x) ? (int)x->valuedouble : dflt;
}

static void check_strings(const quire_tokenizer *t, const char *base, const cJSON *root, counts *c)
{
    const char *sdir = "strings";
    const cJSON *sd = cJSON_GetObjectItemCaseSensitive(root, "strings_dir");
    if (cJSON_IsString(sd))
        sdir = sd->valuestring;
    /* header */
    struct {
        const char *key;
        long got;
    } hdr[] = {
        {"n_tokens", (long)quire_tokenizer_n_tokens(t)},
        {"bos", quire_tokenizer_special(t, QUIRE_SPECIAL_BOS)},
        {"eos", quire_tokenizer_special(t, QUIRE_SPECIAL_EOS)},
        {"eot", quire_tokenizer_special(t, QUIRE_SPECIAL_EOT)},
        {"sep", quire_tokenizer_special(t, QUIRE_SPECIAL_SEP)},
        {"nl", quire_tokenizer_special(t, QUIRE_SPECIAL_NL)},
        {"pad", quire_tokenizer_special(t, QUIRE_SPECIAL_PAD)},
        {"add_bos", quire_tokenizer_add_bos(t)},
        {"add_eos", quire_tokenizer_add_eos(t)},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(root, hdr[i].key))
            continue;
        int exp = json_int(root, hdr[i].key, -999);
        test_checks++;
        if (exp == hdr[i].got) {
            c->pass++;
        } else {
            c->fail++;
            test_failures++;
            fprintf(stderr, "  %s header %s: got %ld expected %d\n", base, hdr[i].key, hdr[i].got, exp);
        }
    }
    const cJSON *strs = cJSON_GetObjectItemCaseSensitive(root, "strings");
    const cJSON *s;
    cJSON_ArrayForEach(s, strs) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s/%s.txt", vocab_dir, sdir, s->string);
        char *text = NULL;
        size_t len = 0;
        quire_error err = {0};
        if (file_read_all(path, 1 << 24, &text, &len, &err) != QUIRE_OK) {
            fprintf(stderr, "  %s: cannot read %s\n", base, path);
            CHECK(!"string file missing");
            continue;
        }
        unsigned both = QUIRE_TOKENIZE_ADD_SPECIAL | QUIRE_TOKENIZE_PARSE_SPECIAL;
        check_ids(t, base, s->string, text, len, both, cJSON_GetObjectItemCaseSensitive(s, "ids"), "ids", c);
        check_ids(t, base, s->string, text, len, QUIRE_TOKENIZE_PARSE_SPECIAL,
                  cJSON_GetObjectItemCaseSensitive(s, "ids_no_add_special"), "ids_no_add_special", c);
        check_ids(t, base, s->string, text, len, QUIRE_TOKENIZE_ADD_SPECIAL,
                  cJSON_GetObjectItemCaseSensitive(s, "ids_no_parse_special"), "ids_no_parse_special", c);
        /* pieces and detokenization of the reference ids */
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(s, "ids");
        size_t n = (size_t)cJSON_GetArraySize(ids);
        quire_token *v = calloc(n + 1, sizeof *v);
        size_t i = 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, ids) v[i++] = (quire_token)x->valuedouble;
        const cJSON *pieces = cJSON_GetObjectItemCaseSensitive(s, "pieces_hex");
        if (cJSON_IsArray(pieces) && (size_t)cJSON_GetArraySize(pieces) == n) {
            i = 0;
            const cJSON *ph;
            bool all = true;
            char *bad = NULL;
            cJSON_ArrayForEach(ph, pieces) {
                size_t m = quire_tokenizer_piece(t, v[i], true, 0, NULL, 0);
                char *pb = malloc(m + 1);
                quire_tokenizer_piece(t, v[i], true, 0, pb, m);
                char *h = hex_of(pb, m);
                if (!cJSON_IsString(ph) || strcmp(h, ph->valuestring) != 0) {
                    all = false;
                    if (!bad) {
                        bad = malloc(512);
                        snprintf(bad, 512, "id %d: got %s expected %s", v[i], h,
                                 cJSON_IsString(ph) ? ph->valuestring : "?");
                    }
                }
                free(h);
                free(pb);
                i++;
            }
            test_checks++;
            if (all) {
                c->pass++;
            } else {
                c->fail++;
                test_failures++;
                fprintf(stderr, "  %s %s pieces FAIL: %s\n", base, s->string, bad);
            }
            free(bad);
        }
        char *out = NULL;
        size_t out_len = 0;
        if (quire_tokenizer_decode(t, v, n, QUIRE_DETOKENIZE_UNPARSE_SPECIAL, &out, &out_len, &err) == QUIRE_OK) {
            check_hex(base, s->string, "detok", out, out_len, cJSON_GetObjectItemCaseSensitive(s, "detok_hex"), c);
            free(out);
        }
        if (quire_tokenizer_decode(t, v, n, QUIRE_DETOKENIZE_REMOVE_SPECIAL, &out, &out_len, &err) == QUIRE_OK) {
            check_hex(base, s->string, "detok_no_special", out, out_len,
                      cJSON_GetObjectItemCaseSensitive(s, "detok_no_special_hex"), c);
            free(out);
        }
        free(v);
        free(text);
    }
}

/* One vocabulary by base name (without .gguf / .strings.json). */
static void check_vocab(const char *base)
{
    counts inp = {0, 0}, str = {0, 0};
    char path[4200];
    char *json = NULL;
    size_t json_len = 0;
    quire_error err = {0};
    cJSON *root = NULL;
    snprintf(path, sizeof path, "%s/%s.strings.json", vocab_dir, base);
    if (file_read_all(path, 1 << 26, &json, &json_len, &err) == QUIRE_OK) {
        root = cJSON_ParseWithLength(json, json_len);
        free(json);
        CHECK(root != NULL);
    }
    /* the GGUF: NAME.gguf, or vocab_file from the JSON */
    snprintf(path, sizeof path, "%s/%s.gguf", vocab_dir, base);
    const cJSON *vf = root ? cJSON_GetObjectItemCaseSensitive(root, "vocab_file") : NULL;
    if (cJSON_IsString(vf))
        snprintf(path, sizeof path, "%s/%s", vocab_dir, vf->valuestring);
    quire_gguf *g;
    quire_tokenizer *t;
    if (!load(path, &g, &t)) {
        CHECK(!"vocabulary loads");
        cJSON_Delete(root);
        return;
    }
    check_inp_out(t, base, &inp);
    if (root)
        check_strings(t, base, root, &str);
    fprintf(stderr, "%-32s inp/out %d/%d pass, strings %d/%d pass\n", base, inp.pass,
            inp.pass + inp.fail, str.pass, str.pass + str.fail);
    quire_tokenizer_free(t);
    quire_gguf_close(g);
    cJSON_Delete(root);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *shared = test_shared_dir();
    if (!shared)
        SKIP("QUIRE_SHARED not set");
    snprintf(vocab_dir, sizeof vocab_dir, "%s/testdata/llm/vocab", shared);
    DIR *d = opendir(vocab_dir);
    if (!d)
        SKIP("testdata/llm/vocab is absent");
    if (argc > 1) {
        closedir(d);
        check_vocab(argv[1]);
        return test_summary();
    }
    /* every vocabulary in the folder: NAME.strings.json or NAME.gguf.inp */
    char *names[512];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 512) {
        size_t l = strlen(de->d_name);
        const char *suf = NULL;
        if (l > 13 && !strcmp(de->d_name + l - 13, ".strings.json"))
            suf = ".strings.json";
        else if (l > 9 && !strcmp(de->d_name + l - 9, ".gguf.inp"))
            suf = ".gguf.inp";
        if (!suf)
            continue;
        size_t bl = l - strlen(suf);
        bool dup = false;
        for (size_t i = 0; i < n; i++)
            if (strlen(names[i]) == bl && !strncmp(names[i], de->d_name, bl))
                dup = true;
        if (dup)
            continue;
        names[n] = strndup(de->d_name, bl);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        check_vocab(names[i]);
        free(names[i]);
    }
    return test_summary();
}
