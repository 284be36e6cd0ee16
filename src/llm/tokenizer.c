/* Tokenizer loading, special tokens, encode/decode (see quire/tokenizer.h).
 *
 * GGUF keys read (all optional unless marked):
 *   tokenizer.ggml.model (required)   "llama" | "gpt2" | "bert"
 *   tokenizer.ggml.tokens (required)  [string]
 *   tokenizer.ggml.scores             [float32|int32]  (SPM merge priority)
 *   tokenizer.ggml.token_type         [int32] 1 normal 2 unknown 3 control
 *                                     4 user-defined 5 unused 6 byte
 *   tokenizer.ggml.merges             [string] "left right" (BPE, required)
 *   tokenizer.ggml.pre                pre-tokenizer name (BPE)
 *   tokenizer.ggml.{bos,eos,eot,eom,unknown,seperator,padding,mask}_token_id,
 *   tokenizer.ggml.fim_{pre,suf,mid,pad,rep,sep}_token_id
 *   tokenizer.ggml.add_{bos,eos,sep}_token, add_space_prefix,
 *   tokenizer.ggml.normalizer.{lowercase,strip_accents}
 *   general.name, general.architecture  (llama.cpp's name-based fix-ups)
 *
 * The defaults and fix-ups follow llama.cpp's llama_vocab::load so that ids
 * match llama_tokenize exactly.
 */
#include "llm/tokenizer_impl.h"
#include "llm/unicode.h"
#include "util/buf.h"

#include <ctype.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLAMA_TYPE_NORMAL 1

uint64_t tok_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

quire_token tok_lookup(const quire_tokenizer *t, const char *s, size_t n)
{
    size_t i = (size_t)tok_hash_bytes(s, n) & t->tok_hash_mask;
    for (;;) {
        uint32_t v = t->tok_hash[i];
        if (!v)
            return QUIRE_TOKEN_NULL;
        const tok_entry *e = &t->tok[v - 1];
        if (e->len == n && memcmp(t->arena + e->off, s, n) == 0)
            return (quire_token)(v - 1);
        i = (i + 1) & t->tok_hash_mask;
    }
}

long tok_merge_rank(const quire_tokenizer *t, const char *l, size_t ln, const char *r, size_t rn)
{
    if (!t->merge_hash)
        return -1;
    /* hash of "l r" without building it */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < ln; i++) {
        h ^= (unsigned char)l[i];
        h *= 1099511628211ull;
    }
    h ^= (unsigned char)' ';
    h *= 1099511628211ull;
    for (size_t i = 0; i < rn; i++) {
        h ^= (unsigned char)r[i];
        h *= 1099511628211ull;
    }
    size_t n = ln + 1 + rn;
    size_t i = (size_t)h & t->merge_hash_mask;
    for (;;) {
        uint32_t v = t->merge_hash[i];
        if (!v)
            return -1;
        const char *m = t->merge_arena + t->merge_off[v - 1];
        if (t->merge_len[v - 1] == n && memcmp(m, l, ln) == 0 && m[ln] == ' ' &&
            memcmp(m + ln + 1, r, rn) == 0)
            return (long)(v - 1);
        i = (i + 1) & t->merge_hash_mask;
    }
}

static size_t pow2_above(size_t n)
{
    size_t c = 16;
    while (c < n * 2 + 1)
        c <<= 1;
    return c;
}

void quire_tokenizer_free(quire_tokenizer *t)
{
    if (!t)
        return;
    free(t->pre_name);
    pretok_free(t->pre);
    free(t->tok);
    free(t->arena);
    free(t->tok_hash);
    free(t->merge_off);
    free(t->merge_len);
    free(t->merge_arena);
    free(t->merge_hash);
    free(t->ugm_flags);
    free(t->ugm_charsmap);
    free(t->special_cache);
    free(t->eog);
    free(t);
}

static bool get_bool_key(const quire_gguf *g, const char *key, bool *v)
{
    return quire_gguf_get_bool(g, key, v) == QUIRE_OK;
}

/* qsort has no context: sort (len, id) pairs instead */
typedef struct len_id {
    uint32_t len;
    quire_token id;
} len_id;

