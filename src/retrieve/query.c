/* Safe FTS5 query building and term folding.
 *
 * User text never reaches FTS5 syntax: it is cut into words (Unicode letters,
 * digits and marks), each word is emitted as a double-quoted FTS5 string
 * (words contain no '"', so no escaping is even needed), and words are joined
 * with OR. Quotes, NEAR(, *, -, ^, :, parentheses and column filters in the
 * input are therefore just separators.
 *
 * For the "quire" tokenizer each string starts with the question's
 * languages (FTS_LANG_MARK "fr,en " word, see src/index/tokenizer.c), since
 * FTS5 tokenizes each quoted string alone and a single word says nothing
 * about its language. Adjacent content words are also added as two-word
 * phrases (a boost for passages that use the question's wording).
 */
#include "quire/retrieve.h"

#include "index/tokenizer.h"
#include "quire/lang.h"
#include "util/buf.h"
#include "util/textfold.h"
#include "util/utf8.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUERY_TERMS 64
#define MAX_WORD_BYTES 64

/* English and French function words, folded (no accents). */
static const char *const stopwords[] = {
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "how",
    "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our",
    "should", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your",
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "comment", "dans", "de", "des", "du",
    "elle", "en", "est", "et", "etre", "il", "ils", "je", "la", "le", "les", "leur", "lui", "ma",
    "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "ou", "par", "pas",
    "pour", "pourquoi", "qu", "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "sa",
    "se", "ses", "son", "sont", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos",
    "votre", "vous", "c", "d", "j", "l", "m", "n", "s", "t", "y", "a", "faut", "fait",
};

int quire_is_stopword(const char *folded)
{
    for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
        if (!strcmp(folded, stopwords[i])) return 1;
    return 0;
}

char *quire_fold_word(const char *word, size_t len)
{
    gchar *lower = g_utf8_strdown(word, (gssize)len);
    if (!lower) return NULL;
    gchar *nfkd = g_utf8_normalize(lower, -1, G_NORMALIZE_NFKD);
    g_free(lower);
    if (!nfkd) return NULL;
    buf b = QUIRE_BUF_INIT(0);
    for (const gchar *p = nfkd; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        GUnicodeType t = g_unichar_type(c);
        if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK)
            continue;
        char tmp[6];
        int n = g_unichar_to_utf8(c, tmp);
        if (buf_append(&b, tmp, (size_t)n)) {
            buf_free(&b);
            g_free(nfkd);
            return NULL;
        }
    }
    g_free(nfkd);
    return buf_steal(&b);
}

/* Call fn for each word of text (maximal runs of letters/digits). Invalid
 * UTF-8 bytes act as separators. */
typedef int (*word_fn)(const char *w, size_t len, void *ctx);

static void each_word(const char *text, size_t len, word_fn fn, void *ctx)
{
    size_t i = 0, start = 0;
    bool in = false;
    while (i < len) {
        const char *p = text + i;
        gunichar c = g_utf8_get_char_validated(p, (gssize)(len - i));
        size_t step;
        bool alnum;
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            step = 1;
            alnum = false;
        } else {
            step = (size_t)(g_utf8_next_char(p) - p);
            alnum = g_unichar_isalnum(c) || g_unichar_ismark(c);
        }
        if (alnum && !in) {
            start = i;
            in = true;
        } else if (!alnum && in) {
            in = false;
            if (fn(text + start, i - start, ctx)) return;
        }
        i += step;
    }
    if (in) fn(text + start, len - start, ctx);
}

typedef struct term_set {
    char **terms;
    size_t n, max;
    bool keep_stopwords;
    quire_status rc;
} term_set;

