/* Word bags for citation checks (see words.h). */
#include "answer/words.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "quire/retrieve.h"

#include <glib.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKEN 64  /* longer runs are not words (hashes, base64): ignored */

static const char *const stop_en[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either",
    "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
    "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "many", "may", "might", "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of",
    "off", "on", "once", "one's", "only", "or", "other", "our", "ours", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "then", "there", "these", "they", "this", "those", "through", "thus", "to", "too",
    "under", "until", "up", "upon", "us", "use", "used", "uses", "using", "very", "was", "we",
    "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
    "will", "with", "within", "without", "would", "yes", "you", "your",
    /* words of reporting that answers add around the facts */
    "according", "answer", "article", "author", "authors", "describe", "described", "describes",
    "document", "documents", "explain", "explained", "explains", "mention", "mentioned",
    "mentions", "note", "noted", "notes", "paper", "passage", "said", "say", "says", "source",
    "sources", "state", "stated", "states", "text",
};

static const char *const stop_fr[] = {
    "ai", "aie", "ainsi", "alors", "au", "aucun", "aucune", "aussi", "autre", "aux", "avait",
    "avant", "avec", "avoir", "ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet",
    "cette", "ceux", "chaque", "chez", "comme", "comment", "dans", "de", "des", "donc", "dont",
    "du", "elle", "elles", "en", "entre", "est", "et", "etaient", "etait", "ete", "etre", "eu",
    "fait", "font", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lors", "lui", "ma",
    "mais", "me", "meme", "mes", "moi", "mon", "ne", "ni", "nos", "notre", "nous", "ont", "ou",
    "par", "parce", "pas", "peu", "peut", "peuvent", "plus", "pour", "pourquoi", "qu", "quand",
    "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "sa", "sans", "se", "selon",
    "ses", "si", "sien", "son", "sont", "sous", "sur", "ta", "te", "tes", "toi", "ton", "tous",
    "tout", "toute", "toutes", "tres", "tu", "un", "une", "unes", "uns", "utilise", "utilisent",
    "vos", "votre", "vous", "ya", "combien", "quoi",
    "affirme", "auteur", "auteurs", "decrit", "explique", "indique", "mentionne", "precise",
    "reponse", "texte",
};

/* Words that are unambiguous evidence of a language (question words, articles). */
static const char *const lang_en_words[] = {
    "the", "is", "are", "what", "which", "how", "why", "does", "do", "of", "and", "with", "for",
    "this", "that", "was", "were", "when", "who", "it", "to", "in", "an",
};
static const char *const lang_fr_words[] = {
    "le", "la", "les", "est", "sont", "quel", "quelle", "quels", "quelles", "comment", "pourquoi",
    "des", "du", "et", "avec", "pour", "cette", "qui", "que", "dans", "une", "un", "au", "aux",
    "combien", "ce", "qu", "sur", "par", "ou",
};

static const struct { const char *w; const char *num; } number_words[] = {
    {"zero", "0"}, {"one", "1"}, {"two", "2"}, {"three", "3"}, {"four", "4"}, {"five", "5"},
    {"six", "6"}, {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"},
    {"eleven", "11"}, {"twelve", "12"}, {"thirteen", "13"}, {"fourteen", "14"},
    {"fifteen", "15"}, {"sixteen", "16"}, {"seventeen", "17"}, {"eighteen", "18"},
    {"nineteen", "19"}, {"twenty", "20"}, {"hundred", "100"}, {"thousand", "1000"},
    {"twice", "2"}, {"half", "0.5"}, {"double", "2"}, {"triple", "3"},
    {"un", "1"}, {"une", "1"}, {"deux", "2"}, {"trois", "3"}, {"quatre", "4"}, {"cinq", "5"},
    {"sept", "7"}, {"huit", "8"}, {"neuf", "9"}, {"dix", "10"}, {"onze", "11"}, {"douze", "12"},
    {"treize", "13"}, {"quatorze", "14"}, {"quinze", "15"}, {"seize", "16"}, {"vingt", "20"},
    {"cent", "100"}, {"mille", "1000"}, {"moitie", "0.5"},
    {"million", "1000000"}, {"millions", "1000000"}, {"billion", "1000000000"},
    {"billions", "1000000000"}, {"milliard", "1000000000"}, {"milliards", "1000000000"},
};

static bool in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], w)) return true;
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_stopword(const char *w)
{
    return in_list(stop_en, COUNT(stop_en), w) || in_list(stop_fr, COUNT(stop_fr), w);
}