static int cmp_len_id(const void *a, const void *b)
{
    const len_id *x = a, *y = b;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void set_attr(quire_tokenizer *t, const char *text, uint32_t attr, bool on)
{
    quire_token id = tok_lookup(t, text, strlen(text));
    if (id == QUIRE_TOKEN_NULL)
        return;
    if (on)
        t->tok[id].attr |= attr;
    else
        t->tok[id].attr &= ~attr;
}

/* First vocabulary entry (in list order) among texts, or NULL-id. */
static quire_token find_first(const quire_tokenizer *t, const char *const *texts)
{
    for (size_t i = 0; texts[i]; i++) {
        quire_token id = tok_lookup(t, texts[i], strlen(texts[i]));
        if (id != QUIRE_TOKEN_NULL)
            return id;
    }
    return QUIRE_TOKEN_NULL;
}

static bool contains_ci(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower((unsigned char)hay[i + k]) == needle[k])
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static void auto_specials(quire_tokenizer *t, const quire_gguf *g)
{
    static const char *const eot_texts[] = {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
        "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
        "<end_of_utterance>", NULL};
    static const char *const eom_texts[] = {"<|eom_id|>", NULL};
    static const char *const fim_pre[] = {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
        "<\xef\xbd\x9c" "fim\xe2\x96\x81" "begin\xef\xbd\x9c>", "<PRE>", "\xe2\x96\x81<PRE>",
        "<|code_prefix|>", "<|prefix|>", NULL};
    static const char *const fim_suf[] = {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
        "<\xef\xbd\x9c" "fim\xe2\x96\x81" "hole\xef\xbd\x9c>", "<SUF>", "\xe2\x96\x81<SUF>",
        "<|code_suffix|>", "<|suffix|>", NULL};
    static const char *const fim_mid[] = {"<|fim_middle|>", "<fim-middle>", "<fim_middle>",
        "<\xef\xbd\x9c" "fim\xe2\x96\x81" "end\xef\xbd\x9c>", "<MID>", "\xe2\x96\x81<MID>",
        "<|code_middle|>", "<|middle|>", NULL};
    static const char *const fim_pad[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]", NULL};
    static const char *const fim_rep[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
                                          "<reponame>", NULL};
    static const char *const fim_sep[] = {"<|file_sep|>", NULL};
    static const char *const eog_texts[] = {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>", "[e~[", NULL};
    struct {
        quire_special role;
        const char *const *texts;
    } detect[] = {
        {QUIRE_SPECIAL_EOT, eot_texts}, {QUIRE_SPECIAL_EOM, eom_texts},
        {QUIRE_SPECIAL_FIM_PRE, fim_pre}, {QUIRE_SPECIAL_FIM_SUF, fim_suf},
        {QUIRE_SPECIAL_FIM_MID, fim_mid}, {QUIRE_SPECIAL_FIM_PAD, fim_pad},
        {QUIRE_SPECIAL_FIM_REP, fim_rep}, {QUIRE_SPECIAL_FIM_SEP, fim_sep},
    };
    for (size_t k = 0; k < sizeof detect / sizeof detect[0]; k++) {
        if (t->special[detect[k].role] != QUIRE_TOKEN_NULL)
            continue;
        quire_token id = find_first(t, detect[k].texts);
        if (id != QUIRE_TOKEN_NULL) {
            t->special[detect[k].role] = id;
            t->tok[id].attr |= QUIRE_TOKEN_ATTR_CONTROL;
        }
    }
    /* control tokens named "unused" are unused */
    for (size_t i = 0; i < t->n_tokens; i++) {
        tok_entry *e = &t->tok[i];
        if ((e->attr & QUIRE_TOKEN_ATTR_CONTROL) && contains(t->arena + e->off, e->len, "unused"))
            e->attr |= QUIRE_TOKEN_ATTR_UNUSED;
    }
    /* end-of-generation set */
    quire_special eog_roles[] = {QUIRE_SPECIAL_FIM_PAD, QUIRE_SPECIAL_FIM_REP, QUIRE_SPECIAL_FIM_SEP,
                                 QUIRE_SPECIAL_EOS, QUIRE_SPECIAL_EOT, QUIRE_SPECIAL_EOM};
    for (size_t k = 0; eog_texts[k]; k++) {
        quire_token id = tok_lookup(t, eog_texts[k], strlen(eog_texts[k]));
        if (id != QUIRE_TOKEN_NULL) {
            t->eog[id] = 1;
            t->tok[id].attr |= QUIRE_TOKEN_ATTR_CONTROL;
        }
    }
    static const char *const gpt_oss_user[] = {"<|channel|>", "<|message|>", "<|start|>",
                                               "<|constrain|>", NULL};
    for (size_t k = 0; gpt_oss_user[k]; k++) {
        quire_token id = tok_lookup(t, gpt_oss_user[k], strlen(gpt_oss_user[k]));
        if (id != QUIRE_TOKEN_NULL)
            t->tok[id].attr = QUIRE_TOKEN_ATTR_USER_DEFINED;
    }
    for (size_t k = 0; k < sizeof eog_roles / sizeof eog_roles[0]; k++)
        if (t->special[eog_roles[k]] != QUIRE_TOKEN_NULL)
            t->eog[t->special[eog_roles[k]]] = 1;
    /* o200k_harmony / solar-open: <|end|> is not end-of-generation there */
    quire_token ret = tok_lookup(t, "<|return|>", 10), call = tok_lookup(t, "<|call|>", 8),
                calls = tok_lookup(t, "<|calls|>", 9), flush = tok_lookup(t, "<|flush|>", 9),
                end = tok_lookup(t, "<|end|>", 7);
    bool has_call = (call != QUIRE_TOKEN_NULL && t->eog[call]) || (calls != QUIRE_TOKEN_NULL && t->eog[calls]);
    if (end != QUIRE_TOKEN_NULL && t->eog[end] && has_call &&
        ((ret != QUIRE_TOKEN_NULL && t->eog[ret]) || (flush != QUIRE_TOKEN_NULL && t->eog[flush]))) {
        t->eog[end] = 0;
        t->tok[end].attr = QUIRE_TOKEN_ATTR_USER_DEFINED;
    }
    quire_token tr = tok_lookup(t, "<|tool_response>", 16), s_end = tok_lookup(t, "</s>", 4);
    if (tr != QUIRE_TOKEN_NULL && t->eog[tr] && s_end != QUIRE_TOKEN_NULL && t->eog[s_end]) {
        t->eog[s_end] = 0;
        t->tok[s_end].attr = QUIRE_TOKEN_ATTR_NORMAL;
    }
    (void)g;
}

static quire_status build_special_cache(quire_tokenizer *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_tokens; i++)
        if (t->tok[i].attr & (QUIRE_TOKEN_ATTR_CONTROL | QUIRE_TOKEN_ATTR_USER_DEFINED |
                              QUIRE_TOKEN_ATTR_UNKNOWN))
            n++;
    len_id *v = calloc(n ? n : 1, sizeof *v);
    t->special_cache = calloc(n ? n : 1, sizeof *t->special_cache);
    if (!v || !t->special_cache) {
        free(v);
        return QUIRE_ERR_NOMEM;
    }
    n = 0;
    for (size_t i = 0; i < t->n_tokens; i++)
        if (t->tok[i].attr & (QUIRE_TOKEN_ATTR_CONTROL | QUIRE_TOKEN_ATTR_USER_DEFINED |
                              QUIRE_TOKEN_ATTR_UNKNOWN))
            v[n++] = (len_id){t->tok[i].len, (quire_token)i};
    qsort(v, n, sizeof *v, cmp_len_id);
    for (size_t i = 0; i < n; i++)
        t->special_cache[i] = v[i].id;
    t->n_special_cache = n;
    free(v);
    return QUIRE_OK;
}

static void name_fixups(quire_tokenizer *t, const quire_gguf *g)
{
    const char *name = "", *arch = "";
    size_t name_len = 0, arch_len = 0;
    quire_gguf_get_str(g, "general.name", &name, &name_len);
    quire_gguf_get_str(g, "general.architecture", &arch, &arch_len);
    const char *pre = t->pre_name;
    size_t pre_len = strlen(pre);
    if (contains(pre, pre_len, "jina-v2-de") || contains(pre, pre_len, "jina-v2-es") ||
        contains(pre, pre_len, "jina-v2-code") || contains(arch, arch_len, "nomic-bert-moe") ||
        contains(arch, arch_len, "jina-bert-v3")) {
        set_attr(t, "<mask>", QUIRE_TOKEN_ATTR_LSTRIP, true);
    } else if (contains_ci(name, name_len, "phi-3") || contains_ci(name, name_len, "phi3")) {
        for (size_t i = 0; i < t->n_special_cache; i++)
            t->tok[t->special_cache[i]].attr |= QUIRE_TOKEN_ATTR_RSTRIP;
        set_attr(t, "</s>", QUIRE_TOKEN_ATTR_RSTRIP, true);
        set_attr(t, "<unk>", QUIRE_TOKEN_ATTR_RSTRIP, false);
        set_attr(t, "<s>", QUIRE_TOKEN_ATTR_RSTRIP, false);
        set_attr(t, "<|endoftext|>", QUIRE_TOKEN_ATTR_RSTRIP, false);
    } else if (contains_ci(name, name_len, "modern-bert")) {
        set_attr(t, "[MASK]", QUIRE_TOKEN_ATTR_LSTRIP, true);
    }
}

static quire_status load_tokens(quire_tokenizer *t, const quire_gguf *g, quire_error *err)
{
    const quire_gguf_value *tokens = quire_gguf_get(g, "tokenizer.ggml.tokens");
    if (!tokens || quire_gguf_arr_type(tokens) != QUIRE_GGUF_STRING)
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.tokens missing or not a string array");
    uint64_t n = quire_gguf_arr_n(tokens);
    if (n == 0 || n > INT32_MAX - 1)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: bad vocabulary size %llu",
                               (unsigned long long)n);
    const quire_gguf_value *scores = quire_gguf_get(g, "tokenizer.ggml.scores");
    if (scores && ((quire_gguf_arr_type(scores) != QUIRE_GGUF_FLOAT32 &&
                    quire_gguf_arr_type(scores) != QUIRE_GGUF_INT32) ||
                   quire_gguf_arr_n(scores) < n))
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.scores has the wrong type or too few entries");
    const quire_gguf_value *types = quire_gguf_get(g, "tokenizer.ggml.token_type");
    if (types && (quire_gguf_arr_type(types) != QUIRE_GGUF_INT32 || quire_gguf_arr_n(types) < n))
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.token_type has the wrong type or too few entries");
    t->n_tokens = (size_t)n;
    size_t total = 0;
    for (uint64_t i = 0; i < n; i++) {
        const char *s;
        size_t l;
        quire_gguf_arr_str(tokens, i, &s, &l);
        if (l > UINT32_MAX / 2)
            return quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: token %llu is too long",
                                   (unsigned long long)i);
        total += l ? l : 32; /* "[EMPTY_i]" */
    }
    t->tok = calloc((size_t)n, sizeof *t->tok);
    t->arena = malloc(total + 1);
    t->eog = calloc((size_t)n, 1);
    size_t cap = pow2_above((size_t)n);
    t->tok_hash = calloc(cap, sizeof *t->tok_hash);
    t->tok_hash_mask = cap - 1;
    if (!t->tok || !t->arena || !t->tok_hash || !t->eog)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    size_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        const char *s;
        size_t l;
        quire_gguf_arr_str(tokens, i, &s, &l);
        tok_entry *e = &t->tok[i];
        e->off = at;
        if (l) {
            memcpy(t->arena + at, s, l);
        } else {
            int k = snprintf(t->arena + at, 32, "[EMPTY_%llu]", (unsigned long long)i);
            l = k > 0 ? (size_t)k : 0;
        }
        e->len = (uint32_t)l;
        at += l;
        if (l > t->max_token_len)
            t->max_token_len = l;
        double sc = 0;
        if (scores)
            quire_gguf_arr_float(scores, i, &sc);
        e->score = (float)sc;
        e->attr = QUIRE_TOKEN_ATTR_NORMAL;
        if (types) {
            int64_t ty = 0;
            quire_gguf_arr_int(types, i, &ty);
            switch (ty) {
            case 1: e->attr = QUIRE_TOKEN_ATTR_NORMAL; break;
            case 2: e->attr = QUIRE_TOKEN_ATTR_UNKNOWN; break;
            case 3: e->attr = QUIRE_TOKEN_ATTR_CONTROL; break;
            case 4: e->attr = QUIRE_TOKEN_ATTR_USER_DEFINED; break;
            case 5: e->attr = QUIRE_TOKEN_ATTR_UNUSED; break;
            case 6: e->attr = QUIRE_TOKEN_ATTR_BYTE; break;
            default: e->attr = 0; break;
            }
        }
        size_t slot = (size_t)tok_hash_bytes(t->arena + e->off, l) & t->tok_hash_mask;
        while (t->tok_hash[slot]) {
            const tok_entry *o = &t->tok[t->tok_hash[slot] - 1];
            if (o->len == l && memcmp(t->arena + o->off, t->arena + e->off, l) == 0)
                return quire_error_set(err, QUIRE_ERR_DUPLICATE,
                                       "tokenizer: token %llu duplicates token %u ('%.*s')",
                                       (unsigned long long)i, t->tok_hash[slot] - 1,
                                       (int)(l > 40 ? 40 : l), t->arena + e->off);
            slot = (slot + 1) & t->tok_hash_mask;
        }
        t->tok_hash[slot] = (uint32_t)i + 1;
    }
    return QUIRE_OK;
}

