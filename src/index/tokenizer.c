/* The "quire" FTS5 tokenizer: case and accent folding, stopwords and
 * Snowball stemming, per language.
 *
 * These rules define the tokens stored in the index. Any change to them (or
 * to src/util/textfold.c, or to the stopword lists) changes
 * FTS_TOKENIZER_VERSION, and indexes built with an older version are rebuilt.
 *
 * Version 1:
 *  1. Words: maximal runs of Unicode letters, numbers and marks
 *     (src/util/textfold.c); anything else, including invalid UTF-8,
 *     separates words. Only the first 64 code points of a word are used.
 *  2. Each word is case-folded and NFKC-composed ("lower", accents kept) and
 *     also NFKD-decomposed with marks removed ("bare", e.g. "modeles").
 *  3. Language. DOCUMENT/AUX text: the language of the whole text being
 *     tokenized (one column value) is detected (include/quire/lang.h). If the
 *     detection is confident, words are stemmed in that language only;
 *     otherwise in the detected best language and in the default language
 *     (argument `lang`, "en" if absent), both stems emitted at the same
 *     position (FTS5_TOKEN_COLOCATED).
 *     QUERY text: if the string starts with FTS_LANG_MARK "xx[,yy...][!] "
 *     these languages are used (the query builder detects the language of
 *     the whole question and passes it this way); otherwise the string's own
 *     detected best language plus the default language. Every candidate's
 *     stem is emitted colocated, so "chevaux" in a French question matches
 *     "cheval" in a French passage, whatever the accents.
 *  4. Stopwords: documents keep every word, so that a question made only of
 *     stopwords ("to be or not to be") can still match. In queries, a
 *     string holding a single word that is a stopword of the first language
 *     yields no token, unless "!" follows the languages; words of
 *     multi-word strings (phrases) are all kept, so phrases match across
 *     stopwords as in the text. (The query builder drops stopwords itself;
 *     this rule keeps hand-written MATCH expressions sensible.)
 *  5. Stems: words holding a number, and prefix-query words (word*), are not
 *     stemmed. Others are stemmed by Snowball from their "lower" form, then
 *     the stem is stripped of marks (so "modèles", "modeles" and "Modèle"
 *     share the stem "model" in French). Words with diacritics are also
 *     stemmed from their "bare" form and both stems are emitted colocated
 *     (Snowball's French stems "quantifiés" as "quantifi" but "quantifies"
 *     as "quantif": with both, text typed with or without accents meets).
 *     Tokens are at most 512 bytes.
 *  6. Exact forms: DOCUMENT/AUX text also gets, at the same position, the
 *     token "=" + bare form ("=modeles"), so that a query can ask for the
 *     word as written (up to case and accents). "=" never occurs in a word,
 *     so these tokens cannot collide with stems. A QUERY string whose
 *     directive carries "=" (MARK "en= word") yields only exact-form tokens.
 *
 * Arguments (tokenize = 'quire [lang XX] [stem 0|1] [stopwords 0|1]'):
 *   lang XX      default language (two-letter code), "en" if absent
 *   stem 0       no stemming (folding only)
 *   stopwords 0  keep stopwords in single-word query strings too
 */
#include "index/tokenizer.h"
#include "quire/lang.h"
#include "util/textfold.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifndef SQLITE_CORE
#include <sqlite3.h>
#endif

#define MAX_LANGS 3

typedef struct qtok {
    quire_lang deflang;
    bool stem;
    bool stopwords;
    struct sb_stemmer *stemmer[QUIRE_LANG_COUNT];  /* owned, created on first use */
    bool stemmer_failed[QUIRE_LANG_COUNT];
} qtok;

static int qtok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    qtok *t = calloc(1, sizeof *t);
    if (!t) return SQLITE_NOMEM;
    t->deflang = QUIRE_LANG_EN;
    t->stem = true;
    t->stopwords = true;
    for (int i = 0; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto bad;
        if (strcmp(k, "lang") == 0) {
            t->deflang = quire_lang_from_code(v);
            if (t->deflang == QUIRE_LANG_NONE) goto bad;
        } else if (strcmp(k, "stem") == 0 && (v[0] == '0' || v[0] == '1') && !v[1]) {
            t->stem = v[0] == '1';
        } else if (strcmp(k, "stopwords") == 0 && (v[0] == '0' || v[0] == '1') && !v[1]) {
            t->stopwords = v[0] == '1';
        } else {
            goto bad;
        }
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
bad:
    free(t);
    return SQLITE_ERROR;
}

