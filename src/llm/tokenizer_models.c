/* The three tokenizer algorithms, as llama.cpp runs them (llama-vocab.cpp):
 *
 *  SPM: split into UTF-8 characters, then repeatedly merge the adjacent pair
 *       whose concatenation is the vocabulary piece with the highest score
 *       (ties: leftmost); pieces that are not tokens are re-split along the
 *       merges that built them, down to bytes (<0xXX> tokens).
 *  BPE: pre-tokenize into words, map each byte to its GPT-2 code point,
 *       then repeatedly merge the adjacent pair with the lowest merge rank
 *       (ties: leftmost); leftovers that are not tokens become byte tokens.
 *  WPM: normalise (NFD first code point, drop marks and controls, lower
 *       case), split on whitespace and punctuation, then take the longest
 *       vocabulary prefix of "\u2581word" repeatedly; a word that cannot be
 *       covered becomes [UNK].
 */
#include "llm/tokenizer_impl.h"
#include "llm/unicode.h"

#include <stdlib.h>
#include <string.h>

void tok_push(tok_vec *o, quire_token id)
{
    /* a role the vocabulary lacks (e.g. no [UNK]) produces nothing */
    if (o->oom || id < 0)
        return;
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 64;
        quire_token *nv = realloc(o->v, nc * sizeof *nv);
        if (!nv) {
            o->oom = true;
            return;
        }
        o->v = nv;
        o->cap = nc;
    }
    o->v[o->n++] = id;
}

/* length of a UTF-8 sequence from its lead byte (no validation) */
static size_t utf8_len_lead(unsigned char c)
{
    static const unsigned char lookup[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return lookup[c >> 4];
}

typedef struct sym {
    int prev, next;
    size_t off, n;
} sym;

/* ---- a binary heap of bigrams ---- */

typedef struct bigram {
    int left, right;
    float score;  /* SPM: higher first */
    long rank;    /* BPE: lower first */
    size_t size;
} bigram;

typedef struct heap {
    bigram *v;
    size_t n, cap;
    bool spm;
    bool oom;
} heap;

/* true when a should come out before b */
static bool before(const heap *h, const bigram *a, const bigram *b)
{
    if (h->spm) {
        if (a->score != b->score)
            return a->score > b->score;
        return a->left < b->left;
    }
    if (a->rank != b->rank)
        return a->rank < b->rank;
    return a->left < b->left;
}

static void heap_push(heap *h, bigram b)
{
    if (h->oom)
        return;
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 64;
        bigram *nv = realloc(h->v, nc * sizeof *nv);
        if (!nv) {
            h->oom = true;
            return;
        }
        h->v = nv;
        h->cap = nc;
    }
    size_t i = h->n++;
    h->v[i] = b;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(h, &h->v[i], &h->v[p]))
            break;
        bigram tmp = h->v[i];
        h->v[i] = h->v[p];
        h->v[p] = tmp;
        i = p;
    }
}

static bigram heap_pop(heap *h)
{
    bigram top = h->v[0];
    h->v[0] = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(h, &h->v[l], &h->v[m]))
            m = l;
        if (r < h->n && before(h, &h->v[r], &h->v[m]))
            m = r;
        if (m == i)
            break;
        bigram tmp = h->v[i];
        h->v[i] = h->v[m];
        h->v[m] = tmp;
        i = m;
    }
    return top;
}

/* ---- SPM ---- */

typedef struct rev_entry {
    size_t off, n; /* key text in the session text */
    int left, right;
    bool used;
} rev_entry;

typedef struct spm_session {
    const quire_tokenizer *t;
    const char *text;
    sym *syms;
    size_t n_syms;
    heap q;
    rev_entry *rev;
    size_t rev_mask;
    tok_vec *out;
} spm_session;

static rev_entry *rev_slot(spm_session *s, size_t off, size_t n)
{
    size_t i = (size_t)tok_hash_bytes(s->text + off, n) & s->rev_mask;
    while (s->rev[i].used &&
           !(s->rev[i].n == n && memcmp(s->text + s->rev[i].off, s->text + off, n) == 0))
        i = (i + 1) & s->rev_mask;
    return &s->rev[i];
}

static void spm_try_bigram(spm_session *s, int left, int right)
{
    if (left == -1 || right == -1)
        return;
    size_t off = s->syms[left].off;
    size_t n = s->syms[left].n + s->syms[right].n;
    quire_token id = tok_lookup(s->t, s->text + off, n);
    if (id == QUIRE_TOKEN_NULL)
        return;
    bigram b = {left, right, s->t->tok[id].score, 0, n};
    heap_push(&s->q, b);
    rev_entry *e = rev_slot(s, off, n);
    e->used = true;
    e->off = off;
    e->n = n;
    e->left = left;
    e->right = right;
}