static quire_status load_merges(quire_tokenizer *t, const quire_gguf *g, quire_error *err)
{
    const quire_gguf_value *m = quire_gguf_get(g, "tokenizer.ggml.merges");
    if (!m || quire_gguf_arr_type(m) != QUIRE_GGUF_STRING)
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.merges missing or not a string array");
    uint64_t n = quire_gguf_arr_n(m);
    if (n > INT32_MAX - 1)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: too many merges");
    size_t total = 0;
    for (uint64_t i = 0; i < n; i++) {
        const char *s;
        size_t l;
        quire_gguf_arr_str(m, i, &s, &l);
        if (l > UINT32_MAX / 2)
            return quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: merge %llu too long",
                                   (unsigned long long)i);
        total += l;
    }
    t->n_merges = (size_t)n;
    t->merge_off = calloc(n ? (size_t)n : 1, sizeof *t->merge_off);
    t->merge_len = calloc(n ? (size_t)n : 1, sizeof *t->merge_len);
    t->merge_arena = malloc(total + 1);
    size_t cap = pow2_above((size_t)n);
    t->merge_hash = calloc(cap, sizeof *t->merge_hash);
    t->merge_hash_mask = cap - 1;
    if (!t->merge_off || !t->merge_len || !t->merge_arena || !t->merge_hash)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    size_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        const char *s;
        size_t l;
        quire_gguf_arr_str(m, i, &s, &l);
        memcpy(t->merge_arena + at, s, l);
        t->merge_off[i] = at;
        t->merge_len[i] = (uint32_t)l;
        at += l;
        /* llama.cpp splits at the first space after the first byte; a merge
         * without one can never match a pair */
        const char *sp = l > 1 ? memchr(s + 1, ' ', l - 1) : NULL;
        if (!sp)
            continue;
        size_t slot = (size_t)tok_hash_bytes(s, l) & t->merge_hash_mask;
        bool dup = false;
        while (t->merge_hash[slot]) {
            uint32_t o = t->merge_hash[slot] - 1;
            if (t->merge_len[o] == l && memcmp(t->merge_arena + t->merge_off[o], s, l) == 0) {
                dup = true; /* the first rank wins */
                break;
            }
            slot = (slot + 1) & t->merge_hash_mask;
        }
        if (!dup)
            t->merge_hash[slot] = (uint32_t)i + 1;
    }
    return QUIRE_OK;
}

