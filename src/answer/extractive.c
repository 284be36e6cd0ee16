/* The extractive backend: answers without a model.
 *
 * 1. Split each retrieved passage into sentences (blocks first, then
 *    sentence ends that are not abbreviations or decimals).
 * 2. Weight each question term (the content words and numbers of its word
 *    bag, words.h: matched by Snowball stem in English or French, or by the
 *    shared-prefix rule, so "chunked" meets "chunk", "quantifiée" meets
 *    "quantifier" and "partitionner" meets "partition") by its rarity among
 *    the candidate sentences (idf). When the question is not in the
 *    passages' language, a plain word found in no passage is taken as
 *    untranslated and weighs nothing; names, acronyms and numbers still do.
 * 3. Score a sentence by the weighted share of the terms it contains
 *    (coverage), and by that share counting its passage's title and section
 *    (in context). Questions and headings are not answers: sentences ending
 *    in '?' and short blocks without a final period are skipped. A small
 *    bonus goes to sentences from higher-ranked passages.
 * 4. Refuse when no usable sentence reaches min_coverage in context (0.8
 *    times that across languages); when the question asks for a quantity
 *    ("how many", "combien"...), only sentences holding a number count, and
 *    others are ranked lower.
 * 5. Select up to max_sentences good sentences, skipping near-duplicates,
 *    order them by passage rank then position, and cite each passage as [n].
 */
#include "quire/answer.h"
#include "quire/retrieve.h"

#include "answer/sources.h"
#include "answer/words.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 64
#define MAX_SENTENCES 4000
#define CROSS_LANGUAGE_FACTOR 0.8

void quire_extractive_opts_default(quire_extractive_opts *opts)
{
    opts->max_sentences = 3;
    opts->min_coverage = 0.5;
}

typedef struct sentence {
    size_t hit;             /* index into hits */
    size_t start, end;      /* byte span in hits[hit].text */
    double coverage, score;
    unsigned long long mask;/* which question terms it contains */
    int words;
    bool usable;            /* false for questions and heading-like fragments */
    bool number;            /* holds a number (digits or a number word) */
    double in_context;      /* coverage counting the passage's title and section */
    bool chosen;
} sentence;

static const char *const abbreviations[] = {"e.g", "i.e", "et al", "fig", "eq", "vs", "etc", "cf",
                                            "dr", "mr", "mrs", "no", "p", "pp", "sec", "resp", "approx"};

static bool abbreviation_before(const char *t, size_t start, size_t dot)
{
    size_t b = dot;
    while (b > start && (t[b - 1] == '.' || (t[b - 1] >= 'a' && t[b - 1] <= 'z') ||
                         (t[b - 1] >= 'A' && t[b - 1] <= 'Z')))
        b--;
    size_t n = dot - b;
    if (n == 0 || n > 6) return false;
    if (n == 1 && t[b] >= 'A' && t[b] <= 'Z') return true; /* initials: "J. Smith" */
    char w[8];
    for (size_t i = 0; i < n; i++) w[i] = (char)(t[b + i] | 0x20);
    w[n] = '\0';
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++)
        if (!strcmp(w, abbreviations[i])) return true;
    /* "et al." */
    return n == 2 && !strcmp(w, "al");
}

typedef struct sentence_list {
    sentence *s;
    size_t n, alloc;
} sentence_list;

static quire_status push_sentence(sentence_list *l, size_t hit, const char *t, size_t start, size_t end)
{
    while (start < end && (t[start] == ' ' || t[start] == '\n')) start++;
    while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\n')) end--;
    if (end <= start || l->n >= MAX_SENTENCES) return QUIRE_OK;
    if (l->n == l->alloc) {
        size_t na = l->alloc ? l->alloc * 2 : 64;
        sentence *p = realloc(l->s, na * sizeof *p);
        if (!p) return QUIRE_ERR_NOMEM;
        l->s = p;
        l->alloc = na;
    }
    sentence *s = &l->s[l->n++];
    memset(s, 0, sizeof *s);
    s->hit = hit;
    s->start = start;
    s->end = end;
    s->words = (int)quire_count_words(t + start, end - start);
    char last = t[end - 1];
    bool closed = last == '.' || last == '!' || last == ':' || last == ';' || last == ')' || last == '"' ||
                  (end - start >= 2 && !memcmp(t + end - 2, "\xc2\xbb", 2)); /* » */
    s->usable = last != '?' && s->words >= 5 && (closed || s->words >= 15);
    return QUIRE_OK;
}