static void qtok_delete(Fts5Tokenizer *p)
{
    qtok *t = (qtok *)p;
    if (!t) return;
    for (int l = 0; l < QUIRE_LANG_COUNT; l++)
        if (t->stemmer[l]) sb_stemmer_delete(t->stemmer[l]);
    free(t);
}

static struct sb_stemmer *get_stemmer(qtok *t, quire_lang l)
{
    if (l <= QUIRE_LANG_NONE || l >= QUIRE_LANG_COUNT || t->stemmer_failed[l]) return NULL;
    if (!t->stemmer[l]) {
        t->stemmer[l] = sb_stemmer_new(quire_lang_stemmer_name(l), "UTF_8");
        if (!t->stemmer[l]) t->stemmer_failed[l] = true;
    }
    return t->stemmer[l];
}

/* Parse FTS_LANG_MARK "xx[,yy][!] " at the start of text. Returns the bytes
 * consumed (0 if there is no valid directive). */
static size_t parse_directive(const char *s, size_t len, quire_lang *langs, int *nlangs, bool *keep_stop,
                              bool *exact)
{
    if (len < FTS_LANG_MARK_LEN || memcmp(s, FTS_LANG_MARK, FTS_LANG_MARK_LEN) != 0) return 0;
    size_t i = FTS_LANG_MARK_LEN;
    int n = 0;
    *keep_stop = false;
    *exact = false;
    while (i + 2 <= len) {
        char code[3] = {s[i], s[i + 1], 0};
        quire_lang l = quire_lang_from_code(code);
        if (l == QUIRE_LANG_NONE) return 0;
        bool dup = false;
        for (int j = 0; j < n; j++) dup |= langs[j] == l;
        if (!dup && n < MAX_LANGS) langs[n++] = l;
        i += 2;
        if (i < len && s[i] == ',') { i++; continue; }
        break;
    }
    if (n == 0) return 0;
    if (i < len && s[i] == '!') { *keep_stop = true; i++; }
    if (i < len && s[i] == '=') { *exact = true; i++; }
    if (i < len && s[i] != ' ') return 0;
    *nlangs = n;
    return i < len ? i + 1 : i;
}

static int add_lang(quire_lang *langs, int n, quire_lang l)
{
    if (l == QUIRE_LANG_NONE || n >= MAX_LANGS) return n;
    for (int j = 0; j < n; j++)
        if (langs[j] == l) return n;
    langs[n++] = l;
    return n;
}

typedef int (*token_fn)(void *, int, const char *, int, int, int);