static void read_special_ids(quire_tokenizer *t, const quire_gguf *g)
{
    static const struct {
        quire_special role;
        const char *key;
    } keys[] = {
        {QUIRE_SPECIAL_BOS, "tokenizer.ggml.bos_token_id"},
        {QUIRE_SPECIAL_EOS, "tokenizer.ggml.eos_token_id"},
        {QUIRE_SPECIAL_EOT, "tokenizer.ggml.eot_token_id"},
        {QUIRE_SPECIAL_EOM, "tokenizer.ggml.eom_token_id"},
        {QUIRE_SPECIAL_UNK, "tokenizer.ggml.unknown_token_id"},
        {QUIRE_SPECIAL_SEP, "tokenizer.ggml.seperator_token_id"},
        {QUIRE_SPECIAL_PAD, "tokenizer.ggml.padding_token_id"},
        {QUIRE_SPECIAL_MASK, "tokenizer.ggml.mask_token_id"},
        {QUIRE_SPECIAL_FIM_PRE, "tokenizer.ggml.fim_pre_token_id"},
        {QUIRE_SPECIAL_FIM_SUF, "tokenizer.ggml.fim_suf_token_id"},
        {QUIRE_SPECIAL_FIM_MID, "tokenizer.ggml.fim_mid_token_id"},
        {QUIRE_SPECIAL_FIM_PAD, "tokenizer.ggml.fim_pad_token_id"},
        {QUIRE_SPECIAL_FIM_REP, "tokenizer.ggml.fim_rep_token_id"},
        {QUIRE_SPECIAL_FIM_SEP, "tokenizer.ggml.fim_sep_token_id"},
        {QUIRE_SPECIAL_FIM_PRE, "tokenizer.ggml.prefix_token_id"},
        {QUIRE_SPECIAL_FIM_SUF, "tokenizer.ggml.suffix_token_id"},
        {QUIRE_SPECIAL_FIM_MID, "tokenizer.ggml.middle_token_id"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        quire_token *id = &t->special[keys[k].role];
        if (*id >= 0 && (size_t)*id >= t->n_tokens)
            *id = QUIRE_TOKEN_NULL;
        uint64_t v;
        if (quire_gguf_get_uint(g, keys[k].key, &v) == QUIRE_OK && v < t->n_tokens)
            *id = (quire_token)v;
    }
}

/* tokenizer.ggml.precompiled_charsmap (unigram models): copied, header checked. */
static quire_status load_charsmap(quire_tokenizer *t, const quire_gguf *g, quire_error *err)
{
    const quire_gguf_value *v = quire_gguf_get(g, "tokenizer.ggml.precompiled_charsmap");
    if (!v)
        return QUIRE_OK;
    quire_gguf_type et = quire_gguf_arr_type(v);
    uint64_t n = quire_gguf_arr_n(v);
    if (et != QUIRE_GGUF_INT8 && et != QUIRE_GGUF_UINT8)
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.precompiled_charsmap is not a byte array");
    uint32_t blob;
    if (n < 4 || (memcpy(&blob, v->raw, 4), (uint64_t)blob + 4 >= n))
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: precompiled_charsmap header out of bounds");
    t->ugm_charsmap = malloc((size_t)n);
    if (!t->ugm_charsmap)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    memcpy(t->ugm_charsmap, v->raw, (size_t)n);
    t->ugm_charsmap_len = (size_t)n;
    t->ugm_xcda_n = blob / 4;
    return QUIRE_OK;
}

/* Which pieces the unigram search may use, from the attributes as the file
 * gives them (before any special-token fix-up, as llama.cpp builds its trie). */
static quire_status ugm_prepare(quire_tokenizer *t, quire_error *err)
{
    t->ugm_flags = calloc(t->n_tokens, 1);
    if (!t->ugm_flags)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    double min_score = DBL_MAX;
    for (size_t i = 0; i < t->n_tokens; i++) {
        uint32_t a = t->tok[i].attr;
        if (a & QUIRE_TOKEN_ATTR_NORMAL && t->tok[i].score < min_score)
            min_score = t->tok[i].score;
        if (a & (QUIRE_TOKEN_ATTR_NORMAL | QUIRE_TOKEN_ATTR_USER_DEFINED | QUIRE_TOKEN_ATTR_UNUSED))
            t->ugm_flags[i] |= 1;
        if (a & QUIRE_TOKEN_ATTR_USER_DEFINED) {
            t->ugm_flags[i] |= 2;
            if (t->tok[i].len > t->ugm_max_user_len)
                t->ugm_max_user_len = t->tok[i].len;
        }
    }
    /* float arithmetic as llama.cpp (FLT_MAX when there is no normal piece) */
    float min_f = min_score == DBL_MAX ? FLT_MAX : (float)min_score;
    t->ugm_unk_score = (double)(min_f - 10.0f);
    return QUIRE_OK;
}

quire_status quire_tokenizer_load(const quire_gguf *g, quire_tokenizer **out, quire_error *err)
{
    if (!g || !out)
        return quire_error_set(err, QUIRE_ERR_INVALID, "tokenizer: bad arguments");
    *out = NULL;
    const char *model, *pre = "";
    size_t model_len, pre_len = 0;
    if (quire_gguf_get_str(g, "tokenizer.ggml.model", &model, &model_len) != QUIRE_OK)
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "tokenizer: tokenizer.ggml.model missing or not a string");
    quire_gguf_get_str(g, "tokenizer.ggml.pre", &pre, &pre_len);

    quire_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    for (int i = 0; i < QUIRE_SPECIAL_COUNT; i++)
        t->special[i] = QUIRE_TOKEN_NULL;
    t->lowercase = true;
    quire_status st = QUIRE_OK;
    t->pre_name = malloc(pre_len + 1);
    if (!t->pre_name) {
        st = quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
        goto fail;
    }
    memcpy(t->pre_name, pre, pre_len);
    t->pre_name[pre_len] = 0;

#define MODEL_IS(s) (model_len == strlen(s) && memcmp(model, s, model_len) == 0)
    if (MODEL_IS("llama")) {
        t->kind = QUIRE_TOKENIZER_SPM;
        t->special[QUIRE_SPECIAL_BOS] = 1;
        t->special[QUIRE_SPECIAL_EOS] = 2;
        t->special[QUIRE_SPECIAL_UNK] = 0;
        t->add_space_prefix = true;
        t->add_bos = true;
    } else if (MODEL_IS("bert")) {
        t->kind = QUIRE_TOKENIZER_WPM;
        t->special[QUIRE_SPECIAL_BOS] = 101;
        t->special[QUIRE_SPECIAL_UNK] = 100;
        t->special[QUIRE_SPECIAL_SEP] = 102;
        t->special[QUIRE_SPECIAL_PAD] = 0;
        t->special[QUIRE_SPECIAL_MASK] = 103;
        t->add_bos = true;
        t->add_sep = true;
        t->clean_spaces = true;
    } else if (MODEL_IS("gpt2")) {
        t->kind = QUIRE_TOKENIZER_BPE;
        t->special[QUIRE_SPECIAL_BOS] = 11;
        t->special[QUIRE_SPECIAL_EOS] = 11;
        pretok_info info;
        if ((st = pretok_new(pre, pre_len, &t->pre, &info, err)))
            goto fail;
        t->clean_spaces = info.clean_spaces;
        t->ignore_merges = info.ignore_merges;
        if (info.add_bos >= 0)
            t->add_bos = info.add_bos;
        if (info.add_sep >= 0)
            t->add_sep = info.add_sep;
        if (info.no_bos_token)
            t->special[QUIRE_SPECIAL_BOS] = QUIRE_TOKEN_NULL;
    } else if (MODEL_IS("t5")) {
        t->kind = QUIRE_TOKENIZER_UGM;
        t->special[QUIRE_SPECIAL_EOS] = 1;
        t->special[QUIRE_SPECIAL_UNK] = 2;
        t->special[QUIRE_SPECIAL_PAD] = 0;
        t->add_eos = true;
        if ((st = load_charsmap(t, g, err)))
            goto fail;
    } else {
        st = quire_error_set(err, QUIRE_ERR_UNSUPPORTED, "tokenizer: unsupported tokenizer model '%.*s'",
                             (int)(model_len > 40 ? 40 : model_len), model);
        goto fail;
    }
#undef MODEL_IS
    get_bool_key(g, "tokenizer.ggml.add_space_prefix", &t->add_space_prefix);
    get_bool_key(g, "tokenizer.ggml.remove_extra_whitespaces", &t->ugm_remove_extra_ws);

    if ((st = load_tokens(t, g, err)))
        goto fail;
    if (t->kind == QUIRE_TOKENIZER_BPE && (st = load_merges(t, g, err)))
        goto fail;
    if (t->kind == QUIRE_TOKENIZER_UGM && (st = ugm_prepare(t, err)))
        goto fail;

    /* newline token */
    if (t->kind == QUIRE_TOKENIZER_UGM) {
        tok_vec v = {0};
        tok_ugm(t, "\n", 1, &v);
        t->special[QUIRE_SPECIAL_NL] = v.n ? v.v[0] : QUIRE_TOKEN_NULL;
        free(v.v);
    } else if (t->kind == QUIRE_TOKENIZER_SPM) {
        quire_token nl = tok_lookup(t, "<0x0A>", 6);
        t->special[QUIRE_SPECIAL_NL] = nl != QUIRE_TOKEN_NULL ? nl : tok_lookup(t, "\n", 1);
    } else if (t->kind == QUIRE_TOKENIZER_WPM) {
        t->special[QUIRE_SPECIAL_NL] = t->special[QUIRE_SPECIAL_PAD] < (quire_token)t->n_tokens
                                           ? t->special[QUIRE_SPECIAL_PAD] : QUIRE_TOKEN_NULL;
    } else {
        tok_vec v = {0};
        tok_bpe(t, "\n", 1, &v);
        t->special[QUIRE_SPECIAL_NL] = v.n ? v.v[0] : t->special[QUIRE_SPECIAL_PAD];
        free(v.v);
    }

    read_special_ids(t, g);
    if (t->kind == QUIRE_TOKENIZER_WPM && t->special[QUIRE_SPECIAL_BOS] == QUIRE_TOKEN_NULL) {
        /* llama.cpp would refuse such a file; [CLS] is what BERT starts with */
        uint64_t cls;
        if (quire_gguf_get_uint(g, "tokenizer.ggml.cls_token_id", &cls) == QUIRE_OK && cls < t->n_tokens)
            t->special[QUIRE_SPECIAL_BOS] = (quire_token)cls;
    }
    get_bool_key(g, "tokenizer.ggml.add_bos_token", &t->add_bos);
    get_bool_key(g, "tokenizer.ggml.add_eos_token", &t->add_eos);
    get_bool_key(g, "tokenizer.ggml.add_sep_token", &t->add_sep);
    get_bool_key(g, "tokenizer.ggml.normalizer.lowercase", &t->lowercase);
    t->strip_accents = t->lowercase;
    get_bool_key(g, "tokenizer.ggml.normalizer.strip_accents", &t->strip_accents);
    if (t->add_bos && t->special[QUIRE_SPECIAL_BOS] == QUIRE_TOKEN_NULL) {
        st = quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: add_bos_token is true but there is no BOS token");
        goto fail;
    }
    if (t->add_eos && t->special[QUIRE_SPECIAL_EOS] == QUIRE_TOKEN_NULL) {
        st = quire_error_set(err, QUIRE_ERR_FORMAT, "tokenizer: add_eos_token is true but there is no EOS token");
        goto fail;
    }

    auto_specials(t, g);
    if (build_special_cache(t) != QUIRE_OK) {
        st = quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
        goto fail;
    }
    name_fixups(t, g);
    *out = t;
    return QUIRE_OK;
fail:
    quire_tokenizer_free(t);
    return st;
}