static int collect(const char *w, size_t len, void *ctx)
{
    term_set *s = ctx;
    if (s->n >= s->max) return 1;
    if (len > MAX_WORD_BYTES) len = MAX_WORD_BYTES;
    while (len && ((unsigned char)w[len - 1] & 0xC0) == 0x80) len--; /* keep it valid UTF-8 */
    if (!len) return 0;
    char *f = quire_fold_word(w, len);
    if (!f) {
        s->rc = QUIRE_ERR_NOMEM;
        return 1;
    }
    bool drop = !*f || (!s->keep_stopwords && quire_is_stopword(f));
    for (size_t i = 0; !drop && i < s->n; i++)
        if (!strcmp(s->terms[i], f)) drop = true;
    if (drop) {
        free(f);
        return 0;
    }
    s->terms[s->n++] = f;
    return 0;
}

void quire_terms_free(char **terms, size_t n)
{
    if (!terms) return;
    for (size_t i = 0; i < n; i++) free(terms[i]);
    free(terms);
}

static quire_status gather(const char *text, size_t len, size_t max, bool keep_stop, char ***terms,
                           size_t *n)
{
    *terms = NULL;
    *n = 0;
    if (max == 0) return QUIRE_OK;
    term_set s = {calloc(max, sizeof(char *)), 0, max, keep_stop, QUIRE_OK};
    if (!s.terms) return QUIRE_ERR_NOMEM;
    each_word(text, len, collect, &s);
    if (s.rc) {
        quire_terms_free(s.terms, s.n);
        return s.rc;
    }
    *terms = s.terms;
    *n = s.n;
    return QUIRE_OK;
}

quire_status quire_query_terms(const char *text, size_t len, size_t max, char ***terms, size_t *n)
{
    quire_status rc = gather(text, len, max, false, terms, n);
    if (!rc && *n == 0) {
        free(*terms);
        rc = gather(text, len, max, true, terms, n);
    }
    return rc;
}

/* ---- MATCH expressions for the "quire" tokenizer ---- */

void quire_query_opts_default(quire_query_opts *o)
{
    o->bigrams = true;
    o->exact_weight = 0;
    o->plain = false;
    o->max_terms = MAX_QUERY_TERMS;
    o->langs = NULL;
    o->extra = NULL;
    o->extra_weight = NULL;
    o->nextra = 0;
    o->df = NULL;
    o->df_ctx = NULL;
    o->gate_min_rows = 0;
    o->gate_budget = 0;
    o->gate_theta = 0;
    o->gate_k1 = 0;
}

/* The stemming languages of a question: the detected one when confident,
 * else the best guesses plus English and French (quire's main users), at
 * most three, as "xx,yy". */
static void query_langs(const char *text, size_t len, char *out, size_t cap, quire_lang *first)
{
    quire_lang_guess g;
    quire_lang_guess_text(text, len, &g);
    quire_lang l[3] = {QUIRE_LANG_EN, QUIRE_LANG_NONE, QUIRE_LANG_NONE};
    int n = 0;
    if (g.best) l[n++] = g.best;
    if (!g.confident) {
        const quire_lang more[3] = {g.second, QUIRE_LANG_EN, QUIRE_LANG_FR};
        for (int i = 0; i < 3 && n < 3; i++) {
            bool dup = more[i] == QUIRE_LANG_NONE;
            for (int j = 0; j < n; j++) dup |= l[j] == more[i];
            if (!dup) l[n++] = more[i];
        }
    }
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < n && o + 4 < cap; i++) {
        if (i) out[o++] = ',';
        memcpy(out + o, quire_lang_code(l[i]), 2);
        o += 2;
        out[o] = '\0';
    }
    *first = l[0];
}

typedef struct qword {
    size_t start, end;   /* span in the question */
    char bare[TEXT_FOLD_MAX + 1];
    int64_t df;          /* chunks holding it (when o->df is set) */
    bool essential;      /* selects candidates (gated queries) */
} qword;

