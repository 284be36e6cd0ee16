/* Safe FTS5 query building and term folding.
 *
 * User text never reaches FTS5 syntax: it is cut into words (Unicode letters
 * and digits), each word is emitted as a double-quoted FTS5 string (words
 * contain no '"', so no escaping is even needed), and words are joined with
 * OR. Quotes, NEAR(, *, -, ^, :, parentheses and column filters in the input
 * are therefore just separators.
 */
#include "quire/retrieve.h"

#include "util/buf.h"

#include <glib.h>
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

quire_status quire_query_build(const char *text, size_t len, char **out)
{
    *out = NULL;
    char **terms;
    size_t n;
    quire_status rc = quire_query_terms(text, len, MAX_QUERY_TERMS, &terms, &n);
    if (rc) return rc;
    if (n == 0) {
        free(terms);
        return QUIRE_OK;
    }
    buf b = QUIRE_BUF_INIT(0);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i) rc = buf_append_str(&b, " OR ");
        if (!rc) rc = buf_printf(&b, "\"%s\"", terms[i]);
    }
    quire_terms_free(terms, n);
    if (rc) {
        buf_free(&b);
        return rc;
    }
    *out = buf_steal(&b);
    return *out ? QUIRE_OK : QUIRE_ERR_NOMEM;
}