/* ---- encode ---- */

typedef struct frag {
    quire_token id; /* QUIRE_TOKEN_NULL: raw text [off, off+len) */
    size_t off, len;
} frag;

typedef struct frag_vec {
    frag *v;
    size_t n, cap;
    bool oom;
} frag_vec;

static void frag_push(frag_vec *f, frag x)
{
    if (f->oom)
        return;
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 16;
        frag *nv = realloc(f->v, nc * sizeof *nv);
        if (!nv) {
            f->oom = true;
            return;
        }
        f->v = nv;
        f->cap = nc;
    }
    f->v[f->n++] = x;
}

static bool c_isspace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return NULL;
    const char *end = hay + n - m;
    for (const char *p = hay; p <= end;) {
        const char *q = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!q)
            return NULL;
        if (memcmp(q, needle, m) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Split raw fragments around every special token (llama.cpp's
 * tokenizer_st_partition): longest tokens first; LSTRIP/RSTRIP tokens eat the
 * whitespace next to them. */
static bool partition(const quire_tokenizer *t, const char *text, frag_vec *fr, bool parse_special)
{
    frag_vec next = {0};
    for (size_t s = 0; s < t->n_special_cache; s++) {
        quire_token sid = t->special_cache[s];
        const tok_entry *e = &t->tok[sid];
        if (!parse_special && (e->attr & (QUIRE_TOKEN_ATTR_CONTROL | QUIRE_TOKEN_ATTR_UNKNOWN)))
            continue;
        const char *st = t->arena + e->off;
        next.n = 0;
        bool changed = false;
        for (size_t i = 0; i < fr->n; i++) {
            frag f = fr->v[i];
            if (f.id != QUIRE_TOKEN_NULL) {
                frag_push(&next, f);
                continue;
            }
            size_t p = f.off, end = f.off + f.len;
            for (;;) {
                const char *m = find_bytes(text + p, end - p, st, e->len);
                if (!m) {
                    if (end > p)
                        frag_push(&next, (frag){QUIRE_TOKEN_NULL, p, end - p});
                    break;
                }
                changed = true;
                size_t mo = (size_t)(m - text);
                size_t ll = mo - p;
                if (e->attr & QUIRE_TOKEN_ATTR_LSTRIP)
                    while (ll > 0 && c_isspace(text[p + ll - 1]))
                        ll--;
                if (ll)
                    frag_push(&next, (frag){QUIRE_TOKEN_NULL, p, ll});
                frag_push(&next, (frag){sid, 0, 0});
                p = mo + e->len;
                if (p >= end)
                    break;
                if (e->attr & QUIRE_TOKEN_ATTR_RSTRIP)
                    while (p < end && c_isspace(text[p]))
                        p++;
            }
        }
        if (next.oom) {
            free(next.v);
            return false;
        }
        if (changed) {
            frag_vec tmp = *fr;
            *fr = next;
            next = tmp;
        }
    }
    free(next.v);
    return true;
}

quire_status quire_tokenizer_encode(const quire_tokenizer *t, const char *text, size_t len,
                                    unsigned flags, quire_token **ids, size_t *n_ids,
                                    quire_error *err)
{
    if (!t || !ids || !n_ids || (!text && len))
        return quire_error_set(err, QUIRE_ERR_INVALID, "tokenizer: bad arguments");
    *ids = NULL;
    *n_ids = 0;
    if (len > QUIRE_TOKENIZER_MAX_TEXT)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "tokenizer: text of %zu bytes exceeds %zu",
                               len, QUIRE_TOKENIZER_MAX_TEXT);
    bool add_special = flags & QUIRE_TOKENIZE_ADD_SPECIAL;
    frag_vec fr = {0};
    if (len)
        frag_push(&fr, (frag){QUIRE_TOKEN_NULL, 0, len});
    if (fr.oom || !partition(t, text, &fr, flags & QUIRE_TOKENIZE_PARSE_SPECIAL)) {
        free(fr.v);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    }
    tok_vec out = {0};
    char *tmp = NULL;
    switch (t->kind) {
    case QUIRE_TOKENIZER_SPM: {
        bool prev_special = true;
        if (add_special && t->add_bos)
            tok_push(&out, t->special[QUIRE_SPECIAL_BOS]);
        for (size_t i = 0; i < fr.n && !out.oom; i++) {
            if (fr.v[i].id != QUIRE_TOKEN_NULL) {
                tok_push(&out, fr.v[i].id);
                prev_special = true;
                continue;
            }
            /* " " -> U+2581, with a leading space after a special token */
            const char *s = text + fr.v[i].off;
            size_t n = fr.v[i].len, k = 0;
            char *nt = realloc(tmp, 3 * (n + 1));
            if (!nt) {
                out.oom = true;
                break;
            }
            tmp = nt;
            if (t->add_space_prefix && prev_special) {
                memcpy(tmp, "\xe2\x96\x81", 3);
                k = 3;
            }
            for (size_t j = 0; j < n; j++) {
                if (s[j] == ' ') {
                    memcpy(tmp + k, "\xe2\x96\x81", 3);
                    k += 3;
                } else {
                    tmp[k++] = s[j];
                }
            }
            tok_spm(t, tmp, k, &out);
            prev_special = false;
        }
        if (add_special && t->add_eos)
            tok_push(&out, t->special[QUIRE_SPECIAL_EOS]);
        break;
    }
    case QUIRE_TOKENIZER_BPE:
    case QUIRE_TOKENIZER_UGM: {
        /* Same framing for both: special tokens as they are, text fragments
         * through the model's own algorithm. */
        void (*encode)(const quire_tokenizer *, const char *, size_t, tok_vec *) =
            t->kind == QUIRE_TOKENIZER_BPE ? tok_bpe : tok_ugm;
        if (add_special && t->add_bos)
            tok_push(&out, t->special[QUIRE_SPECIAL_BOS]);
        for (size_t i = 0; i < fr.n && !out.oom; i++) {
            if (fr.v[i].id != QUIRE_TOKEN_NULL)
                tok_push(&out, fr.v[i].id);
            else
                encode(t, text + fr.v[i].off, fr.v[i].len, &out);
        }
        if (add_special && t->add_eos)
            tok_push(&out, t->special[QUIRE_SPECIAL_EOS]);
        break;
    }
    case QUIRE_TOKENIZER_WPM:
        if (add_special && t->special[QUIRE_SPECIAL_BOS] != QUIRE_TOKEN_NULL)
            tok_push(&out, t->special[QUIRE_SPECIAL_BOS]);
        for (size_t i = 0; i < fr.n && !out.oom; i++) {
            if (fr.v[i].id != QUIRE_TOKEN_NULL)
                tok_push(&out, fr.v[i].id);
            else
                tok_wpm(t, text + fr.v[i].off, fr.v[i].len, &out);
        }
        if (add_special && t->special[QUIRE_SPECIAL_SEP] != QUIRE_TOKEN_NULL)
            tok_push(&out, t->special[QUIRE_SPECIAL_SEP]);
        break;
    }
    free(tmp);
    free(fr.v);
    if (out.oom) {
        free(out.v);
        if (out.st == QUIRE_ERR_TOO_BIG)
            return quire_error_set(err, QUIRE_ERR_TOO_BIG,
                                   "tokenizer: text too hard to pre-tokenize (backtracking limit)");
        return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    }
    *ids = out.v;
    *n_ids = out.n;
    return QUIRE_OK;
}

