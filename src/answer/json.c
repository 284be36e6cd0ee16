/* JSON renderings of answers and search results (schemas in
 * include/quire/answer.h), on cJSON. */
#include "quire/answer.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *doc_json(const quire_hit *h)
{
    cJSON *d = cJSON_CreateObject();
    if (!d) return NULL;
    cJSON_AddItemToObject(d, "key", str_or_null(h->doc_key));
    cJSON_AddItemToObject(d, "path", str_or_null(h->doc_path));
    cJSON_AddItemToObject(d, "title", str_or_null(h->doc_title));
    return d;
}

/* Fields shared by search results and answer sources. */
static void add_location(cJSON *o, const quire_hit *h, int64_t span_start, int64_t span_end)
{
    char id[64];
    quire_hit_cite_key(h, id, sizeof id);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddItemToObject(o, "doc", doc_json(h));
    if (h->page_start > 0) cJSON_AddNumberToObject(o, "page", h->page_start);
    else cJSON_AddNullToObject(o, "page");
    cJSON_AddItemToObject(o, "page_label", str_or_null(h->page_label));
    cJSON_AddItemToObject(o, "section", str_or_null(h->section));
    cJSON_AddItemToObject(o, "anchor", str_or_null(h->anchor));
    cJSON *span = cJSON_CreateArray();
    cJSON_AddItemToArray(span, cJSON_CreateNumber((double)span_start));
    cJSON_AddItemToArray(span, cJSON_CreateNumber((double)span_end));
    cJSON_AddItemToObject(o, "span", span);
}

static char *render(cJSON *root, bool pretty)
{
    char *s = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static cJSON *source_json(const quire_answer_source *s, bool numbered)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    if (numbered) cJSON_AddNumberToObject(o, "n", s->n);
    add_location(o, &s->hit, s->span_start, s->span_end);
    cJSON_AddItemToObject(o, "quote", str_or_null(s->quote));
    return o;
}

static cJSON *ms_or_null(double ms)
{
    return ms >= 0 ? cJSON_CreateNumber((double)(long long)(ms * 10 + 0.5) / 10) : cJSON_CreateNull();
}

static cJSON *gen_json(const quire_answer_gen *g)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "finish_reason", str_or_null(g->finish_reason));
    cJSON_AddNumberToObject(o, "attempts", g->attempts);
    cJSON *tok = cJSON_AddObjectToObject(o, "tokens");
    if (g->prompt_tokens >= 0) cJSON_AddNumberToObject(tok, "prompt", (double)g->prompt_tokens);
    else cJSON_AddNullToObject(tok, "prompt");
    if (g->completion_tokens >= 0) cJSON_AddNumberToObject(tok, "completion", (double)g->completion_tokens);
    else cJSON_AddNullToObject(tok, "completion");
    cJSON *ctx = cJSON_AddObjectToObject(o, "context");
    cJSON_AddNumberToObject(ctx, "window", (double)g->context_tokens);
    cJSON_AddNumberToObject(ctx, "budget", (double)g->budget_tokens);
    cJSON_AddNumberToObject(ctx, "used", (double)g->used_tokens);
    cJSON_AddNumberToObject(ctx, "answer_reserved", (double)g->answer_tokens);
    cJSON_AddNumberToObject(ctx, "sources_included", (double)g->sources_included);
    cJSON *om = cJSON_AddArrayToObject(ctx, "sources_omitted");
    for (size_t i = 0; i < g->nomitted; i++) cJSON_AddItemToArray(om, source_json(&g->omitted[i], false));
    cJSON *t = cJSON_AddObjectToObject(o, "timings_ms");
    cJSON_AddItemToObject(t, "retrieve", ms_or_null(g->retrieve_ms));
    cJSON_AddItemToObject(t, "prompt", ms_or_null(g->prompt_ms));
    cJSON_AddItemToObject(t, "first_token", ms_or_null(g->first_token_ms));
    cJSON_AddItemToObject(t, "generate", ms_or_null(g->generate_ms));
    cJSON_AddItemToObject(t, "verify", ms_or_null(g->verify_ms));
    cJSON *v = cJSON_AddObjectToObject(o, "verification");
    cJSON_AddBoolToObject(v, "strict", g->strict);
    cJSON_AddBoolToObject(v, "embedder", g->embedder);
    cJSON_AddNumberToObject(v, "supported", (double)g->supported);
    cJSON_AddNumberToObject(v, "unsupported", (double)g->unsupported);
    cJSON_AddNumberToObject(v, "uncited", (double)g->uncited);
    cJSON_AddNumberToObject(v, "bad_citations", (double)g->bad_citations);
    cJSON_AddNumberToObject(v, "dropped", (double)g->dropped);
    cJSON_AddItemToObject(o, "refusal", str_or_null(g->refusal));
    cJSON_AddItemToObject(o, "raw", str_or_null(g->raw));
    return o;
}

char *quire_answer_to_json(const quire_answer *a, bool pretty)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddItemToObject(root, "question", str_or_null(a->question));
    cJSON_AddItemToObject(root, "answer", str_or_null(a->text));
    cJSON_AddBoolToObject(root, "refused", a->refused);
    cJSON_AddItemToObject(root, "backend", str_or_null(a->backend));
    cJSON_AddItemToObject(root, "model", str_or_null(a->model));
    cJSON_AddItemToObject(root, "language", str_or_null(a->language));
    cJSON *sentences = cJSON_AddArrayToObject(root, "sentences");
    for (size_t i = 0; i < a->nsentences; i++) {
        const quire_answer_sentence *s = &a->sentences[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "text", str_or_null(s->text));
        cJSON *cites = cJSON_AddArrayToObject(o, "citations");
        for (size_t c = 0; c < s->ncitations; c++) cJSON_AddItemToArray(cites, cJSON_CreateNumber(s->citations[c]));
        cJSON_AddNumberToObject(o, "support", s->support);
        if (s->status) cJSON_AddStringToObject(o, "status", s->status);
        cJSON_AddItemToArray(sentences, o);
    }
    cJSON *sources = cJSON_AddArrayToObject(root, "sources");
    for (size_t i = 0; i < a->nsources; i++) cJSON_AddItemToArray(sources, source_json(&a->sources[i], true));
    if (a->gen) cJSON_AddItemToObject(root, "generation", gen_json(a->gen));
    if (a->refused) {
        cJSON *closest = cJSON_AddArrayToObject(root, "closest");
        for (size_t i = 0; i < a->nclosest; i++) cJSON_AddItemToArray(closest, source_json(&a->closest[i], false));
    }
    return render(root, pretty);
}

char *quire_hits_to_json(const char *query, const quire_hit *hits, size_t n, bool pretty)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddItemToObject(root, "query", str_or_null(query));
    cJSON *results = cJSON_AddArrayToObject(root, "results");
    for (size_t i = 0; i < n; i++) {
        const quire_hit *h = &hits[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "rank", (double)(i + 1));
        cJSON_AddNumberToObject(o, "score", h->score);
        add_location(o, h, h->char_start, h->char_end);
        cJSON_AddItemToObject(o, "text", str_or_null(h->text));
        cJSON_AddItemToArray(results, o);
    }
    return render(root, pretty);
}
