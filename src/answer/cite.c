/* Citation parsing and verification (see include/quire/cite.h). */
#include "quire/cite.h"
#include "answer/words.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <ctype.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CITES_PER_MARKER 50   /* [1-1000] is not a citation list */
#define MAX_SOURCE_NUMBER 9999

/* ---- language ---- */

const char *quire_cite_language(const char *text, size_t len)
{
    return words_language(text, len);
}

/* ---- refusals ---- */

const char *quire_cite_refusal_sentence(const char *lang)
{
    if (lang && !strcmp(lang, "fr")) return "Les sources ne contiennent pas la r\xc3\xa9ponse.";
    return "The sources do not contain the answer.";
}

/* Fold to lowercase ASCII-ish (accents dropped) for phrase matching. */
static char *fold_phrase(const char *text, size_t len)
{
    buf clean = QUIRE_BUF_INIT(0);
    if (utf8_append_repaired(&clean, text, len) != QUIRE_OK) return NULL;
    gchar *nf = g_utf8_normalize(clean.data ? clean.data : "", (gssize)clean.len, G_NORMALIZE_NFKD);
    buf_free(&clean);
    if (!nf) return NULL;
    buf out = QUIRE_BUF_INIT(0);
    for (const char *p = nf; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_ismark(c)) continue;
        if (c == 0x2019) c = '\'';
        char tmp[8];
        int n = g_unichar_to_utf8(g_unichar_tolower(c), tmp);
        if (buf_append(&out, tmp, (size_t)n) != QUIRE_OK) break;
    }
    g_free(nf);
    return buf_steal(&out);
}

bool quire_cite_is_refusal(const char *text, size_t len)
{
    static const char *const pat[] = {
        "sources do not contain", "sources don't contain", "sources does not contain",
        "sources do not provide", "sources don't provide", "sources do not mention",
        "sources do not say", "sources do not answer", "sources do not specify",
        "not contain the answer", "no information about", "no information on",
        "not enough information", "cannot be answered", "can't be answered", "cannot answer",
        "can't answer", "unable to answer", "i don't know", "i do not know",
        "not mentioned in the sources", "not covered by the sources", "not in the sources",
        "ne contiennent pas", "ne contient pas", "ne permettent pas", "ne mentionnent pas",
        "ne precisent pas", "aucune information", "pas d'information", "pas assez d'information",
        "impossible de repondre", "je ne sais pas", "ne fournissent pas", "ne repondent pas",
    };
    char *f = fold_phrase(text, len);
    if (!f) return false;
    bool hit = false;
    for (size_t i = 0; i < sizeof pat / sizeof pat[0] && !hit; i++) hit = strstr(f, pat[i]) != NULL;
    free(f);
    return hit;
}

/* ---- markers ---- */

/* Parse a citation marker at text[i] == '['. On success return the index
 * after ']' and append the numbers to nums (up to max). Returns 0 when the
 * bracket is not a citation marker. */
static size_t parse_marker(const char *t, size_t len, size_t i, int *nums, size_t *n, size_t max)
{
    size_t j = i + 1, count = 0;
    *n = 0;
    while (j < len && t[j] == ' ') j++;
    /* optional "source", "sources", "src", "ref" */
    static const char *const words[] = {"sources", "source", "src", "refs", "ref"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        if (j + wl <= len && !strncasecmp(t + j, words[w], wl)) {
            j += wl;
            while (j < len && (t[j] == ' ' || t[j] == ':' || t[j] == '#')) j++;
            break;
        }
    }
    bool need_num = true;
    int range_from = -1;
    while (j < len) {
        if (t[j] >= '0' && t[j] <= '9') {
            if (!need_num) return 0;
            long v = 0;
            size_t d = 0;
            while (j < len && t[j] >= '0' && t[j] <= '9') {
                if (++d > 4) return 0;
                v = v * 10 + (t[j] - '0');
                j++;
            }
            if (v > MAX_SOURCE_NUMBER) return 0;  /* [0] parses: it is a citation to no source */
            if (range_from >= 0) {
                if (v < range_from || v - range_from > MAX_CITES_PER_MARKER) return 0;
                for (long k = range_from + 1; k <= v; k++) {
                    if (count >= MAX_CITES_PER_MARKER) return 0;
                    if (*n < max) nums[(*n)++] = (int)k;
                    count++;
                }
                range_from = -1;
            } else {
                if (count >= MAX_CITES_PER_MARKER) return 0;
                if (*n < max) nums[(*n)++] = (int)v;
                count++;
            }
            need_num = false;
            continue;
        }
        if (t[j] == ' ') {
            j++;
            continue;
        }
        if (t[j] == ',' || t[j] == ';') {
            if (need_num) return 0;
            need_num = true;
            j++;
            continue;
        }
        if (t[j] == '-' || (j + 2 < len && !memcmp(t + j, "\xe2\x80\x93", 3))) {  /* - or en dash */
            if (need_num || count == 0) return 0;
            range_from = nums[*n ? *n - 1 : 0];
            need_num = true;
            j += t[j] == '-' ? 1 : 3;
            continue;
        }
        if (t[j] == ']') return (need_num || range_from >= 0) ? 0 : j + 1;
        return 0;
    }
    return 0;
}