/* ---- decode ---- */

size_t quire_tokenizer_piece(const quire_tokenizer *t, quire_token id, bool special, int lstrip,
                             char *dst, size_t cap)
{
    if (!t || id < 0 || (size_t)id >= t->n_tokens)
        return 0;
    const tok_entry *e = &t->tok[id];
    const char *text = t->arena + e->off;
    uint32_t attr = e->attr;
    const uint32_t attr_special = QUIRE_TOKEN_ATTR_UNKNOWN | QUIRE_TOKEN_ATTR_CONTROL;
    if (!special && (attr & attr_special))
        return 0;
    char small[8];
    const char *src = NULL;
    size_t n = 0;
    char *dyn = NULL;
    if (attr & (attr_special | QUIRE_TOKEN_ATTR_USER_DEFINED)) {
        src = text;
        n = e->len;
    } else if (attr & QUIRE_TOKEN_ATTR_NORMAL) {
        dyn = malloc((size_t)e->len * 4 + 64);
        if (!dyn)
            return 0;
        if (t->kind == QUIRE_TOKENIZER_BPE) {
            /* code points back to bytes */
            uint32_t cps[64];
            size_t pos = 0;
            uint32_t *cpa = e->len <= 64 ? cps : malloc(e->len * sizeof *cpa);
            if (!cpa) {
                free(dyn);
                return 0;
            }
            size_t nc = uni_decode_lenient(text, e->len, cpa, NULL);
            for (size_t i = 0; i < nc; i++) {
                int b = uni_cp_to_byte(cpa[i]);
                if (b >= 0) {
                    dyn[pos++] = (char)b;
                } else {
                    /* llama.cpp: "[UNK_BYTE_0x" + hex of the code point's UTF-8 + token + "]" */
                    char u8[4];
                    size_t m = uni_encode(cpa[i], u8);
                    char *nd = realloc(dyn, pos + 16 + 2 * m + e->len + (nc - i) * 4 + 64);
                    if (!nd) {
                        free(dyn);
                        if (cpa != cps)
                            free(cpa);
                        return 0;
                    }
                    dyn = nd;
                    memcpy(dyn + pos, "[UNK_BYTE_0x", 12);
                    pos += 12;
                    for (size_t k = 0; k < m; k++) {
                        static const char hx[] = "0123456789abcdef";
                        dyn[pos++] = hx[(unsigned char)u8[k] >> 4];
                        dyn[pos++] = hx[(unsigned char)u8[k] & 15];
                    }
                    memcpy(dyn + pos, text, e->len);
                    pos += e->len;
                    dyn[pos++] = ']';
                }
            }
            if (cpa != cps)
                free(cpa);
            n = pos;
        } else {
            /* U+2581 back to spaces */
            for (size_t i = 0; i < e->len;) {
                if (i + 3 <= e->len && memcmp(text + i, "\xe2\x96\x81", 3) == 0) {
                    dyn[n++] = ' ';
                    i += 3;
                } else {
                    dyn[n++] = text[i++];
                }
            }
        }
        src = dyn;
    } else if ((attr & QUIRE_TOKEN_ATTR_BYTE) && t->kind != QUIRE_TOKENIZER_WPM) {
        /* "<0xXX>" */
        unsigned v = 0;
        for (size_t i = 3; i < 5 && i < e->len; i++) {
            char c = text[i];
            v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0'
                                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0);
        }
        small[0] = (char)v;
        src = small;
        n = 1;
    }
    for (int i = 0; i < lstrip && n && *src == ' '; i++) {
        src++;
        n--;
    }
    if (dst && n && n <= cap)
        memcpy(dst, src, n);
    free(dyn);
    return n;
}