/* Canonical form of a raw number ("1,000.50" -> "1000.5"). raw has only
 * digits, '.', ',' and ' '. Writes at most outsz-1 bytes. */
static void number_canon(const char *raw, size_t n, char *out, size_t outsz)
{
    char digits[96];
    size_t nd = 0;
    int commas = 0, dots = 0;
    size_t last_sep = (size_t)-1;
    char last_sep_c = 0;
    bool comma_groups3 = true;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == ',' || raw[i] == '.') {
            if (raw[i] == ',') {
                commas++;
                size_t k = i + 1;
                while (k < n && raw[k] >= '0' && raw[k] <= '9') k++;
                if (k - (i + 1) != 3) comma_groups3 = false;
            } else {
                dots++;
            }
            last_sep = i;
            last_sep_c = raw[i];
        }
    }
    /* Which separator is the decimal point, if any. */
    char decimal = 0;
    if (commas && dots) decimal = last_sep_c;
    else if (commas) decimal = comma_groups3 ? 0 : (commas == 1 ? ',' : 0);
    else if (dots) decimal = dots == 1 ? '.' : 0;
    bool after_point = false;
    for (size_t i = 0; i < n && nd + 2 < sizeof digits; i++) {
        char c = raw[i];
        if (c >= '0' && c <= '9') digits[nd++] = c;
        else if (c == decimal && i == last_sep && !after_point) {
            digits[nd++] = '.';
            after_point = true;
        }
    }
    digits[nd] = '\0';
    /* strip leading zeros of the integer part and trailing zeros of the fraction */
    char *s = digits;
    while (s[0] == '0' && s[1] >= '0' && s[1] <= '9') s++;
    if (after_point) {
        size_t l = strlen(s);
        while (l && s[l - 1] == '0') s[--l] = '\0';
        if (l && s[l - 1] == '.') s[--l] = '\0';
    }
    snprintf(out, outsz, "%s", s[0] ? s : "0");
}

typedef struct tok_list {
    buf store;           /* NUL-separated strings */
    size_t *woff;        /* offsets of words in store */
    unsigned char *wweight;
    size_t nw, aw;
    size_t *noff;        /* offsets of numbers */
    size_t nn, an;
} tok_list;

static quire_status push_off(size_t **arr, size_t *n, size_t *a, size_t off)
{
    if (*n == *a) {
        size_t na = *a ? *a * 2 : 32;
        size_t *p = realloc(*arr, na * sizeof *p);
        if (!p) return QUIRE_ERR_NOMEM;
        *arr = p;
        *a = na;
    }
    (*arr)[(*n)++] = off;
    return QUIRE_OK;
}

static quire_status add_word(tok_list *t, const char *w, unsigned char weight)
{
    size_t off = t->store.len;
    quire_status rc = buf_append(&t->store, w, strlen(w) + 1);
    if (rc) return rc;
    size_t oldaw = t->aw;
    rc = push_off(&t->woff, &t->nw, &t->aw, off);
    if (rc) return rc;
    if (t->aw != oldaw) {
        unsigned char *p = realloc(t->wweight, t->aw);
        if (!p) return QUIRE_ERR_NOMEM;
        t->wweight = p;
    }
    t->wweight[t->nw - 1] = weight;
    return QUIRE_OK;
}

