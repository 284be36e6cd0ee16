/* Unigram (SentencePiece "t5" model: T5, XLM-R/BGE-M3...) as llama.cpp's
 * llm_tokenizer_ugm runs it:
 *
 *  normalize: repeatedly take the longest user-defined token at the cursor
 *      as is, else the longest match in the precompiled charsmap (an
 *      XOR-compressed double array, below) replaced by its string, else one
 *      UTF-8 character (U+FFFD for a bad byte); spaces become U+2581, one is
 *      put before the first word (add_space_prefix) and runs merge into one
 *      (remove_extra_whitespaces).
 *  Viterbi: best sum of piece scores (user-defined pieces score 0) over the
 *      normalized bytes; a character no piece covers costs min_score - 10 as
 *      [UNK]; consecutive [UNK]s collapse into one.
 *
 * tokenizer.ggml.precompiled_charsmap layout: u32 n (bytes of the array),
 * n/4 u32 nodes, then NUL-terminated replacement strings. A node packs
 * BASE (bits 10-30, shifted left by 8 when bit 9 is set), LEAF (bit 8) and
 * LCHECK (bits 0-7, with bit 31 marking value nodes); a value node's low 31
 * bits index the replacement strings. Every index is bounds-checked; a bad
 * map simply stops matching.
 */
#include "llm/tokenizer_impl.h"
#include "llm/unicode.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

static bool xcda_node(const quire_tokenizer *t, size_t i, uint32_t *v)
{
    if (i >= t->ugm_xcda_n)
        return false;
    memcpy(v, t->ugm_charsmap + 4 + 4 * i, 4);
    return true;
}

static uint32_t xcda_base(uint32_t n) { return (n >> 10) << ((n & (1u << 9)) >> 6); }
static uint32_t xcda_lcheck(uint32_t n) { return n & ((1u << 31) | 0xff); }
static bool xcda_leaf(uint32_t n) { return (n >> 8) & 1; }
static uint32_t xcda_value(uint32_t n) { return n & ((1u << 31) - 1); }

/* Longest user-defined token at s[0..n), or 0. */
static size_t user_defined_prefix(const quire_tokenizer *t, const char *s, size_t n)
{
    size_t best = 0;
    size_t lim = n < t->ugm_max_user_len ? n : t->ugm_max_user_len;
    for (size_t l = 1; l <= lim; l++) {
        quire_token id = tok_lookup(t, s, l);
        if (id != QUIRE_TOKEN_NULL && (t->ugm_flags[id] & 2))
            best = l;
    }
    return best;
}

/* One normalization step at in[off..): the replacement and the bytes used. */
static void normalize_prefix(const quire_tokenizer *t, const char *in, size_t len, size_t off,
                             const char **rep, size_t *rep_len, size_t *used)
{
    size_t ud = user_defined_prefix(t, in + off, len - off);
    if (ud) {
        *rep = in + off;
        *rep_len = *used = ud;
        return;
    }
    size_t best_len = 0, best_off = 0;
    uint32_t node;
    if (t->ugm_xcda_n && xcda_node(t, 0, &node)) {
        size_t idx = xcda_base(node);
        for (size_t p = off; p < len; p++) {
            unsigned char c = (unsigned char)in[p];
            if (c == 0)
                break;
            idx ^= c;
            if (!xcda_node(t, idx, &node) || xcda_lcheck(node) != c)
                break;
            bool leaf = xcda_leaf(node);
            idx ^= xcda_base(node);
            if (leaf) {
                uint32_t vnode;
                if (!xcda_node(t, idx, &vnode))
                    break;
                best_len = p - off + 1;
                best_off = xcda_value(vnode);
            }
        }
    }
    if (best_len) {
        const char *reps = (const char *)t->ugm_charsmap + 4 + 4 * t->ugm_xcda_n;
        size_t reps_n = t->ugm_charsmap_len - 4 - 4 * t->ugm_xcda_n;
        if (best_off < reps_n) {
            const char *r = reps + best_off;
            const char *nul = memchr(r, 0, reps_n - best_off);
            if (nul) {
                *rep = r;
                *rep_len = (size_t)(nul - r);
                *used = best_len;
                return;
            }
        }
    }
    /* one UTF-8 character as llama.cpp's decoder accepts it, else U+FFFD */
    unsigned char c = (unsigned char)in[off];
    size_t k = c < 0x80 ? 1 : !(c & 0x40) ? 0 : !(c & 0x20) ? 2 : !(c & 0x10) ? 3 : !(c & 0x08) ? 4 : 0;
    bool ok = k > 0 && k <= len - off;
    for (size_t j = 1; ok && j < k; j++)
        ok = ((unsigned char)in[off + j] & 0xC0) == 0x80;
    if (!ok) {
        *rep = "\xef\xbf\xbd";
        *rep_len = 3;
        *used = 1;
        return;
    }
    *rep = in + off;
    *rep_len = *used = k;
}