static void spm_byte_token(const quire_tokenizer *t, unsigned char c, tok_vec *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char b[6] = {'<', '0', 'x', hex[c >> 4], hex[c & 15], '>'};
    quire_token id = tok_lookup(t, b, 6);
    if (id == QUIRE_TOKEN_NULL)
        id = tok_lookup(t, (const char *)&c, 1);
    if (id != QUIRE_TOKEN_NULL)
        tok_push(out, id);
}

static void spm_resegment(spm_session *s, int si, int depth)
{
    const sym *y = &s->syms[si];
    quire_token id = tok_lookup(s->t, s->text + y->off, y->n);
    if (id != QUIRE_TOKEN_NULL) {
        tok_push(s->out, id);
        return;
    }
    rev_entry *e = depth < 64 ? rev_slot(s, y->off, y->n) : NULL;
    if (!e || !e->used) {
        for (size_t j = 0; j < y->n; j++)
            spm_byte_token(s->t, (unsigned char)s->text[y->off + j], s->out);
        return;
    }
    int l = e->left, r = e->right;
    spm_resegment(s, l, depth + 1);
    spm_resegment(s, r, depth + 1);
}

void tok_spm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out)
{
    if (len == 0)
        return;
    spm_session s = {t, text, NULL, 0, {NULL, 0, 0, true, false}, NULL, 0, out};
    s.syms = malloc(len * sizeof *s.syms);
    size_t cap = 64;
    while (cap < len * 6 + 16)
        cap <<= 1;
    s.rev = calloc(cap, sizeof *s.rev);
    s.rev_mask = cap - 1;
    if (!s.syms || !s.rev) {
        out->oom = true;
        goto done;
    }
    for (size_t off = 0; off < len;) {
        size_t n = utf8_len_lead((unsigned char)text[off]);
        if (n > len - off)
            n = len - off;
        sym y = {(int)s.n_syms - 1, -1, off, n};
        off += n;
        y.next = off == len ? -1 : (int)s.n_syms + 1;
        s.syms[s.n_syms++] = y;
    }
    for (size_t i = 1; i < s.n_syms; i++)
        spm_try_bigram(&s, (int)i - 1, (int)i);
    while (s.q.n && !s.q.oom) {
        bigram b = heap_pop(&s.q);
        sym *l = &s.syms[b.left], *r = &s.syms[b.right];
        if (l->n == 0 || r->n == 0 || l->n + r->n != b.size)
            continue;
        l->n += r->n;
        r->n = 0;
        l->next = r->next;
        if (r->next >= 0)
            s.syms[r->next].prev = b.left;
        spm_try_bigram(&s, l->prev, b.left);
        spm_try_bigram(&s, b.left, l->next);
    }
    if (s.q.oom)
        out->oom = true;
    for (int i = 0; i != -1 && !out->oom; i = s.syms[i].next)
        spm_resegment(&s, i, 0);
done:
    free(s.syms);
    free(s.rev);
    free(s.q.v);
}

/* ---- BPE ---- */