/* ---- sentence splitting ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The word before text[dot] (back to a space or an opening bracket). */
static bool is_abbreviation(const char *t, size_t start, size_t dot)
{
    static const char *const abbr[] = {
        "e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "sec", "ch", "dr", "mr", "mrs", "ms",
        "prof", "vs", "cf", "p", "pp", "vol", "approx", "resp", "inc", "ltd", "jr",
        "st", "ca", "viz", "mme", "mlle", "cie", "etc.", "ref", "refs", "chap",
        "n", "nb", "c.-a-d", "c.-\xc3\xa0-d", "op", "cit", "eds",
    };
    size_t b = dot;
    while (b > start && !is_space(t[b - 1]) && t[b - 1] != '(' && t[b - 1] != '[' && t[b - 1] != '"')
        b--;
    size_t wl = dot - b;
    if (wl == 0 || wl > 12) return false;
    char w[16];
    for (size_t i = 0; i < wl; i++) w[i] = (char)tolower((unsigned char)t[b + i]);
    w[wl] = '\0';
    if (wl == 1 && isupper((unsigned char)t[b])) return true;  /* initial: "J. Smith" */
    for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
        if (!strcmp(w, abbr[i])) return true;
    if (memchr(w, '.', wl)) return true;  /* "U.S", "e.g" written with more dots */
    /* "1." at the start of a line is a list number */
    bool digits = true;
    for (size_t i = 0; i < wl; i++) digits = digits && isdigit((unsigned char)w[i]);
    if (digits && b == start) return true;
    return false;
}

/* Length of a closing quote/bracket at t[j], 0 if none. */
static size_t closer_len(const char *t, size_t len, size_t j)
{
    if (t[j] == ')' || t[j] == '"' || t[j] == '\'' || t[j] == '*' || t[j] == '_') return 1;
    if (j + 1 < len && (unsigned char)t[j] == 0xC2 && (unsigned char)t[j + 1] == 0xBB) return 2; /* » */
    if (j + 2 < len && (unsigned char)t[j] == 0xE2 && (unsigned char)t[j + 1] == 0x80 &&
        ((unsigned char)t[j + 2] == 0x9D || (unsigned char)t[j + 2] == 0x99))
        return 3; /* ” ’ */
    return 0;
}

/* Skip citation markers (with spaces between) starting at j; returns the new
 * position, or j when there is none. */
static size_t skip_markers(const char *t, size_t len, size_t j)
{
    size_t k = j, end = j;
    for (;;) {
        while (k < len && (t[k] == ' ' || t[k] == '\t')) k++;
        int nums[8];
        size_t n;
        size_t e = k < len && t[k] == '[' ? parse_marker(t, len, k, nums, &n, 8) : 0;
        if (!e) break;
        k = end = e;
    }
    return end;
}

typedef struct span_list {
    quire_span *v;
    size_t n, a;
} span_list;