static quire_status build(const char *text, size_t len, const quire_query_opts *o, char **out, char **weights_out,
                          char **dfs_out)
{
    *out = NULL;
    if (weights_out) *weights_out = NULL;
    if (dfs_out) *dfs_out = NULL;
    quire_query_opts def;
    if (!o) {
        quire_query_opts_default(&def);
        o = &def;
    }
    size_t max = o->max_terms ? o->max_terms : MAX_QUERY_TERMS;
    if (max > 1024) max = 1024;
    char langs[16];
    quire_lang first;
    query_langs(text, len, langs, sizeof langs, &first);
    if (o->langs) {
        /* validate: two-letter known codes separated by commas, at most 3 */
        size_t L = strlen(o->langs);
        bool ok = L >= 2 && L <= 8;
        for (size_t i = 0; ok && i < L; i += 3) {
            char code[3] = {o->langs[i], i + 1 < L ? o->langs[i + 1] : 0, 0};
            ok = quire_lang_from_code(code) != QUIRE_LANG_NONE && (i + 2 == L || o->langs[i + 2] == ',');
        }
        if (!ok) return QUIRE_ERR_INVALID;
        memcpy(langs, o->langs, L + 1);
        char code[3] = {langs[0], langs[1], 0};
        first = quire_lang_from_code(code);
    }
    qword *w = calloc(max, sizeof *w);
    text_word *tw = malloc(sizeof *tw);
    if (!w || !tw) {
        free(w);
        free(tw);
        return QUIRE_ERR_NOMEM;
    }
    /* Content words first; a question made only of stopwords keeps them. */
    size_t n = 0;
    bool keep_stop = false;
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        keep_stop = pass == 1;
        size_t pos = 0, s, e;
        while (n < max && text_next_word(text, len, &pos, &s, &e)) {
            text_fold_word(text + s, e - s, tw);
            if (!tw->bare_len) continue;
            if (!keep_stop && (quire_lang_is_stopword(first, tw->bare, tw->bare_len) ||
                               (o->plain && quire_is_stopword(tw->bare))))
                continue;
            w[n].start = s;
            w[n].end = utf8_prefix(text + s, e - s, MAX_WORD_BYTES * 4) + s;
            memcpy(w[n].bare, tw->bare, tw->bare_len + 1);
            n++;
        }
    }
    free(tw);
    /* distinct words only, in question order */
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < u && !dup; j++) dup = strcmp(w[i].bare, w[j].bare) == 0;
        if (!dup) w[u++] = w[i];
    }
    n = u;
    quire_status rc = QUIRE_OK;
    char prefix[32], eprefix[40];
    if (o->plain) prefix[0] = eprefix[0] = '\0';
    else {
        snprintf(prefix, sizeof prefix, "%s%s%s ", FTS_LANG_MARK, langs, keep_stop ? "!" : "");
        snprintf(eprefix, sizeof eprefix, "%s%s%s= ", FTS_LANG_MARK, langs, keep_stop ? "!" : "");
    }

    /* Document frequencies and the gate: on a large notebook only the rarest
     * words (up to gate_budget chunks together; the two rarest up to four
     * times that) select candidates; the
     * others still score them (MaxScore's "non-essential" terms: a passage
     * holding only common words of the question cannot make the top). */
    bool gated = false;
    if (o->df && !o->plain && n > 1) {
        int64_t nrows = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            char one[MAX_WORD_BYTES * 4 + 64];
            snprintf(one, sizeof one, "%s%.*s", prefix, (int)(w[i].end - w[i].start), text + w[i].start);
            rc = o->df(o->df_ctx, one, &w[i].df, &nrows);
        }
        int64_t min_rows = o->gate_min_rows > 0 ? o->gate_min_rows : 20000;
        int64_t budget = o->gate_budget > 0 ? o->gate_budget : (nrows / 50 > 2000 ? nrows / 50 : 2000);
        if (!rc && nrows >= min_rows) {
            /* take words rarest first while their chunks fit the budget */
            int64_t sum = 0;
            size_t taken = 0;
            for (size_t k = 0; k < n; k++) {
                size_t best = n;
                for (size_t i = 0; i < n; i++)
                    if (!w[i].essential && (best == n || w[i].df < w[best].df)) best = i;
                /* the two rarest words select unless together far over the
                 * budget (one rare word alone is too narrow a net) */
                if (best == n) break;
                if (taken > 0 && sum + w[best].df > (taken < 2 ? 4 * budget : budget)) break;
                w[best].essential = true;
                sum += w[best].df;
                taken++;
            }
            gated = taken < n;
        }
        if (gated && o->gate_theta > 0) {
            bool budget_set[1024];
            for (size_t i = 0; i < n; i++) budget_set[i] = w[i].essential;
            /* MaxScore: a word can add at most idf * weight * (k1 + 1) to a
             * passage's score; the most common words whose bounds sum below
             * theta (the score the caller must beat) cannot lift a passage
             * holding none of the others into the results. */
            double k1 = o->gate_k1 > 0 ? o->gate_k1 : 1.2, sum = 0;
            for (size_t i = 0; i < n; i++) w[i].essential = true;
            for (size_t k = 0; k < n; k++) {
                size_t best = n;
                for (size_t i = 0; i < n; i++)
                    if (w[i].essential && (best == n || w[i].df > w[best].df)) best = i;
                double N = (double)nrows, d = (double)w[best].df;
                double wt = 1.0;
                for (size_t x = 0; x < (o->extra && o->extra_weight ? o->nextra : 0); x++)
                    if (o->extra[x] && strcmp(o->extra[x], w[best].bare) == 0) wt += o->extra_weight[x];
                double ub = log(1.0 + (N - d + 0.5) / (d + 0.5)) * wt * (k1 + 1.0);
                if (k + 1 == n || sum + ub >= o->gate_theta) break;
                sum += ub;
                w[best].essential = false;
            }
            /* when the exact set is within the budget gate's, that gate's
             * candidates already hold the answer: keep its expression */
            bool within = true;
            for (size_t i = 0; i < n; i++) within &= !w[i].essential || budget_set[i];
            gated = false;
            for (size_t i = 0; i < n; i++) {
                if (within) w[i].essential = budget_set[i];
                gated |= !w[i].essential;
            }
        }
        if (rc) {
            free(w);
            return rc;
        }
    }

    buf b = QUIRE_BUF_INIT(0);
    buf wb = QUIRE_BUF_INIT(0);   /* per-phrase weights, in MATCH order */
    buf db = QUIRE_BUF_INIT(0);   /* per-phrase document counts, -1 unknown */
    size_t nextra = o->extra && o->extra_weight ? o->nextra : 0;
