/* Model-backed answers: gate, prompt, generate, verify (see include/quire/generate.h). */
#include "quire/generate.h"
#include "quire/retrieve.h"
#include "answer/sources.h"
#include "answer/words.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RELEVANCE_HITS 3
#define MAX_CANDIDATES 16  /* passages checked for the question's words */
#define MISSING_MAX 0.2    /* share of the question absent from every candidate that refuses */

void quire_generate_opts_default(quire_generate_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->answer_tokens = 512;
    opts->temperature = 0.1;
    /* Calibrated on tests/eval/papers-answers.jsonl (36 answerable, 10 not;
     * never on papers-heldout.jsonl). The gate (quire_answer_relevance)
     * gives 0 to questions with words absent from every candidate passage;
     * otherwise answerable questions score 0.5-1.0. */
    opts->min_relevance = 0.45;
    opts->llm_min_relevance = 0.3;
    opts->retrieve_ms = -1;
    /* Best sentence coverage (with its passage's title and section; with a
     * number when the question asks for a quantity): answerable questions in
     * the passages' language scored 0.59-1.0, unanswerable ones that passed
     * the gate 0.33-0.44; across languages the bar is 0.8 times this. */
    opts->extractive_min_coverage = 0.5;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The bag of a passage with its title and section (which say what it is about). */
static quire_status hit_bag(const quire_hit *h, word_bag *out)
{
    buf t = QUIRE_BUF_INIT(0);
    quire_status rc = buf_printf(&t, "%s\n%s\n%s", h->doc_title ? h->doc_title : "",
                                 h->section ? h->section : "", h->text ? h->text : "");
    if (rc == QUIRE_OK) rc = bag_build(t.data, t.len, true, out);
    buf_free(&t);
    return rc;
}

double quire_answer_relevance(const char *question, const quire_hit *hits, size_t nhits)
{
    /* Weighted share of the question's content words (names, acronyms and
     * numbers count double: "the capital of Peru" is not answered by a
     * passage about capitals) found in one passage with its title and
     * section, over the best of the first RELEVANCE_HITS passages.
     *
     * Words that occur in none of the candidate passages decide more:
     * when the question is in the passages' language, such a word names
     * something the notebook does not hold ("How many moons does Jupiter
     * have?" over papers that cite Jupiter once): if they weigh
     * MISSING_MAX of the question or more, the relevance is 0. When the
     * languages differ, an absent word is most likely untranslated
     * ("taille" for "size"): it neither vetoes nor counts, except names,
     * acronyms and numbers, which do not translate. */
    word_bag q;
    if (!question || bag_build(question, strlen(question), false, &q) != QUIRE_OK) return 0;
    size_t nb = nhits < MAX_CANDIDATES ? nhits : MAX_CANDIDATES;
    word_bag *pb = calloc(nb + 1, sizeof *pb);
    bool *ok = calloc(nb + 1, sizeof *ok);
    bool *present = calloc(q.n_words + q.n_numbers + 1, sizeof *present);
    double best = 0;
    if (!pb || !ok || !present) goto done;
    for (size_t i = 0; i < nb; i++) {
        ok[i] = hit_bag(&hits[i], &pb[i]) == QUIRE_OK;
        if (!ok[i]) continue;
        for (size_t k = 0; k < q.n_words; k++) present[k] = present[k] || bag_has_word_of(&pb[i], &q, k);
        for (size_t k = 0; k < q.n_numbers; k++)
            present[q.n_words + k] = present[q.n_words + k] || bag_has_number(&pb[i], q.numbers[k]);
    }
    bool cross = strcmp(words_language(question, strlen(question)), words_hits_language(hits, nhits)) != 0;
    double total = 0, missing = 0;
    for (size_t k = 0; k < q.n_words; k++) {
        bool counts = present[k] || !cross || q.weight[k] > 1;
        if (counts) total += q.weight[k];
        if (counts && !present[k]) missing += q.weight[k];
    }
    for (size_t k = 0; k < q.n_numbers; k++) {
        total += 2.0;
        if (!present[q.n_words + k]) missing += 2.0;
    }
    if (total <= 0 || missing >= MISSING_MAX * total) goto done;
    for (size_t i = 0; i < nb && i < RELEVANCE_HITS; i++) {
        if (!ok[i]) continue;
        double found = 0;
        for (size_t k = 0; k < q.n_words; k++)
            if (present[k] && bag_has_word_of(&pb[i], &q, k)) found += q.weight[k];
        for (size_t k = 0; k < q.n_numbers; k++)
            if (bag_has_number(&pb[i], q.numbers[k])) found += 2.0;
        if (found / total > best) best = found / total;
    }
done:
    for (size_t i = 0; pb && i < nb; i++)
        if (ok && ok[i]) bag_free(&pb[i]);
    free(pb);
    free(ok);
    free(present);
    bag_free(&q);
    return best;
}

static quire_status refuse(quire_answer *a, const char *why, const char *text, const quire_hit *hits,
                           size_t nhits)
{
    a->refused = true;
    a->gen->refusal = why;
    free(a->text);
    a->text = strdup(text ? text : quire_cite_refusal_sentence(a->language));
    if (!a->text) return QUIRE_ERR_NOMEM;
    return answer_fill_closest(a, hits, nhits);
}

/* The sentence of passage t that best matches the answer sentences citing it. */
static void best_span(const char *t, const quire_verify_result *v, int num, size_t *qs, size_t *qe)
{
    size_t tl = strlen(t);
    *qs = 0;
    *qe = tl;
    quire_span *sp = NULL;
    size_t ns = 0;
    if (quire_cite_split(t, tl, &sp, &ns) != QUIRE_OK || ns == 0) {
        free(sp);
        return;
    }
    double best = -1;
    for (size_t i = 0; i < ns; i++) {
        double score = 0;
        for (size_t s = 0; s < v->n_sent; s++) {
            const quire_cited_sentence *cs = &v->sent[s];
            bool cites = false;
            for (size_t k = 0; k < cs->n_cites; k++) cites = cites || cs->cites[k] == num;
            if (!cites || !cs->kept) continue;
            score += quire_cite_overlap(cs->plain, strlen(cs->plain), t + sp[i].start,
                                        sp[i].end - sp[i].start);
        }
        if (score > best) {
            best = score;
            *qs = sp[i].start;
            *qe = sp[i].end;
        }
    }
    free(sp);
}

/* Reasoning models (qwen3, deepseek-r1 via llama-server) may start with a
 * <think>...</think> block: it is not part of the answer. Returns the offset
 * where the answer starts (0 when there is no such block; an unclosed block
 * leaves nothing). */
static size_t skip_think(const char *t, size_t len)
{
    size_t i = 0;
    while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) i++;
    if (len - i < 7 || memcmp(t + i, "<think>", 7) != 0) return 0;
    for (size_t j = i + 7; j + 8 <= len; j++)
        if (!memcmp(t + j, "</think>", 8)) return j + 8;
    return len;
}