static void bpe_word(const quire_tokenizer *t, const char *w, size_t len, sym *syms, heap *q,
                     tok_vec *out)
{
    if (t->ignore_merges) {
        quire_token id = tok_lookup(t, w, len);
        if (id != QUIRE_TOKEN_NULL) {
            tok_push(out, id);
            return;
        }
    }
    size_t n_syms = 0;
    for (size_t off = 0; off < len;) {
        size_t n = utf8_len_lead((unsigned char)w[off]);
        if (n > len - off)
            n = len - off;
        sym y = {(int)n_syms - 1, -1, off, n};
        off += n;
        y.next = off == len ? -1 : (int)n_syms + 1;
        syms[n_syms++] = y;
    }
    q->n = 0;
#define ADD_BIGRAM(l_, r_)                                                                         \
    do {                                                                                           \
        int l__ = (l_), r__ = (r_);                                                                \
        if (l__ != -1 && r__ != -1) {                                                              \
            long rank = tok_merge_rank(t, w + syms[l__].off, syms[l__].n, w + syms[r__].off,      \
                                       syms[r__].n);                                               \
            if (rank >= 0) {                                                                       \
                bigram b_ = {l__, r__, 0, rank, syms[l__].n + syms[r__].n};                        \
                heap_push(q, b_);                                                                  \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    for (size_t i = 1; i < n_syms; i++)
        ADD_BIGRAM((int)i - 1, (int)i);
    while (q->n && !q->oom) {
        bigram b = heap_pop(q);
        sym *l = &syms[b.left], *r = &syms[b.right];
        if (l->n == 0 || r->n == 0 || l->n + r->n != b.size || l->next != b.right)
            continue;
        l->n += r->n;
        r->n = 0;
        l->next = r->next;
        if (r->next >= 0)
            syms[r->next].prev = b.left;
        ADD_BIGRAM(l->prev, b.left);
        ADD_BIGRAM(b.left, l->next);
    }
#undef ADD_BIGRAM
    if (q->oom)
        out->oom = true;
    for (size_t i = 0; i < n_syms; i++) {
        if (syms[i].n == 0)
            continue;
        quire_token id = tok_lookup(t, w + syms[i].off, syms[i].n);
        if (id != QUIRE_TOKEN_NULL) {
            tok_push(out, id);
            continue;
        }
        for (size_t j = 0; j < syms[i].n; j++) {
            quire_token b = tok_lookup(t, w + syms[i].off + j, 1);
            if (b != QUIRE_TOKEN_NULL)
                tok_push(out, b);
        }
    }
}

void tok_bpe(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out)
{
    if (len == 0)
        return;
    uint32_t *cps = malloc(len * sizeof *cps);
    size_t *lens = NULL, n_words = 0;
    char *w = malloc(len * 3 * 2 + 8); /* each byte -> a code point of <= 2 UTF-8 bytes */
    sym *syms = malloc((len * 6 + 8) * sizeof *syms);
    heap q = {NULL, 0, 0, false, false};
    if (!cps || !w || !syms) {
        out->oom = true;
        goto done;
    }
    size_t n = uni_decode_lenient(text, len, cps, NULL);
    quire_status pst = pretok_split(t->pre, cps, n, &lens, &n_words);
    if (pst != QUIRE_OK) {
        out->oom = true;
        out->st = pst;
        goto done;
    }
    size_t at = 0;
    for (size_t k = 0; k < n_words && !out->oom; k++) {
        size_t wl = 0;
        for (size_t j = at; j < at + lens[k]; j++) {
            char u8[4];
            size_t m = uni_encode(cps[j], u8);
            for (size_t b = 0; b < m; b++)
                wl += uni_encode(uni_byte_to_cp((uint8_t)u8[b]), w + wl);
        }
        at += lens[k];
        bpe_word(t, w, wl, syms, &q, out);
    }
done:
    free(cps);
    free(lens);
    free(w);
    free(syms);
    free(q.v);
}

/* ---- WPM ---- */

static bool is_chinese_char(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static void wpm_word(const quire_tokenizer *t, const char *w, size_t n, tok_vec *out)
{
    /* w starts with the phantom space U+2581 */
    size_t mark = out->n;
    for (size_t i = 0; i < n; i++) {
        bool match = false;
        size_t jmax = i + t->max_token_len + 1 < n ? i + t->max_token_len + 1 : n;
        for (size_t j = jmax; j > i; j--) {
            quire_token id = tok_lookup(t, w + i, j - i);
            if (id != QUIRE_TOKEN_NULL) {
                tok_push(out, id);
                match = true;
                i = j - 1;
                break;
            }
        }
        if (!match) {
            out->n = mark;
            break;
        }
    }
    if (out->n == mark)
        tok_push(out, t->special[QUIRE_SPECIAL_UNK]);
}

void tok_wpm(const quire_tokenizer *t, const char *text, size_t len, tok_vec *out)
{
    if (len == 0)
        return;
    uint32_t *cps = malloc(len * sizeof *cps);
    char *w = malloc(len * 4 + 8);
    if (!cps || !w) {
        out->oom = true;
        free(cps);
        free(w);
        return;
    }
    size_t n = uni_decode_lenient(text, len, cps, NULL);
    static const char phantom[] = "\xe2\x96\x81";
    size_t wl = 3;
    memcpy(w, phantom, 3);
#define FLUSH()                                                                                    \
    do {                                                                                           \
        if (wl > 3)                                                                                \
            wpm_word(t, w, wl, out);                                                               \
        wl = 3;                                                                                    \
    } while (0)
    for (size_t i = 0; i < n && !out->oom; i++) {
        uint32_t c = cps[i];
        if (t->strip_accents)
            c = uni_nfd_first(c);
        if (uni_is_space(c)) {
            FLUSH();
            continue;
        }
        unsigned cat = ucat(c);
        if (c == 0 || c == 0xFFFD || cat == UCAT_CONTROL)
            continue;
        if (t->strip_accents && cat == UCAT_MARK)
            continue;
        uint32_t lc = t->lowercase ? uni_tolower(c) : c;
        if (cat == UCAT_PUNCT || (c < 0x7F && cat == UCAT_SYMBOL) || is_chinese_char(c)) {
            FLUSH();
            wl += uni_encode(lc, w + wl);
            FLUSH();
        } else {
            wl += uni_encode(lc, w + wl);
        }
    }
    if (!out->oom)
        FLUSH();
#undef FLUSH
    free(cps);
    free(w);
}