static quire_status add_number(tok_list *t, const char *num)
{
    size_t off = t->store.len;
    quire_status rc = buf_append(&t->store, num, strlen(num) + 1);
    if (rc) return rc;
    return push_off(&t->noff, &t->nn, &t->an, off);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fold of one code point into out (lower case, marks dropped); returns bytes. */
static size_t fold_char(gunichar c, char *out)
{
    if (g_unichar_ismark(c)) return 0;
    c = g_unichar_tolower(c);
    return (size_t)g_unichar_to_utf8(c, out);
}

static bool is_digit_cp(gunichar c) { return c >= '0' && c <= '9'; }

/* The English and French Snowball stems of every word of b (stems are
 * never longer than the word). A missing stemmer leaves the word itself. */
static quire_status add_stems(word_bag *b)
{
    size_t bytes = 0;
    for (size_t i = 0; i < b->n_words; i++) bytes += 2 * (strlen(b->words[i]) + 1);
    b->stems = malloc(bytes + 1);
    b->stem_en = calloc(b->n_words + 1, sizeof *b->stem_en);
    b->stem_fr = calloc(b->n_words + 1, sizeof *b->stem_fr);
    if (!b->stems || !b->stem_en || !b->stem_fr) return QUIRE_ERR_NOMEM;
    struct sb_stemmer *st[2] = {sb_stemmer_new("english", "UTF_8"), sb_stemmer_new("french", "UTF_8")};
    size_t at = 0;
    for (size_t i = 0; i < b->n_words; i++) {
        const char *w = b->words[i];
        int wl = (int)strlen(w);
        for (int l = 0; l < 2; l++) {
            const sb_symbol *o = st[l] ? sb_stemmer_stem(st[l], (const sb_symbol *)w, wl) : NULL;
            int n = st[l] ? sb_stemmer_length(st[l]) : 0;
            if (!o || n <= 0 || n > wl) {
                o = (const sb_symbol *)w;
                n = wl;
            }
            memcpy(b->stems + at, o, (size_t)n);
            b->stems[at + (size_t)n] = '\0';
            (l ? b->stem_fr : b->stem_en)[i] = b->stems + at;
            at += (size_t)n + 1;
        }
    }
    sb_stemmer_delete(st[0]);
    sb_stemmer_delete(st[1]);
    return QUIRE_OK;
}

quire_status bag_build(const char *text, size_t len, bool is_passage, word_bag *out)
{
    memset(out, 0, sizeof *out);
    tok_list t;
    memset(&t, 0, sizeof t);
    buf_init(&t.store, 0);
    quire_status rc = QUIRE_OK;

    /* Valid UTF-8, NFKD. */
    buf clean = QUIRE_BUF_INIT(0);
    if (utf8_append_repaired(&clean, text ? text : "", len) != QUIRE_OK) return QUIRE_ERR_NOMEM;
    gchar *nf = g_utf8_normalize(clean.data ? clean.data : "", (gssize)clean.len, G_NORMALIZE_NFKD);
    buf_free(&clean);
    if (!nf) return QUIRE_ERR_NOMEM;

    /* question mark at the end (ignoring trailing space, quotes and markers) */
    {
        size_t l = strlen(nf);
        while (l && (strchr(" \t\r\n\"')]", nf[l - 1]) || (nf[l - 1] >= '0' && nf[l - 1] <= '9') ||
                     nf[l - 1] == '[' || nf[l - 1] == ','))
            l--;
        out->question = l && nf[l - 1] == '?';
    }

    const char *p = nf;
    bool first_word = true;  /* sentence-initial capital is not a name */
    char word[MAX_TOKEN * 4 + 8];
    while (*p && rc == QUIRE_OK) {
        gunichar c = g_utf8_get_char(p);
        if (is_digit_cp(c)) {
            /* number: digits with separators */
            char raw[96];
            size_t nr = 0;
            const char *q = p;
            int group_len = 0, first_group = -1;
            while (*q && nr + 1 < sizeof raw) {
                if (*q >= '0' && *q <= '9') {
                    raw[nr++] = *q++;
                    group_len++;
                } else if ((*q == '.' || *q == ',') && q[1] >= '0' && q[1] <= '9') {
                    if (first_group < 0) first_group = group_len;
                    raw[nr++] = *q++;
                    group_len = 0;
                } else if (*q == ' ' && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9' &&
                           q[3] >= '0' && q[3] <= '9' && !(q[4] >= '0' && q[4] <= '9') &&
                           !g_unichar_isalpha(g_utf8_get_char(q + 4)) &&
                           (first_group < 0 ? group_len : first_group) <= 3) {
                    /* "10 000": space-grouped thousands */
                    if (first_group < 0) first_group = group_len;
                    q++;
                    group_len = 0;
                } else {
                    break;
                }
            }
            char canon[96];
            number_canon(raw, nr, canon, sizeof canon);
            rc = add_number(&t, canon);
            p = q;
            first_word = false;
            continue;
        }
        if (g_unichar_isalpha(c) || g_unichar_ismark(c)) {
            size_t wl = 0, chars = 0;
            bool upper_first = g_unichar_isupper(c), upper_later = false, too_long = false;
            const char *q = p;
            while (*q) {
                gunichar d = g_utf8_get_char(q);
                if (!(g_unichar_isalpha(d) || g_unichar_ismark(d))) break;
                if (chars > 0 && g_unichar_isupper(d)) upper_later = true;
                if (wl + 8 < sizeof word) wl += fold_char(d, word + wl);
                else too_long = true;
                if (!g_unichar_ismark(d)) chars++;
                q = g_utf8_next_char(q);
            }
            word[wl] = '\0';
            p = q;
            if (too_long || chars > MAX_TOKEN) {
                first_word = false;
                continue;
            }
            if (in_list(lang_en_words, COUNT(lang_en_words), word)) out->lang_en++;
            if (in_list(lang_fr_words, COUNT(lang_fr_words), word)) out->lang_fr++;
            if (is_passage) {
                for (size_t i = 0; i < COUNT(number_words); i++)
                    if (!strcmp(number_words[i].w, word)) {
                        rc = add_number(&t, number_words[i].num);
                        break;
                    }
            }
            if (rc == QUIRE_OK && wl >= 2 && !is_stopword(word)) {
                bool name = (upper_first && !first_word) || (upper_later && chars >= 2);
                rc = add_word(&t, word, name ? 2 : 1);
            }
            first_word = false;
            continue;
        }
        /* punctuation: a sentence end makes the next capital sentence-initial again */
        if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':') first_word = true;
        p = g_utf8_next_char(p);
    }
    g_free(nf);
    if (rc != QUIRE_OK) goto fail;

    /* Pointers into one owned store; sort and dedupe (a name keeps weight 2). */
    out->store = buf_steal(&t.store);
    if (!out->store) {
        rc = QUIRE_ERR_NOMEM;
        goto fail;
    }
    out->words = calloc(t.nw + 1, sizeof *out->words);
    out->weight = calloc(t.nw + 1, 1);
    out->numbers = calloc(t.nn + 1, sizeof *out->numbers);
    if (!out->words || !out->weight || !out->numbers) {
        rc = QUIRE_ERR_NOMEM;
        goto fail;
    }
    /* sort (word, weight) pairs by word: sort indexes */
    {
        char **tmp = calloc(t.nw + 1, sizeof *tmp);
        if (!tmp) {
            rc = QUIRE_ERR_NOMEM;
            goto fail;
        }
        for (size_t i = 0; i < t.nw; i++) tmp[i] = out->store + t.woff[i];
        /* weight lookup: stash the weight in a parallel pass after sorting */
        qsort(tmp, t.nw, sizeof *tmp, cmp_str);
        size_t k = 0;
        for (size_t i = 0; i < t.nw; i++) {
            if (k && !strcmp(out->words[k - 1], tmp[i])) continue;
            out->words[k++] = tmp[i];
        }
        out->n_words = k;
        free(tmp);
        for (size_t i = 0; i < t.nw; i++) {
            if (t.wweight[i] < 2) continue;
            const char *w = out->store + t.woff[i];
            char **hit = bsearch(&w, out->words, out->n_words, sizeof *out->words, cmp_str);
            if (hit) out->weight[hit - out->words] = 2;
        }
        for (size_t i = 0; i < out->n_words; i++)
            if (!out->weight[i]) out->weight[i] = 1;
    }
    if ((rc = add_stems(out)) != QUIRE_OK) goto fail;
    for (size_t i = 0; i < t.nn; i++) out->numbers[i] = out->store + t.noff[i];
    qsort(out->numbers, t.nn, sizeof *out->numbers, cmp_str);
    {
        size_t k = 0;
        for (size_t i = 0; i < t.nn; i++) {
            if (k && !strcmp(out->numbers[k - 1], out->numbers[i])) continue;
            out->numbers[k++] = out->numbers[i];
        }
        out->n_numbers = k;
    }
    free(t.woff);
    free(t.wweight);
    free(t.noff);
    return QUIRE_OK;
fail:
    free(t.woff);
    free(t.wweight);
    free(t.noff);
    buf_free(&t.store);
    bag_free(out);
    return rc;
}