#define PHRASE(weight, df, ...)                                                          \
    do {                                                                                 \
        if (!rc) rc = buf_printf(&b, __VA_ARGS__);                                       \
        if (!rc) rc = buf_printf(&wb, "%s%.4g", wb.len ? "," : "", (double)(weight));  \
        if (!rc) rc = buf_printf(&db, "%s%lld", db.len ? "," : "", (long long)(df));   \
    } while (0)
    if (gated) {
        /* (essential words) AND (everything): the gate's phrases weigh 0 */
        size_t k = 0;
        rc = buf_append_str(&b, "(");
        for (size_t i = 0; i < n; i++)
            if (w[i].essential)
                PHRASE(0, w[i].df, "%s\"%s%.*s\"", k++ ? " OR " : "", prefix, (int)(w[i].end - w[i].start),
                       text + w[i].start);
        if (!rc) rc = buf_append_str(&b, ") AND (");
    }
    for (size_t i = 0; i < n; i++) {
        double wt = 1.0;   /* an expansion word equal to a question word adds to it */
        for (size_t x = 0; x < nextra; x++)
            if (o->extra[x] && strcmp(o->extra[x], w[i].bare) == 0) wt += o->extra_weight[x];
        if (o->plain) PHRASE(wt, -1, "%s\"%s\"", i ? " OR " : "", w[i].bare);
        else PHRASE(wt, o->df ? w[i].df : -1, "%s\"%s%.*s\"", i ? " OR " : "", prefix, (int)(w[i].end - w[i].start),
                    text + w[i].start);
    }
    /* Adjacent content words as phrases: passages that use the question's
     * wording score higher (BM25 sums over phrases). Gated, only between
     * selecting words (counting a common pair would scan its doclists). */
    for (size_t i = 0; o->bigrams && !o->plain && i + 1 < n; i++) {
        if (gated && !(w[i].essential && w[i + 1].essential)) continue;
        /* its document count (cached by the index) spares quire_bm25() a
         * scan of both words' doclists per question */
        int64_t pdf = -1;
        if (o->df) {
            char two[MAX_WORD_BYTES * 8 + 64];
            snprintf(two, sizeof two, "%s%.*s %.*s", prefix, (int)(w[i].end - w[i].start), text + w[i].start,
                     (int)(w[i + 1].end - w[i + 1].start), text + w[i + 1].start);
            if (o->df(o->df_ctx, two, &pdf, NULL) != QUIRE_OK) pdf = -1;
        }
        PHRASE(-1, pdf, " OR \"%s%.*s %.*s\"", prefix, (int)(w[i].end - w[i].start), text + w[i].start,
               (int)(w[i + 1].end - w[i + 1].start), text + w[i + 1].start);
    }
    /* Exact forms: the word as written (case and accents aside) scores on
     * top of its stem. */
    for (size_t i = 0; o->exact_weight > 0 && !o->plain && i < n; i++) {
        if (gated && !w[i].essential) continue;
        PHRASE(o->exact_weight, -1, " OR \"%s%.*s\"", eprefix, (int)(w[i].end - w[i].start), text + w[i].start);
    }
    /* Extra words (expansion terms): plain words only, each once. */
    for (size_t x = 0; x < nextra && !rc && n; x++) {
        const char *e = o->extra[x];
        if (!e || !*e || strlen(e) > MAX_WORD_BYTES || !(o->extra_weight[x] > 0)) continue;
        bool skip = false;
        for (size_t i = 0; i < n && !skip; i++) skip = strcmp(w[i].bare, e) == 0;
        for (size_t y = 0; y < x && !skip; y++) skip = o->extra[y] && strcmp(o->extra[y], e) == 0;
        /* a word: letters, digits, marks only (no quote can slip in) */
        size_t pos = 0, s0, e0;
        if (!skip && (!text_next_word(e, strlen(e), &pos, &s0, &e0) || s0 != 0 || e0 != strlen(e))) skip = true;
        if (skip) continue;
        int64_t df = -1;
        if (o->df && !o->plain) {
            char one[MAX_WORD_BYTES * 4 + 64];
            snprintf(one, sizeof one, "%s%s", prefix, e);
            if (o->df(o->df_ctx, one, &df, NULL) != QUIRE_OK) df = -1;
        }
        PHRASE(o->extra_weight[x], df, " OR \"%s%s\"", o->plain ? "" : prefix, e);
    }