static quire_status split_sentences(const char *t, size_t hit, sentence_list *out)
{
    size_t len = strlen(t), start = 0;
    for (size_t i = 0; i < len; i++) {
        bool cut_after = false;
        if (t[i] == '\n' && i + 1 < len && t[i + 1] == '\n') {
            quire_status rc = push_sentence(out, hit, t, start, i);
            if (rc) return rc;
            start = i + 2;
            i++;
            continue;
        }
        if ((t[i] == '.' || t[i] == '?' || t[i] == '!') && i + 1 < len && t[i + 1] == ' ') {
            unsigned char next = (unsigned char)t[i + 2 < len ? i + 2 : i + 1];
            bool upper_next = (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') ||
                              next >= 0xC0 || next == '"' || next == '(' || next == '[';
            cut_after = upper_next && !(t[i] == '.' && abbreviation_before(t, start, i));
            /* "1. Text" and "12) Text" open a numbered item: not a sentence end. */
            size_t k = start;
            while (k < i && (t[k] == ' ' || t[k] == '\n')) k++;
            bool item_number = k < i;
            for (size_t d = k; d < i; d++) item_number = item_number && t[d] >= '0' && t[d] <= '9';
            if (item_number) cut_after = false;
        }
        if (cut_after) {
            quire_status rc = push_sentence(out, hit, t, start, i + 1);
            if (rc) return rc;
            start = i + 1;
        }
    }
    return push_sentence(out, hit, t, start, len);
}

/* Bit mask of the question's terms (words of q, then its numbers, at most
 * MAX_TERMS) present in text[0..len); *has_number (may be NULL) tells
 * whether the text holds a number. */
static unsigned long long term_mask(const word_bag *q, const char *text, size_t len, bool *has_number)
{
    word_bag b;
    unsigned long long mask = 0;
    if (has_number) *has_number = false;
    if (bag_build(text, len, true, &b) != QUIRE_OK) return 0;
    if (has_number) *has_number = bag_has_any_number(&b);
    size_t t = 0;
    for (size_t k = 0; k < q->n_words && t < MAX_TERMS; k++, t++)
        if (bag_has_word_of(&b, q, k)) mask |= 1ull << t;
    for (size_t k = 0; k < q->n_numbers && t < MAX_TERMS; k++, t++)
        if (bag_has_number(&b, q->numbers[k])) mask |= 1ull << t;
    bag_free(&b);
    return mask;
}

const char *quire_guess_language(const char *text)
{
    return words_language(text, strlen(text));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

quire_status quire_hit_copy(const quire_hit *src, quire_hit *dst)
{
    *dst = *src;
    dst->doc_key = dup_or_null(src->doc_key);
    dst->doc_path = dup_or_null(src->doc_path);
    dst->doc_title = dup_or_null(src->doc_title);
    dst->doc_sha256 = dup_or_null(src->doc_sha256);
    dst->page_label = dup_or_null(src->page_label);
    dst->section = dup_or_null(src->section);
    dst->anchor = dup_or_null(src->anchor);
    dst->text = dup_or_null(src->text);
    if ((src->doc_key && !dst->doc_key) || (src->text && !dst->text) || (src->doc_path && !dst->doc_path) ||
        (src->doc_title && !dst->doc_title) || (src->doc_sha256 && !dst->doc_sha256) ||
        (src->page_label && !dst->page_label) || (src->section && !dst->section) ||
        (src->anchor && !dst->anchor)) {
        quire_hit_clear(dst);
        return QUIRE_ERR_NOMEM;
    }
    return QUIRE_OK;
}

void quire_answer_free(quire_answer *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->nsentences; i++) {
        free(a->sentences[i].text);
        free(a->sentences[i].citations);
    }
    for (size_t i = 0; i < a->nsources; i++) {
        quire_hit_clear(&a->sources[i].hit);
        free(a->sources[i].quote);
    }
    for (size_t i = 0; i < a->nclosest; i++) {
        quire_hit_clear(&a->closest[i].hit);
        free(a->closest[i].quote);
    }
    if (a->gen) {
        for (size_t i = 0; i < a->gen->nomitted; i++) {
            quire_hit_clear(&a->gen->omitted[i].hit);
            free(a->gen->omitted[i].quote);
        }
        free(a->gen->omitted);
        free(a->gen->finish_reason);
        free(a->gen->raw);
        free(a->gen);
    }
    free(a->sentences);
    free(a->sources);
    free(a->closest);
    free(a->question);
    free(a->text);
    free(a->backend);
    free(a->model);
    free(a->language);
    free(a);
}

static int by_position(const void *x, const void *y)
{
    const sentence *a = *(sentence *const *)x, *b = *(sentence *const *)y;
    if (a->hit != b->hit) return a->hit < b->hit ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

static quire_status refuse(quire_answer *a, const quire_hit *hits, size_t nhits)
{
    bool fr = !strcmp(a->language, "fr");
    a->refused = true;
    a->text = strdup(fr ? "Les documents indexés ne répondent pas à cette question."
                        : "The indexed documents do not answer this question.");
    if (!a->text) return QUIRE_ERR_NOMEM;
    return answer_fill_closest(a, hits, nhits);
}

static quire_status compose(quire_answer *a, const quire_hit *hits, sentence **chosen, size_t nchosen)
{
    qsort(chosen, nchosen, sizeof *chosen, by_position);
    a->sentences = calloc(nchosen, sizeof *a->sentences);
    a->sources = calloc(nchosen, sizeof *a->sources);
    if (!a->sentences || !a->sources) return QUIRE_ERR_NOMEM;
    buf text = QUIRE_BUF_INIT(0);
    quire_status rc = QUIRE_OK;
    for (size_t i = 0; i < nchosen && !rc; i++) {
        const sentence *s = chosen[i];
        const quire_hit *h = &hits[s->hit];
        /* Source number: one per passage, numbered by first use. */
        int n = 0;
        for (size_t k = 0; k < a->nsources; k++)
            if (a->sources[k].hit.chunk_id == h->chunk_id) n = a->sources[k].n;
        if (!n) {
            n = (int)a->nsources + 1;
            rc = answer_source_from_hit(h, n, s->start, s->end, &a->sources[a->nsources]);
            a->nsources++; /* counted even on failure so quire_answer_free releases it */
            if (rc) break;
        }
        quire_answer_sentence *as = &a->sentences[a->nsentences];
        as->text = answer_quote(h->text + s->start, s->end - s->start, SIZE_MAX / 2);
        as->citations = malloc(sizeof(int));
        if (!as->text || !as->citations) {
            free(as->text);
            free(as->citations);
            rc = QUIRE_ERR_NOMEM;
            break;
        }
        as->citations[0] = n;
        as->ncitations = 1;
        as->support = s->coverage;
        a->nsentences++;
        if (text.len) rc = buf_append_char(&text, ' ');
        if (!rc) rc = buf_append_str(&text, as->text);
        /* One marker per run of sentences from the same passage. */
        bool run_ends = i + 1 == nchosen || chosen[i + 1]->hit != s->hit;
        if (!rc && run_ends) rc = buf_printf(&text, " [%d]", n);
    }
    if (rc) {
        buf_free(&text);
        return rc;
    }
    a->text = buf_steal(&text);
    return a->text ? QUIRE_OK : QUIRE_ERR_NOMEM;
}

quire_status quire_answer_extractive(const char *question, const quire_hit *hits, size_t nhits,
                                     const quire_extractive_opts *opts, quire_answer **out,
                                     quire_error *err)
{
    quire_extractive_opts defaults;
    if (!opts) {
        quire_extractive_opts_default(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    quire_answer *a = calloc(1, sizeof *a);
    if (!a) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    a->question = strdup(question);
    a->backend = strdup("extractive");
    a->language = strdup(quire_guess_language(question));
    word_bag q;
    memset(&q, 0, sizeof q);
    size_t nterms = 0;
    sentence_list sl = {0};
    sentence **chosen = NULL;
    quire_status rc = (!a->question || !a->backend || !a->language) ? QUIRE_ERR_NOMEM : QUIRE_OK;
    if (!rc) rc = bag_build(question, strlen(question), false, &q);
    nterms = q.n_words + q.n_numbers;
    if (nterms > MAX_TERMS) nterms = MAX_TERMS;
    for (size_t i = 0; !rc && i < nhits; i++) rc = split_sentences(hits[i].text ? hits[i].text : "", i, &sl);

    if (!rc && (nterms == 0 || sl.n == 0)) {
        rc = refuse(a, hits, nhits);
        goto done;
    }
    if (rc) goto done;

    /* Terms of each passage's section path and title count as context: a
     * sentence under "## Distillation" is about distillation even when it
     * says "it". */
    unsigned long long *ctx_mask = calloc(nhits + 1, sizeof *ctx_mask);
    if (!ctx_mask) { rc = QUIRE_ERR_NOMEM; goto done; }
    unsigned long long anywhere = 0;
    for (size_t h = 0; h < nhits; h++) {
        char ctx[1024];
        snprintf(ctx, sizeof ctx, "%s %s", hits[h].section ? hits[h].section : "",
                 hits[h].doc_title ? hits[h].doc_title : "");
        ctx_mask[h] = term_mask(&q, ctx, strlen(ctx), NULL);
        anywhere |= ctx_mask[h];
    }
    /* idf of each term over the candidate sentences */
    double idf[MAX_TERMS], total = 0;
    int df[MAX_TERMS] = {0};
    for (size_t i = 0; i < sl.n; i++) {
        sentence *s = &sl.s[i];
        s->mask = term_mask(&q, hits[s->hit].text + s->start, s->end - s->start, &s->number);
        anywhere |= s->mask;
        for (size_t t = 0; t < nterms; t++)
            if (s->mask & (1ull << t)) df[t]++;
    }
    /* A question in another language than the passages: a word found in no
     * passage is most likely untranslated ("taille" for "size") and is not
     * asked of any sentence; names, acronyms and numbers still are. */
    bool cross = strcmp(words_language(question, strlen(question)), words_hits_language(hits, nhits)) != 0;
    for (size_t t = 0; t < nterms; t++) {
        bool plain_word = t < q.n_words && q.weight[t] < 2;
        if (cross && plain_word && !(anywhere & (1ull << t))) idf[t] = 0;
        else idf[t] = log(1.0 + ((double)sl.n + 1.0) / ((double)df[t] + 0.5));
        total += idf[t];
    }
    /* A question asking for a quantity is answered only by a sentence with a number. */
    bool quantity = words_asks_quantity(question, strlen(question));
    double best = 0;
    double top_hit = nhits && hits[0].score > 0 ? hits[0].score : 1.0;
    for (size_t i = 0; i < sl.n; i++) {
        sentence *s = &sl.s[i];
        const quire_hit *h = &hits[s->hit];
        double got = 0, ctx_got = 0;
        for (size_t t = 0; t < nterms; t++) {
            if (s->mask & (1ull << t)) got += idf[t];
            if ((s->mask | ctx_mask[s->hit]) & (1ull << t)) ctx_got += idf[t];
        }
        s->coverage = total > 0 ? got / total : 0;
        s->in_context = total > 0 ? ctx_got / total : 0;
        double rank_bonus = 0.1 * (h->score > 0 ? h->score / top_hit : 0);
        bool lead = s->start == 0 || (s->start >= 2 && h->text[s->start - 1] == '\n');
        /* Walls of text make poor answers. */
        double shape = s->words > 80 ? 0.8 : 1.0;
        s->score = (0.75 * s->coverage + 0.25 * s->in_context + rank_bonus + (lead ? 0.05 : 0)) * shape;
        if (quantity && !s->number) s->score *= 0.8;
        if (s->usable && (s->number || !quantity) && s->in_context > best) best = s->in_context;
    }
    free(ctx_mask);
    /* Matching across languages finds less of what a sentence does say
     * (stems differ, only cognates and names match): a lower bar. */
    double min_coverage = cross ? CROSS_LANGUAGE_FACTOR * opts->min_coverage : opts->min_coverage;
    if (best < min_coverage) {
        rc = refuse(a, hits, nhits);
        goto done;
    }

    int want = opts->max_sentences > 0 ? opts->max_sentences : 3;
    /* Room for a list announced by a colon beyond `want` (see below). */
    size_t room = (size_t)want + 4;
    chosen = calloc(room, sizeof *chosen);
    if (!chosen) { rc = QUIRE_ERR_NOMEM; goto done; }
    size_t nchosen = 0;
    double best_score = 0;
    for (size_t i = 0; i < sl.n; i++)
        if (sl.s[i].usable && sl.s[i].score > best_score) best_score = sl.s[i].score;
    while (nchosen < (size_t)want) {
        sentence *pick = NULL;
        for (size_t i = 0; i < sl.n; i++) {
            sentence *s = &sl.s[i];
            if (s->chosen || !s->usable || s->in_context < min_coverage * 0.6) continue;
            if (s->score < best_score * 0.6) continue;
            /* Skip a sentence that adds no question term and repeats a chosen one's. */
            bool redundant = false;
            for (size_t c = 0; c < nchosen; c++)
                if ((s->mask & ~chosen[c]->mask) == 0 && chosen[c]->hit != s->hit) redundant = true;
            if (redundant && nchosen) continue;
            if (!pick || s->score > pick->score) pick = s;
        }
        if (!pick) break;
        pick->chosen = true;
        chosen[nchosen++] = pick;
        /* The best sentence brings the one after it in the same passage (the
         * explanation usually continues), or the next three after a colon. */
        if (nchosen == 1) {
            size_t at = (size_t)(pick - sl.s);
            int follow = hits[pick->hit].text[pick->end - 1] == ':' ? 3 : 1;
            for (size_t k = at + 1; k < sl.n && follow > 0 && nchosen < room; k++, follow--) {
                sentence *next = &sl.s[k];
                if (next->hit != pick->hit || !next->usable || next->chosen) break;
                next->chosen = true;
                chosen[nchosen++] = next;
                if (hits[next->hit].text[next->end - 1] == ':') follow = 4;
            }
        }
    }
    rc = nchosen ? compose(a, hits, chosen, nchosen) : refuse(a, hits, nhits);
done:
    free(chosen);
    free(sl.s);
    bag_free(&q);
    if (rc) {
        quire_answer_free(a);
        return quire_error_set(err, rc, "extractive answer failed: %s", quire_strerror(rc));
    }
    *out = a;
    return QUIRE_OK;
}