static quire_status emit_span(span_list *l, const char *t, size_t s, size_t e)
{
    while (s < e && is_space(t[s])) s++;
    while (e > s && is_space(t[e - 1])) e--;
    bool alnum = false;
    for (size_t i = s; i < e && !alnum; i++)
        alnum = isalnum((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80;
    if (!alnum) return QUIRE_OK;
    if (l->n == l->a) {
        size_t na = l->a ? l->a * 2 : 16;
        quire_span *p = realloc(l->v, na * sizeof *p);
        if (!p) return QUIRE_ERR_NOMEM;
        l->v = p;
        l->a = na;
    }
    l->v[l->n++] = (quire_span){s, e};
    return QUIRE_OK;
}

/* Does the line starting at t[j] begin a list item or a heading? */
static bool line_starts_item(const char *t, size_t len, size_t j)
{
    while (j < len && (t[j] == ' ' || t[j] == '\t')) j++;
    if (j >= len) return false;
    if (t[j] == '#' || t[j] == '>' || t[j] == '|') return true;
    if ((t[j] == '-' || t[j] == '*' || t[j] == '+') && j + 1 < len && t[j + 1] == ' ') return true;
    if (j + 2 < len && !memcmp(t + j, "\xe2\x80\xa2", 3)) return true;  /* • */
    size_t k = j;
    while (k < len && isdigit((unsigned char)t[k])) k++;
    return k > j && k < len && (t[k] == '.' || t[k] == ')');
}

quire_status quire_cite_split(const char *t, size_t len, quire_span **out, size_t *n)
{
    span_list l = {0};
    size_t start = 0, i = 0;
    quire_status rc = QUIRE_OK;
    *out = NULL;
    *n = 0;
    while (i < len && rc == QUIRE_OK) {
        char c = t[i];
        if (c == '\n') {
            /* blank line, list item or heading: a boundary; else a wrapped line
             * unless the line ended with sentence punctuation, a marker or ':' */
            size_t j = i + 1;
            while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r')) j++;
            bool blank = j < len && t[j] == '\n';
            size_t b = i;
            while (b > start && is_space(t[b - 1])) b--;
            char last = b > start ? t[b - 1] : '\0';
            bool ended = last == '.' || last == '!' || last == '?' || last == ']' || last == ':';
            if (blank || ended || line_starts_item(t, len, i + 1)) {
                rc = emit_span(&l, t, start, i);
                start = i + 1;
            }
            i++;
            continue;
        }
        bool ell = i + 2 < len && !memcmp(t + i, "\xe2\x80\xa6", 3);  /* … */
        if (c == '.' || c == '!' || c == '?' || ell) {
            size_t j = i;
            while (j < len) {  /* runs like "?!", "..." */
                if (t[j] == '.' || t[j] == '!' || t[j] == '?') j++;
                else if (j + 2 < len && !memcmp(t + j, "\xe2\x80\xa6", 3)) j += 3;
                else break;
            }
            if (c == '.' && j == i + 1 && is_abbreviation(t, start, i)) {
                i = j;
                continue;
            }
            size_t k;
            while (j < len && (k = closer_len(t, len, j)) > 0) j += k;
            j = skip_markers(t, len, j);
            if (j < len && !is_space(t[j])) {  /* "3.5", "a.b", "e.g.x" */
                i = j > i + 1 ? j : i + 1;
                continue;
            }
            /* a lowercase continuation after '.' is not a new sentence */
            size_t m = j;
            while (m < len && is_space(t[m]) && t[m] != '\n') m++;
            if (c == '.' && m < len && islower((unsigned char)t[m])) {
                i = j;
                continue;
            }
            rc = emit_span(&l, t, start, j);
            start = j;
            i = j;
            continue;
        }
        i++;
    }
    if (rc == QUIRE_OK) rc = emit_span(&l, t, start, len);
    if (rc != QUIRE_OK) {
        free(l.v);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return QUIRE_OK;
}

/* ---- verification ---- */

void quire_verify_opts_default(quire_verify_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->min_support = 0.5;
    opts->min_support_xlang = 0.3;
    opts->min_similarity = 0.75;
}

const char *quire_support_name(quire_support s)
{
    switch (s) {
    case QUIRE_SUPPORT_OK: return "supported";
    case QUIRE_SUPPORT_WEAK: return "unsupported";
    case QUIRE_SUPPORT_UNCITED: return "uncited";
    case QUIRE_SUPPORT_NONE_NEEDED: return "none_needed";
    case QUIRE_SUPPORT_COUNT: break;
    }
    return "unknown";
}

/* Weighted fraction of s's content words found in any of the bags. */
static double overlap_bags(const word_bag *s, const word_bag *const *p, size_t np)
{
    double total = 0, found = 0;
    for (size_t i = 0; i < s->n_words; i++) {
        double w = s->weight[i];
        total += w;
        for (size_t k = 0; k < np; k++)
            if (bag_has_word(p[k], s->words[i])) {
                found += w;
                break;
            }
    }
    return total > 0 ? found / total : 1.0;
}

/* Fraction of s's numbers found in any of the bags (1 when s has none). */
static double numbers_found(const word_bag *s, const word_bag *const *p, size_t np)
{
    if (!s->n_numbers) return 1.0;
    size_t found = 0;
    for (size_t i = 0; i < s->n_numbers; i++)
        for (size_t k = 0; k < np; k++)
            if (bag_has_number(p[k], s->numbers[i])) {
                found++;
                break;
            }
    return (double)found / (double)s->n_numbers;
}

static double score_with_numbers(const word_bag *s, const word_bag *const *p, size_t np)
{
    double lex = overlap_bags(s, p, np);
    double num = numbers_found(s, p, np);
    return num < 1.0 ? lex * num * 0.5 : lex;
}

double quire_cite_overlap(const char *sentence, size_t slen, const char *passage, size_t plen)
{
    word_bag s, p;
    if (bag_build(sentence, slen, false, &s) != QUIRE_OK) return 0;
    if (bag_build(passage, plen, true, &p) != QUIRE_OK) {
        bag_free(&s);
        return 0;
    }
    const word_bag *pp = &p;
    double r = score_with_numbers(&s, &pp, 1);
    bag_free(&s);
    bag_free(&p);
    return r;
}

void quire_verify_free(quire_verify_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_sent; i++) {
        quire_cited_sentence *s = &r->sent[i];
        free(s->text);
        free(s->plain);
        free(s->cites);
        free(s->cite_support);
        free(s->bad_cites);
    }
    free(r->sent);
    free(r->answer);
    memset(r, 0, sizeof *r);
}

/* Rewrite one sentence: markers keep only valid numbers (re-rendered as
 * [a][b] when some were removed); plain drops markers altogether. Fills the
 * sentence's cite lists. */
static quire_status rewrite_sentence(const char *t, size_t s, size_t e, size_t n_src,
                                     quire_cited_sentence *cs)
{
    buf text = QUIRE_BUF_INIT(0), plain = QUIRE_BUF_INIT(0);
    int *good = NULL, *bad = NULL;
    size_t ng = 0, nb = 0, ag = 0, ab = 0;
    quire_status rc = QUIRE_OK;
    size_t i = s;
    bool stripped = false;  /* a removed marker took the space before it */
    while (i < e && rc == QUIRE_OK) {
        int nums[MAX_CITES_PER_MARKER];
        size_t nn = 0;
        size_t me = t[i] == '[' ? parse_marker(t, e, i, nums, &nn, MAX_CITES_PER_MARKER) : 0;
        if (!me) {
            rc = buf_append_char(&text, t[i]);
            if (rc == QUIRE_OK) rc = buf_append_char(&plain, t[i]);
            i++;
            stripped = false;
            continue;
        }
        bool all_ok = true;
        size_t kept_here = 0;
        int here[MAX_CITES_PER_MARKER];
        for (size_t k = 0; k < nn && rc == QUIRE_OK; k++) {
            bool ok = nums[k] >= 1 && (size_t)nums[k] <= n_src;
            int **arr = ok ? &good : &bad;
            size_t *cnt = ok ? &ng : &nb, *cap = ok ? &ag : &ab;
            if (!ok) all_ok = false;
            else here[kept_here++] = nums[k];
            bool dup = false;
            for (size_t q = 0; q < *cnt; q++) dup = dup || (*arr)[q] == nums[k];
            if (dup) continue;
            if (*cnt == *cap) {
                size_t na = *cap ? *cap * 2 : 4;
                int *p = realloc(*arr, na * sizeof *p);
                if (!p) {
                    rc = QUIRE_ERR_NOMEM;
                    break;
                }
                *arr = p;
                *cap = na;
            }
            (*arr)[(*cnt)++] = nums[k];
        }
        if (stripped && kept_here) {
            rc = buf_append_char(&text, ' ');
            stripped = false;
        }
        if (rc != QUIRE_OK) break;
        if (all_ok) {
            rc = buf_append(&text, t + i, me - i);
        } else {
            for (size_t k = 0; k < kept_here && rc == QUIRE_OK; k++)
                rc = buf_printf(&text, "[%d]", here[k]);
            if (kept_here == 0) {  /* drop the space before a marker that disappears */
                while (text.len && text.data[text.len - 1] == ' ') {
                    text.data[--text.len] = '\0';
                    stripped = true;
                }
            }
        }
        while (plain.len && plain.data[plain.len - 1] == ' ') plain.data[--plain.len] = '\0';
        i = me;
    }
    if (rc == QUIRE_OK) {
        cs->text = buf_steal(&text);
        cs->plain = buf_steal(&plain);
        if (!cs->text || !cs->plain) rc = QUIRE_ERR_NOMEM;
    }
    cs->cites = good;
    cs->n_cites = ng;
    cs->bad_cites = bad;
    cs->n_bad_cites = nb;
    buf_free(&text);
    buf_free(&plain);
    return rc;
}

quire_status quire_cite_verify(const char *answer, size_t len, const quire_cite_source *src,
                               size_t n, const quire_verify_opts *opts,
                               quire_verify_result *out, quire_error *err)
{
    memset(out, 0, sizeof *out);
    quire_verify_opts def;
    if (!opts) {
        quire_verify_opts_default(&def);
        opts = &def;
    }
    if (!answer) answer = "";
    quire_span *spans = NULL;
    size_t ns = 0;
    word_bag *pbag = NULL;
    bool *pbag_ok = NULL;
    const char **plang = NULL;
    quire_status rc = quire_cite_split(answer, len, &spans, &ns);
    if (rc != QUIRE_OK) goto done;
    snprintf(out->language, sizeof out->language, "%s", quire_cite_language(answer, len));
    out->sent = calloc(ns + 1, sizeof *out->sent);
    pbag = calloc(n + 1, sizeof *pbag);
    pbag_ok = calloc(n + 1, sizeof *pbag_ok);
    plang = calloc(n + 1, sizeof *plang);
    if (!out->sent || !pbag || !pbag_ok || !plang) {
        rc = QUIRE_ERR_NOMEM;
        goto done;
    }
    out->n_sent = ns;
    bool any_valid_cite = false;
    for (size_t i = 0; i < ns && rc == QUIRE_OK; i++) {
        quire_cited_sentence *cs = &out->sent[i];
        cs->start = spans[i].start;
        cs->end = spans[i].end;
        rc = rewrite_sentence(answer, cs->start, cs->end, n, cs);
        if (rc != QUIRE_OK) break;
        out->n_bad_cites += cs->n_bad_cites;
        any_valid_cite = any_valid_cite || cs->n_cites > 0;
    }
    if (rc != QUIRE_OK) goto done;
    out->refusal = ns > 0 && !any_valid_cite &&
                   quire_cite_is_refusal(answer + out->sent[0].start,
                                         out->sent[0].end - out->sent[0].start);

    for (size_t i = 0; i < ns && rc == QUIRE_OK; i++) {
        quire_cited_sentence *cs = &out->sent[i];
        word_bag sb;
        rc = bag_build(cs->plain, strlen(cs->plain), false, &sb);
        if (rc != QUIRE_OK) break;
        bool refusal_sentence = quire_cite_is_refusal(cs->plain, strlen(cs->plain));
        cs->factual = !sb.question && !refusal_sentence && (sb.n_words >= 3 || sb.n_numbers > 0);
        if (cs->n_cites == 0) {
            cs->status = cs->factual ? QUIRE_SUPPORT_UNCITED : QUIRE_SUPPORT_NONE_NEEDED;
            cs->numbers_ok = sb.n_numbers == 0;
            bag_free(&sb);
            continue;
        }
        cs->cite_support = calloc(cs->n_cites, sizeof *cs->cite_support);
        const word_bag **cited = calloc(cs->n_cites, sizeof *cited);
        if (!cs->cite_support || !cited) {
            free(cited);
            bag_free(&sb);
            rc = QUIRE_ERR_NOMEM;
            break;
        }
        int xlang = 0;
        for (size_t k = 0; k < cs->n_cites && rc == QUIRE_OK; k++) {
            size_t si = (size_t)cs->cites[k] - 1;
            if (!pbag_ok[si]) {
                rc = bag_build(src[si].text, src[si].len, true, &pbag[si]);
                if (rc != QUIRE_OK) break;
                pbag_ok[si] = true;
                plang[si] = pbag[si].lang_fr > pbag[si].lang_en ? "fr" : "en";
            }
            cited[k] = &pbag[si];
            double lex = score_with_numbers(&sb, &cited[k], 1);
            if (opts->similarity && opts->min_similarity > 0) {
                double sim = opts->similarity(opts->similarity_user, cs->plain, strlen(cs->plain),
                                              src[si].text, src[si].len);
                if (sim >= -1) {
                    double thr = opts->min_support;
                    double mapped = sim >= opts->min_similarity ? (sim > thr ? sim : thr)
                                                                : sim * thr / opts->min_similarity;
                    if (mapped > lex && numbers_found(&sb, &cited[k], 1) >= 1.0) lex = mapped;
                }
            }
            cs->cite_support[k] = lex;
            if (strcmp(plang[si], out->language) != 0) xlang++;
        }
        if (rc == QUIRE_OK) {
            double uni = score_with_numbers(&sb, cited, cs->n_cites);
            double best = 0;
            for (size_t k = 0; k < cs->n_cites; k++)
                if (cs->cite_support[k] > best) best = cs->cite_support[k];
            cs->numbers_ok = numbers_found(&sb, cited, cs->n_cites) >= 1.0;
            /* the union covers facts drawn from two sources; the best single
             * passage covers the embedder's verdict */
            cs->support = uni > best ? uni : best;
            if (!cs->numbers_ok && cs->support > uni) cs->support = uni;
            double thr = xlang * 2 > (int)cs->n_cites ? opts->min_support_xlang : opts->min_support;
            cs->status = cs->numbers_ok && cs->support >= thr ? QUIRE_SUPPORT_OK : QUIRE_SUPPORT_WEAK;
        }
        free(cited);
        bag_free(&sb);
    }
    if (rc != QUIRE_OK) goto done;

    /* Counts, strict mode, and the rewritten answer. */
    buf ans = QUIRE_BUF_INIT(0);
    size_t prev_end = 0;
    bool first = true;
    for (size_t i = 0; i < ns && rc == QUIRE_OK; i++) {
        quire_cited_sentence *cs = &out->sent[i];
        if (out->refusal && cs->status == QUIRE_SUPPORT_UNCITED) cs->status = QUIRE_SUPPORT_NONE_NEEDED;
        switch (cs->status) {
        case QUIRE_SUPPORT_OK: out->n_supported++; break;
        case QUIRE_SUPPORT_WEAK: out->n_unsupported++; break;
        case QUIRE_SUPPORT_UNCITED: out->n_uncited++; break;
        default: break;
        }
        cs->kept = !opts->strict ||
                   (cs->status == QUIRE_SUPPORT_OK || cs->status == QUIRE_SUPPORT_NONE_NEEDED);
        if (!cs->kept) {
            out->n_dropped++;
            prev_end = cs->end;
            continue;
        }
        if (!first) {
            /* the separator that preceded this sentence in the original */
            size_t gs = prev_end;
            bool nl = false;
            for (size_t k = gs; k < cs->start; k++) nl = nl || answer[k] == '\n';
            rc = nl ? buf_append(&ans, answer + gs, cs->start - gs) : buf_append_char(&ans, ' ');
        }
        if (rc == QUIRE_OK) rc = buf_append_str(&ans, cs->text);
        first = false;
        prev_end = cs->end;
    }
    if (rc == QUIRE_OK) {
        out->answer = buf_steal(&ans);
        if (!out->answer) rc = QUIRE_ERR_NOMEM;
    }
    buf_free(&ans);

done:
    if (pbag)
        for (size_t i = 0; i < n; i++)
            if (pbag_ok[i]) bag_free(&pbag[i]);
    free(pbag);
    free(pbag_ok);
    free(plang);
    free(spans);
    if (rc != QUIRE_OK) return quire_error_set(err, rc, "citation check failed: %s", quire_strerror(rc));
    return QUIRE_OK;
}