void bag_free(word_bag *b)
{
    if (!b) return;
    free(b->words);
    free(b->weight);
    free(b->numbers);
    free(b->store);
    free(b->stem_en);
    free(b->stem_fr);
    free(b->stems);
    memset(b, 0, sizeof *b);
}

bool words_match(const char *a, const char *b)
{
    size_t cp = 0;
    while (a[cp] && a[cp] == b[cp]) cp++;
    if (!a[cp] && !b[cp]) return true;
    size_t la = strlen(a), lb = strlen(b);
    size_t mn = la < lb ? la : lb, mx = la < lb ? lb : la;
    if (cp >= 5 && cp * 10 >= mn * 7) return true;
    return cp == mn && mn >= 3 && mx - mn <= 2;  /* node/nodes, key/keys, tree/trees */
}

bool bag_has_word(const word_bag *b, const char *w)
{
    /* Candidates share w's first 3 bytes: find that range by binary search. */
    size_t pl = strlen(w) < 3 ? strlen(w) : 3;
    size_t lo = 0, hi = b->n_words;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(b->words[mid], w, pl) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < b->n_words && !strncmp(b->words[i], w, pl); i++)
        if (words_match(w, b->words[i])) return true;
    return false;
}

bool bag_has_number(const word_bag *b, const char *num)
{
    return bsearch(&num, b->numbers, b->n_numbers, sizeof *b->numbers, cmp_str) != NULL;
}

