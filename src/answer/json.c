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
        cJSON_AddItemToArray(sentences, o);
    }
    cJSON *sources = cJSON_AddArrayToObject(root, "sources");
    for (size_t i = 0; i < a->nsources; i++) cJSON_AddItemToArray(sources, source_json(&a->sources[i], true));
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