#undef PHRASE
    if (gated && !rc) rc = buf_append_str(&b, ")");
    free(w);
    if (rc || n == 0) {
        buf_free(&b);
        buf_free(&wb);
        buf_free(&db);
        return rc;
    }
    *out = buf_steal(&b);
    char *ws = weights_out ? buf_steal(&wb) : NULL;
    char *ds = dfs_out ? buf_steal(&db) : NULL;
    buf_free(&wb);
    buf_free(&db);
    if (!*out || (weights_out && !ws) || (dfs_out && !ds)) {
        free(*out);
        free(ws);
        free(ds);
        *out = NULL;
        return QUIRE_ERR_NOMEM;
    }
    if (weights_out) *weights_out = ws;
    if (dfs_out) *dfs_out = ds;
    return QUIRE_OK;
}

quire_status quire_query_build_ex(const char *text, size_t len, const quire_query_opts *o, char **out)
{
    return build(text, len, o, out, NULL, NULL);
}

quire_status quire_query_build_weighted(const char *text, size_t len, const quire_query_opts *o, char **out,
                                        char **weights, char **dfs)
{
    return build(text, len, o, out, weights, dfs);
}

quire_status quire_query_build(const char *text, size_t len, char **out)
{
    return quire_query_build_ex(text, len, NULL, out);
}