quire_status quire_tokenizer_decode(const quire_tokenizer *t, const quire_token *ids, size_t n,
                                    unsigned flags, char **out, size_t *len, quire_error *err)
{
    if (!t || !out || !len || (!ids && n))
        return quire_error_set(err, QUIRE_ERR_INVALID, "tokenizer: bad arguments");
    *out = NULL;
    *len = 0;
    bool remove_space = t->add_space_prefix;
    if ((flags & QUIRE_DETOKENIZE_REMOVE_SPECIAL) && t->add_bos && n > 0 &&
        ids[0] == t->special[QUIRE_SPECIAL_BOS]) {
        remove_space = false;
        ids++;
        n--;
    }
    if ((flags & QUIRE_DETOKENIZE_REMOVE_SPECIAL) && t->add_eos && n > 0 &&
        ids[n - 1] == t->special[QUIRE_SPECIAL_EOS])
        n--;
    buf b = QUIRE_BUF_INIT(0);
    char piece[256];
    bool unparse = flags & QUIRE_DETOKENIZE_UNPARSE_SPECIAL;
    for (size_t i = 0; i < n; i++) {
        size_t m = quire_tokenizer_piece(t, ids[i], unparse, remove_space, piece, sizeof piece);
        quire_status st;
        if (m <= sizeof piece) {
            st = buf_append(&b, piece, m);
        } else {
            char *big = malloc(m);
            if (!big) {
                buf_free(&b);
                return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
            }
            quire_tokenizer_piece(t, ids[i], unparse, remove_space, big, m);
            st = buf_append(&b, big, m);
            free(big);
        }
        remove_space = false;
        if (st) {
            buf_free(&b);
            return quire_error_set(err, st, "tokenizer: decoded text too large");
        }
    }
    size_t total = b.len;
    char *s = b.data;
    if (t->clean_spaces && total) {
        /* llama.cpp's three passes: " ?" " !" " ." " ,"; " ' "; " 's" " 'm" " 're" " 've" */
        size_t k = 1;
        for (size_t i = 1; i < total; i++) {
            char x = s[i];
            if (s[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ','))
                k--;
            s[k++] = x;
        }
        total = k;
        k = 1;
        for (size_t i = 1; i < total; i++) {
            char x = s[i];
            if (x == '\'' && i + 1 < total && s[i - 1] == ' ' && s[i + 1] == ' ') {
                k--;
                s[++i] = 0;
            }
            s[k++] = x;
        }
        total = k;
        k = 1;
        for (size_t i = 1; i < total; i++) {
            char x = s[i];
            if (s[i - 1] == ' ' && x == '\'' && i + 1 < total) {
                char x1 = s[i + 1];
                if (x1 == 's' || x1 == 'm')
                    k--;
                else if (i + 2 < total && ((x1 == 'r' && s[i + 2] == 'e') || (x1 == 'v' && s[i + 2] == 'e')))
                    k--;
            }
            s[k++] = x;
        }
        total = k;
    }
    if (!s) {
        s = calloc(1, 1);
        if (!s)
            return quire_error_set(err, QUIRE_ERR_NOMEM, "tokenizer: out of memory");
    } else {
        s[total] = 0;
    }
    *out = s;
    *len = total;
    return QUIRE_OK;
}