static char *normalize(const quire_tokenizer *t, const char *in, size_t len, size_t *out_len)
{
    /* worst case: every byte -> a replacement of the map, bounded by its size */
    size_t cap = len * 3 + 16, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    const char *space = "\xe2\x96\x81";
    size_t space_len = 3;
    bool prepend = t->add_space_prefix, merge = t->ugm_remove_extra_ws;
    bool prepended = false, in_word = false;
    for (size_t off = 0; off < len;) {
        const char *rep;
        size_t rl, used;
        normalize_prefix(t, in, len, off, &rep, &rl, &used);
        for (size_t i = 0; i < rl; i++) {
            if (n + 8 > cap) {
                size_t nc = cap * 2;
                char *no = realloc(out, nc);
                if (!no) {
                    free(out);
                    return NULL;
                }
                out = no;
                cap = nc;
            }
            char c = rep[i];
            if (c != ' ') {
                if (!in_word) {
                    in_word = true;
                    if ((prepend && !prepended) || merge) {
                        memcpy(out + n, space, space_len);
                        n += space_len;
                        prepended = true;
                    }
                }
                out[n++] = c;
            } else {
                in_word = false;
                if (!merge) {
                    memcpy(out + n, space, space_len);
                    n += space_len;
                }
            }
        }
        off += used;
    }
    *out_len = n;
    return out;
}

typedef struct best {
    quire_token id;
    size_t from;
    double score;
} best;

void tok_ugm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out)
{
    size_t n = 0;
    char *s = normalize(t, text, len, &n);
    if (!s) {
        out->oom = true;
        return;
    }
    if (n == 0) {
        free(s);
        return;
    }
    quire_token unk = t->special[QUIRE_SPECIAL_UNK];
    best *b = malloc((n + 1) * sizeof *b);
    if (!b) {
        free(s);
        out->oom = true;
        return;
    }
    for (size_t i = 0; i <= n; i++)
        b[i] = (best){unk, 0, -DBL_MAX};
    b[0].score = 0;
    for (size_t off = 0; off < n;) {
        static const unsigned char lead_len[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
        size_t units = lead_len[(unsigned char)s[off] >> 4];
        if (units > n - off)
            units = n - off;
        bool single = false;
        double cur = b[off].score;
        size_t lim = n - off < t->max_token_len ? n - off : t->max_token_len;
        for (size_t l = 1; l <= lim; l++) {
            quire_token id = tok_lookup(t, s + off, l);
            if (id == QUIRE_TOKEN_NULL || !(t->ugm_flags[id] & 1))
                continue;
            if (l == units)
                single = true;
            double sc = (t->tok[id].attr & QUIRE_TOKEN_ATTR_USER_DEFINED) ? 0.0 : (double)t->tok[id].score;
            double ch = cur + sc;
            if (ch > b[off + l].score)
                b[off + l] = (best){id, off, ch};
        }
        if (!single) {
            double ch = cur + t->ugm_unk_score;
            if (ch > b[off + units].score)
                b[off + units] = (best){unk, off, ch};
        }
        off += units;
    }
    size_t mark = out->n;
    bool prev_unk = false;
    for (size_t at = n;;) {
        best *x = &b[at];
        bool is_unk = x->id == unk;
        if (!(prev_unk && is_unk))
            tok_push(out, x->id);
        if (x->from == 0)
            break;
        prev_unk = is_unk;
        at = x->from;
    }
    /* reverse what was appended */
    for (size_t i = mark, j = out->n; i + 1 < j; i++, j--) {
        quire_token tmp = out->v[i];
        out->v[i] = out->v[j - 1];
        out->v[j - 1] = tmp;
    }
    free(b);
    free(s);
}