static int qtok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int ntext, token_fn xtoken)
{
    qtok *t = (qtok *)p;
    if (!text || ntext <= 0) return SQLITE_OK;
    size_t len = (size_t)ntext;
    bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    bool prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0;
    quire_lang langs[MAX_LANGS];
    int nlangs = 0;
    bool keep_stop = !t->stopwords;
    bool exact = false;
    size_t pos = 0;

    if (query) {
        bool ks = false;
        pos = parse_directive(text, len, langs, &nlangs, &ks, &exact);
        keep_stop |= ks;
    }
    if (nlangs == 0) {
        quire_lang_guess g;
        quire_lang_guess_text(text, len, &g);
        nlangs = add_lang(langs, 0, g.best);
        if (!g.confident || g.best == QUIRE_LANG_NONE) nlangs = add_lang(langs, nlangs, t->deflang);
    }

    text_word *w = malloc(sizeof *w);
    if (!w) return SQLITE_NOMEM;
    int rc = SQLITE_OK;
    size_t nwords = 0;  /* words seen so far in this string */
    size_t start, end;
    char stems[2 * MAX_LANGS][TEXT_FOLD_MAX + 2];  /* + the "=" of exact forms */
    size_t stem_len[2 * MAX_LANGS];
    while (rc == SQLITE_OK && text_next_word(text, len, &pos, &start, &end)) {
        text_fold_word(text + start, end - start, w);
        if (w->bare_len == 0) continue;
        if (query && !keep_stop && quire_lang_is_stopword(langs[0], w->bare, w->bare_len)) {
            /* a phrase keeps its stopwords: is there another word in the string? */
            size_t p2 = pos, s2, e2;
            bool single = !text_next_word(text, len, &p2, &s2, &e2) && nwords == 0;
            if (single) continue;
        }
        nwords++;
        int nstems = 0;
        if (exact && !prefix) {
            stems[0][0] = '=';
            memcpy(stems[0] + 1, w->bare, w->bare_len + 1);
            stem_len[0] = w->bare_len + 1;
            rc = xtoken(ctx, 0, stems[0], (int)stem_len[0], (int)start, (int)end);
            continue;
        }
        if (!t->stem || w->digits || prefix) {
            memcpy(stems[0], w->bare, w->bare_len + 1);
            stem_len[0] = w->bare_len;
            nstems = 1;
        } else {
            for (int i = 0; i < nlangs; i++) {
                struct sb_stemmer *sb = get_stemmer(t, langs[i]);
                /* the accented form, then the bare form when they differ */
                for (int form = 0; form < 2; form++) {
                    if (form == 1 && (w->ascii || (w->lower_len == w->bare_len &&
                                                   memcmp(w->lower, w->bare, w->bare_len) == 0)))
                        break;
                    const char *in = form ? w->bare : w->lower;
                    size_t inlen = form ? w->bare_len : w->lower_len;
                    const sb_symbol *s = sb ? sb_stemmer_stem(sb, (const sb_symbol *)in, (int)inlen) : NULL;
                    size_t n;
                    if (s) n = text_strip((const char *)s, (size_t)sb_stemmer_length(sb), stems[nstems], sizeof stems[0]);
                    else n = text_strip(w->bare, w->bare_len, stems[nstems], sizeof stems[0]);
                    if (n == 0) continue;
                    bool dup = false;
                    for (int j = 0; j < nstems; j++)
                        dup |= stem_len[j] == n && memcmp(stems[j], stems[nstems], n) == 0;
                    if (dup) continue;
                    stem_len[nstems++] = n;
                }
            }
        }
        for (int i = 0; i < nstems && rc == SQLITE_OK; i++)
            rc = xtoken(ctx, i ? FTS5_TOKEN_COLOCATED : 0, stems[i], (int)stem_len[i], (int)start, (int)end);
        if (!query && rc == SQLITE_OK && nstems > 0) {
            stems[0][0] = '=';
            memcpy(stems[0] + 1, w->bare, w->bare_len + 1);
            rc = xtoken(ctx, FTS5_TOKEN_COLOCATED, stems[0], (int)w->bare_len + 1, (int)start, (int)end);
        }
    }
    free(w);
    return rc;
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

quire_status fts_tokenizer_register(sqlite3 *db)
{
    if (!db) return QUIRE_ERR_INVALID;
    fts5_api *api = fts5_api_of(db);
    if (!api || api->iVersion < 2) return QUIRE_ERR_UNSUPPORTED;
    fts5_tokenizer tk = {qtok_create, qtok_delete, qtok_tokenize};
    if (api->xCreateTokenizer(api, FTS_TOKENIZER_NAME, NULL, &tk, NULL) != SQLITE_OK) return QUIRE_ERR_DB;
    return QUIRE_OK;
}

int fts_tokenize_query(const char *text, int len, void *ctx,
                       int (*xtoken)(void *, int, const char *, int, int, int))
{
    Fts5Tokenizer *t = NULL;
    int rc = qtok_create(NULL, NULL, 0, &t);
    if (rc != SQLITE_OK) return rc;
    rc = qtok_tokenize(t, ctx, FTS5_TOKENIZE_QUERY, text, len, xtoken);
    qtok_delete(t);
    return rc;
}