bool bag_has_word_of(const word_bag *b, const word_bag *q, size_t k)
{
    if (k >= q->n_words) return false;
    if (bag_has_word(b, q->words[k])) return true;
    if (!q->stem_en || !b->stem_en) return false;
    for (size_t i = 0; i < b->n_words; i++)
        if (!strcmp(b->stem_en[i], q->stem_en[k]) || !strcmp(b->stem_fr[i], q->stem_fr[k])) return true;
    return false;
}

const char *words_language(const char *text, size_t len)
{
    word_bag b;
    if (bag_build(text, len, false, &b) != QUIRE_OK) return "en";
    int en = b.lang_en, fr = b.lang_fr;
    bag_free(&b);
    /* accented letters typical of French */
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned char c = (unsigned char)text[i], d = (unsigned char)text[i + 1];
        if (c == 0xC3 && (d == 0xA9 || d == 0xA8 || d == 0xAA || d == 0xA0 || d == 0xA7 ||
                          d == 0xB9 || d == 0xBB || d == 0xAE || d == 0xB4))
            fr++;
    }
    return fr > en ? "fr" : "en";
}

const char *words_hits_language(const quire_hit *hits, size_t nhits)
{
    int fr = 0, en = 0;
    for (size_t i = 0; i < nhits && i < 3; i++)
        if (hits[i].text) *(strcmp(words_language(hits[i].text, strlen(hits[i].text)), "fr") ? &en : &fr) += 1;
    return fr > en ? "fr" : "en";
}

bool words_asks_quantity(const char *text, size_t len)
{
    /* Folded phrases whose answer is a number (matched on word boundaries). */
    static const char *const phrases[] = {
        "how many", "how much", "how large", "how big", "how long", "how old", "how far",
        "what percentage", "what proportion", "what fraction", "what number", "which year",
        "what year", "in what year", "what size", "combien", "quel nombre", "quel pourcentage",
        "quelle proportion", "quelle annee", "en quelle annee", "quel age", "quelle taille",
    };
    buf clean = QUIRE_BUF_INIT(0);
    if (utf8_append_repaired(&clean, text ? text : "", len) != QUIRE_OK) return false;
    char *f = quire_fold_word(clean.data ? clean.data : "", clean.len);
    buf_free(&clean);
    if (!f) return false;
    /* runs of anything but letters and digits become one space */
    size_t j = 0;
    for (size_t i = 0; f[i]; i++) {
        bool keep = g_ascii_isalnum(f[i]) || ((unsigned char)f[i] & 0x80);
        if (keep) f[j++] = f[i];
        else if (j && f[j - 1] != ' ') f[j++] = ' ';
    }
    f[j] = '\0';
    bool hit = false;
    for (size_t i = 0; i < COUNT(phrases) && !hit; i++) {
        size_t pl = strlen(phrases[i]);
        for (const char *p = strstr(f, phrases[i]); p && !hit; p = strstr(p + 1, phrases[i])) {
            bool left = p == f || !g_ascii_isalnum(p[-1]);
            bool right = !g_ascii_isalnum(p[pl]);
            hit = left && right;
        }
    }
    free(f);
    return hit;
}