/* ---- accessors ---- */

quire_tokenizer_kind quire_tokenizer_get_kind(const quire_tokenizer *t) { return t->kind; }

const char *quire_tokenizer_kind_name(quire_tokenizer_kind kind)
{
    switch (kind) {
    case QUIRE_TOKENIZER_SPM: return "spm";
    case QUIRE_TOKENIZER_BPE: return "bpe";
    case QUIRE_TOKENIZER_WPM: return "wpm";
    case QUIRE_TOKENIZER_UGM: return "ugm";
    }
    return "?";
}

const char *quire_tokenizer_pre(const quire_tokenizer *t) { return t->pre_name; }
size_t quire_tokenizer_n_tokens(const quire_tokenizer *t) { return t->n_tokens; }

quire_token quire_tokenizer_special(const quire_tokenizer *t, quire_special role)
{
    return (unsigned)role < QUIRE_SPECIAL_COUNT ? t->special[role] : QUIRE_TOKEN_NULL;
}

bool quire_tokenizer_add_bos(const quire_tokenizer *t) { return t->add_bos; }
bool quire_tokenizer_add_eos(const quire_tokenizer *t) { return t->add_eos; }

bool quire_tokenizer_is_eog(const quire_tokenizer *t, quire_token id)
{
    return id >= 0 && (size_t)id < t->n_tokens && t->eog[id];
}

const char *quire_tokenizer_token_text(const quire_tokenizer *t, quire_token id, size_t *len)
{
    if (id < 0 || (size_t)id >= t->n_tokens)
        return NULL;
    if (len)
        *len = t->tok[id].len;
    return t->arena + t->tok[id].off;
}

unsigned quire_tokenizer_token_attr(const quire_tokenizer *t, quire_token id)
{
    return id >= 0 && (size_t)id < t->n_tokens ? t->tok[id].attr : 0;
}

quire_token quire_tokenizer_find(const quire_tokenizer *t, const char *text, size_t len)
{
    return tok_lookup(t, text, len);
}