static size_t count_tokens_cb(void *user, const char *text, size_t len)
{
    return quire_llm_count_tokens(user, text, len);
}

quire_status quire_answer_generate(quire_llm *llm, const char *question, const quire_hit *hits,
                                   size_t nhits, const quire_generate_opts *opts,
                                   quire_answer **out, quire_error *err)
{
    quire_generate_opts def;
    if (!opts) {
        quire_generate_opts_default(&def);
        opts = &def;
    }
    *out = NULL;
    if (!llm || !question) return quire_error_set(err, QUIRE_ERR_INVALID, "no model or no question");
    quire_answer *a = calloc(1, sizeof *a);
    if (!a) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    quire_status rc = QUIRE_OK;
    quire_prompt prompt;
    memset(&prompt, 0, sizeof prompt);
    quire_verify_result v;
    memset(&v, 0, sizeof v);
    quire_llm_result res;
    memset(&res, 0, sizeof res);
    quire_cite_source *src = NULL;
    quire_llm_message *msgs = NULL;

    a->question = strdup(question);
    a->backend = strdup(quire_llm_name(llm));
    a->model = quire_llm_model(llm)[0] ? strdup(quire_llm_model(llm)) : NULL;
    a->language = strdup(quire_cite_language(question, strlen(question)));
    a->gen = calloc(1, sizeof *a->gen);
    if (!a->question || !a->backend || !a->language || !a->gen) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    quire_answer_gen *g = a->gen;
    g->prompt_tokens = g->completion_tokens = -1;
    g->retrieve_ms = opts->retrieve_ms;
    g->prompt_ms = g->first_token_ms = g->generate_ms = g->verify_ms = -1;
    g->strict = opts->strict;
    g->embedder = opts->similarity != NULL;
    g->context_tokens = opts->context_tokens ? opts->context_tokens : quire_llm_context_size(llm);
    g->answer_tokens = opts->answer_tokens ? opts->answer_tokens : 512;

    /* 1. relevance gate: do not ask a model to answer from nothing */
    if (nhits == 0 || quire_answer_relevance(question, hits, nhits) < opts->llm_min_relevance) {
        rc = refuse(a, "retrieval", NULL, hits, nhits);
        if (rc) quire_error_set(err, rc, "out of memory");
        goto done;
    }

    /* 2. prompt */
    double t0 = now_ms();
    src = calloc(nhits, sizeof *src);
    if (!src) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nhits; i++) {
        src[i].title = hits[i].doc_title;
        src[i].path = hits[i].doc_path ? hits[i].doc_path : hits[i].doc_key;
        src[i].page = hits[i].page_start;
        src[i].section = hits[i].section;
        src[i].text = hits[i].text ? hits[i].text : "";
        src[i].len = strlen(src[i].text);
    }
    size_t history_tokens = 0;
    for (size_t i = 0; i < opts->nhistory; i++)
        history_tokens += quire_llm_count_tokens(llm, opts->history[i].content,
                                                 strlen(opts->history[i].content)) + 8;
    quire_prompt_opts po;
    quire_prompt_opts_default(&po);
    po.context_tokens = g->context_tokens;
    po.answer_tokens = g->answer_tokens;
    po.history_tokens = history_tokens;
    po.count_tokens = count_tokens_cb;
    po.count_user = llm;
    po.language = a->language;
    po.max_sources = opts->max_sources;
    rc = quire_prompt_build(question, src, nhits, &po, &prompt, err);
    if (rc) goto done;
    g->budget_tokens = prompt.budget_tokens;
    g->used_tokens = prompt.used_tokens + history_tokens;
    g->sources_included = prompt.n_included;
    if (prompt.n_omitted) {
        g->omitted = calloc(prompt.n_omitted, sizeof *g->omitted);
        if (!g->omitted) {
            rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < prompt.n_omitted; i++) {
            const quire_hit *h = &hits[prompt.omitted[i]];
            rc = answer_source_from_hit(h, 0, 0, strlen(h->text ? h->text : ""), &g->omitted[i]);
            if (rc) {
                quire_error_set(err, rc, "out of memory");
                goto done;
            }
            g->nomitted++;
        }
    }
    g->prompt_ms = now_ms() - t0;

    /* 3. generate */
    msgs = calloc(opts->nhistory + 2, sizeof *msgs);
    if (!msgs) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t nm = 0;
    msgs[nm++] = (quire_llm_message){QUIRE_ROLE_SYSTEM, prompt.system};
    for (size_t i = 0; i < opts->nhistory; i++) msgs[nm++] = opts->history[i];
    msgs[nm++] = (quire_llm_message){QUIRE_ROLE_USER, prompt.user};
    quire_llm_gen_opts go;
    quire_llm_gen_opts_default(&go);
    go.max_tokens = (int)g->answer_tokens;
    go.temperature = opts->temperature;
    go.on_token = opts->on_token;
    go.user = opts->user;
    rc = quire_llm_chat(llm, msgs, nm, &go, &res, err);
    g->attempts = res.attempts;
    g->first_token_ms = res.first_token_ms;
    g->generate_ms = res.total_ms;
    g->prompt_tokens = res.prompt_tokens;
    g->completion_tokens = res.completion_tokens;
    if (res.finish_reason[0]) g->finish_reason = strdup(res.finish_reason);
    if (res.model[0]) {
        free(a->model);
        a->model = strdup(res.model);
    }
    if (rc) goto done;
    g->raw = strdup(res.text ? res.text : "");
    if (!g->raw) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }

    /* 4. verify against the sources as numbered in the prompt */
    t0 = now_ms();
    quire_cite_source *shown = calloc(prompt.n_included + 1, sizeof *shown);
    if (!shown) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < prompt.n_included; k++) shown[k] = src[prompt.included[k]];
    quire_verify_opts vo;
    quire_verify_opts_default(&vo);
    vo.strict = opts->strict;
    vo.similarity = opts->similarity;
    vo.similarity_user = opts->similarity_user;
    size_t skip = skip_think(res.text, res.len);
    rc = quire_cite_verify(res.text + skip, res.len - skip, shown, prompt.n_included, &vo, &v, err);
    free(shown);
    g->verify_ms = now_ms() - t0;
    if (rc) goto done;
    g->supported = v.n_supported;
    g->unsupported = v.n_unsupported;
    g->uncited = v.n_uncited;
    g->bad_citations = v.n_bad_cites;
    g->dropped = v.n_dropped;

    if (v.refusal || v.n_sent == 0) {
        rc = refuse(a, "model", v.refusal ? v.answer : NULL, hits, nhits);
        if (rc) quire_error_set(err, rc, "out of memory");
        goto done;
    }
    size_t kept = 0;
    for (size_t i = 0; i < v.n_sent; i++) kept += v.sent[i].kept;
    if (kept == 0) {
        rc = refuse(a, "verification", NULL, hits, nhits);
        if (rc) quire_error_set(err, rc, "out of memory");
        goto done;
    }

    /* 5. the answer: kept sentences, and the sources they cite (numbers as in the prompt) */
    a->text = strdup(v.answer);
    a->sentences = calloc(kept, sizeof *a->sentences);
    a->sources = calloc(prompt.n_included + 1, sizeof *a->sources);
    if (!a->text || !a->sentences || !a->sources) {
        rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < v.n_sent; i++) {
        const quire_cited_sentence *cs = &v.sent[i];
        if (!cs->kept) continue;
        quire_answer_sentence *as = &a->sentences[a->nsentences++];
        as->text = strdup(cs->plain);
        as->citations = calloc(cs->n_cites + 1, sizeof *as->citations);
        if (!as->text || !as->citations) {
            rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            goto done;
        }
        memcpy(as->citations, cs->cites, cs->n_cites * sizeof *cs->cites);
        as->ncitations = cs->n_cites;
        as->support = cs->support;
        as->status = quire_support_name(cs->status);
    }
    for (size_t k = 0; k < prompt.n_included; k++) {
        int num = (int)k + 1;
        bool cited = false;
        for (size_t s = 0; s < a->nsentences && !cited; s++)
            for (size_t c = 0; c < a->sentences[s].ncitations; c++)
                cited = cited || a->sentences[s].citations[c] == num;
        if (!cited) continue;
        const quire_hit *h = &hits[prompt.included[k]];
        size_t qs, qe;
        best_span(h->text ? h->text : "", &v, num, &qs, &qe);
        rc = answer_source_from_hit(h, num, qs, qe, &a->sources[a->nsources]);
        if (rc) {
            quire_error_set(err, rc, "out of memory");
            goto done;
        }
        a->nsources++;
    }

done:
    quire_verify_free(&v);
    quire_llm_result_free(&res);
    quire_prompt_free(&prompt);
    free(src);
    free(msgs);
    if (rc) {
        quire_answer_free(a);
        return rc;
    }
    *out = a;
    return QUIRE_OK;
}

quire_status quire_answer_auto(quire_llm *llm, const char *question, const quire_hit *hits,
                               size_t nhits, const quire_generate_opts *opts, quire_answer **out,
                               quire_error *err)
{
    quire_generate_opts def;
    if (!opts) {
        quire_generate_opts_default(&def);
        opts = &def;
    }
    if (llm) return quire_answer_generate(llm, question, hits, nhits, opts, out, err);
    quire_extractive_opts eo;
    quire_extractive_opts_default(&eo);
    bool relevant = nhits && quire_answer_relevance(question, hits, nhits) >= opts->min_relevance;
    /* Below the gate, a coverage no sentence can reach makes the extractive
     * backend refuse and list the closest passages. */
    eo.min_coverage = relevant ? opts->extractive_min_coverage : 2.0;
    return quire_answer_extractive(question, hits, nhits, &eo, out, err);
}
