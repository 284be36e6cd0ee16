/* JSONL records: one document per line, `{"_id"|"id": ..., "title": ...,
 * "text": ..., "url": ...}` (BEIR corpus layout). The record id is the
 * document key, so search and eval output name records by their id.
 *
 * Lines are parsed one at a time (each capped at 16 MiB); a bad line is
 * counted as failed with its line number and the rest go on. A record whose
 * line hash is already indexed is unchanged. */
#include "ingest/pipeline_internal.h"

#include "util/fileio.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORD_BYTES ((size_t)16 << 20)

/* The record's id as a string into out: "_id" or "id", string or integer. */
static bool record_id(const cJSON *obj, char *out, size_t size)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "_id");
    if (!id) id = cJSON_GetObjectItemCaseSensitive(obj, "id");
    if (cJSON_IsString(id) && id->valuestring[0]) {
        snprintf(out, size, "%s", id->valuestring);
        return strlen(id->valuestring) < size;
    }
    if (cJSON_IsNumber(id)) {
        snprintf(out, size, "%.0f", id->valuedouble);
        return true;
    }
    return false;
}

static const char *string_field(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Build the document of one record: the title as a heading, then the text's
 * paragraphs (blank-line separated). */
static quire_status record_doc(const char *title, const char *text, const quire_add_opts *opts,
                               quire_doc **out)
{
    quire_doc *doc = quire_doc_new("record");
    if (!doc) return QUIRE_ERR_NOMEM;
    doc->max_bytes = opts->extract.max_text_bytes;
    quire_status rc = title && *title ? quire_doc_set_meta(doc, "title", title) : QUIRE_OK;
    const char *p = text;
    while (!rc && *p) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        rc = quire_doc_add_block(doc, p, n, NULL);
        p += n;
        while (*p == '\n') p++;
    }
    if (rc) {
        quire_doc_free(doc);
        return rc;
    }
    *out = doc;
    return QUIRE_OK;
}

static void emit(const quire_add_opts *opts, const char *name, quire_add_outcome o, const char *msg,
                 size_t chunks, size_t done, quire_add_summary *sum)
{
    sum->counts[o]++;
    if (!opts->on_event) return;
    quire_add_event ev = {name, o, msg, chunks, 0, done, 0};
    opts->on_event(&ev, opts->ctx);
}

/* One line: parse, compare, extract, write. Per-record problems are
 * reported through emit(); only index failures are returned. */
static quire_status add_line(quire_index *idx, const char *path, const char *line, size_t len,
                             size_t lineno, const quire_add_opts *opts, quire_add_summary *sum)
{
    char name[600], id[256], sha[65], msg[300];
    snprintf(name, sizeof name, "%s:%zu", path, lineno);
    cJSON *obj = cJSON_ParseWithLength(line, len);
    if (!cJSON_IsObject(obj) || !record_id(obj, id, sizeof id)) {
        snprintf(msg, sizeof msg, "not a JSON object with an \"_id\" or \"id\" (at most %zu bytes)", sizeof id - 1);
        cJSON_Delete(obj);
        emit(opts, name, QUIRE_ADD_FAILED, msg, 0, lineno, sum);
        return QUIRE_OK;
    }
    const char *text = string_field(obj, "text");
    const char *title = string_field(obj, "title");
    const char *url = string_field(obj, "url");
    quire_sha256_hex(line, len, sha);

    quire_doc_info old;
    quire_status rc = quire_index_get_doc(idx, id, &old);
    bool existed = rc == QUIRE_OK;
    bool same = existed && old.sha256 && !strcmp(old.sha256, sha) && !opts->force;
    if (existed) quire_doc_info_clear(&old);
    else if (rc != QUIRE_ERR_NOT_FOUND) {
        cJSON_Delete(obj);
        return rc;
    }
    if (same) {
        cJSON_Delete(obj);
        emit(opts, id, QUIRE_ADD_UNCHANGED, NULL, 0, lineno, sum);
        return QUIRE_OK;
    }

    quire_doc *doc = NULL;
    quire_chunk *chunks = NULL;
    size_t n = 0;
    rc = record_doc(title, text ? text : "", opts, &doc);
    if (!rc) rc = quire_chunk_doc(doc, &opts->chunk, &chunks, &n, NULL);
    if (!rc && n == 0 && title && *title) {
        /* A record with only a title is still findable by it. */
        quire_block_info info = {QUIRE_SEG_TITLE, 0, NULL};
        rc = quire_doc_add_block(doc, title, strlen(title), &info);
        free(chunks);
        chunks = NULL;
        if (!rc) rc = quire_chunk_doc(doc, &opts->chunk, &chunks, &n, NULL);
    }
    quire_status index_rc = QUIRE_OK;
    if (rc || n == 0) {
        emit(opts, id, QUIRE_ADD_FAILED, rc ? quire_strerror(rc) : "record has no text", 0, lineno, sum);
    } else {
        quire_doc_info info = {0};
        info.key = id;
        info.path = (char *)(url ? url : path);
        info.format = "record";
        info.sha256 = sha;
        index_rc = quire_index_put_doc(idx, &info, doc, chunks, n);
        if (!index_rc) emit(opts, id, existed ? QUIRE_ADD_UPDATED : QUIRE_ADD_ADDED, NULL, n, lineno, sum);
    }
    free(chunks);
    quire_doc_free(doc);
    cJSON_Delete(obj);
    return index_rc;
}

quire_status pipeline_add_jsonl(quire_index *idx, const char *path, const quire_add_opts *opts,
                                quire_add_summary *sum, quire_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return quire_error_set(err, QUIRE_ERR_IO, "%s: cannot open", path);
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    quire_status rc = QUIRE_OK;
    while (!rc && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        if (!len) continue;
        if (len > MAX_RECORD_BYTES) {
            char name[600];
            snprintf(name, sizeof name, "%s:%zu", path, lineno);
            emit(opts, name, QUIRE_ADD_FAILED, "record larger than 16 MiB", 0, lineno, sum);
            continue;
        }
        rc = add_line(idx, path, line, len, lineno, opts, sum);
        if (rc) quire_error_set(err, rc, "%s:%zu: %s", path, lineno, quire_index_errmsg(idx));
    }
    free(line);
    fclose(f);
    return rc;
}
