/* JSONL records: one document per line (see quire_add_jsonl in
 * include/quire/pipeline.h).
 *
 * Record layout (other keys ignored):
 *   {"_id" | "id": string or integer,   the document key (required)
 *    "title": string,                   optional
 *    "text": string,                    the body; blank lines separate paragraphs
 *    "url": string}                     optional; stored as the document path
 * A record without text but with a title is indexed from its title. Lines are
 * at most QUIRE_JSONL_LINE_MAX bytes. A record whose line is byte-identical to
 * the indexed one (same sha256) is left alone.
 */
#include "quire/pipeline.h"
#include "util/fileio.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BATCH_RECORDS 500

static void emit(const quire_add_opts *opts, const char *key, quire_add_outcome outcome, const char *msg,
                 size_t chunks, size_t done, quire_add_summary *sum)
{
    sum->counts[outcome]++;
    if (!opts->on_event) return;
    quire_add_event ev = {key, outcome, msg, chunks, 0, done, 0};
    opts->on_event(&ev, opts->ctx);
}

/* Build the doc of one record: title and paragraphs of text. */
static quire_status record_doc(const char *title, const char *text, quire_doc **out)
{
    quire_doc *doc = quire_doc_new("jsonl");
    if (!doc) return QUIRE_ERR_NOMEM;
    quire_status rc = QUIRE_OK;
    if (title && *title) rc = quire_doc_set_meta(doc, "title", title);
    const char *body = text && *text ? text : title ? title : "";
    const char *p = body;
    quire_block_info info = {0, 0, NULL};
    while (!rc && *p) {
        /* a paragraph ends at a blank line */
        const char *e = p;
        while (*e && !(e[0] == '\n' && (e[1] == '\n' || (e[1] == '\r' && e[2] == '\n')))) e++;
        rc = quire_doc_add_block(doc, p, (size_t)(e - p), &info);
        while (*e == '\n' || *e == '\r') e++;
        p = e;
    }
    if (rc) {
        quire_doc_free(doc);
        return rc;
    }
    *out = doc;
    return QUIRE_OK;
}

/* Index one record line. Returns non-OK only for failures of the index itself. */
static quire_status add_record(quire_index *idx, const char *path, const char *line, size_t len, size_t lineno,
                               const quire_add_opts *opts, quire_add_summary *sum)
{
    char where[64];
    snprintf(where, sizeof where, "line %zu", lineno);
    if (memchr(line, '\0', len)) {
        emit(opts, where, QUIRE_ADD_FAILED, "NUL byte in record", 0, lineno, sum);
        return QUIRE_OK;
    }
    cJSON *o = cJSON_ParseWithLength(line, len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        emit(opts, where, QUIRE_ADD_FAILED, "not a JSON object", 0, lineno, sum);
        return QUIRE_OK;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "_id");
    if (!id) id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(o, "title");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(o, "url");
    char idbuf[32];
    const char *key = NULL;
    if (cJSON_IsString(id) && id->valuestring[0]) key = id->valuestring;
    else if (cJSON_IsNumber(id) && id->valuedouble == floor(id->valuedouble) && fabs(id->valuedouble) < 1e15) {
        snprintf(idbuf, sizeof idbuf, "%.0f", id->valuedouble);
        key = idbuf;
    }
    const char *ts = cJSON_IsString(title) ? title->valuestring : NULL;
    const char *xs = cJSON_IsString(text) ? text->valuestring : NULL;
    if (!key || (!(ts && *ts) && !(xs && *xs))) {
        cJSON_Delete(o);
        emit(opts, where, QUIRE_ADD_FAILED, key ? "record has no text nor title" : "record has no \"_id\" or \"id\"",
             0, lineno, sum);
        return QUIRE_OK;
    }
    char sha[65];
    quire_sha256_hex(line, len, sha);
    quire_doc_info old = {0};
    bool existed = quire_index_get_doc(idx, key, &old) == QUIRE_OK;
    bool same = existed && !opts->force && old.sha256 && strcmp(old.sha256, sha) == 0 &&
                old.status && strcmp(old.status, "indexed") == 0;
    quire_doc_info_clear(&old);
    if (same) {
        emit(opts, key, QUIRE_ADD_UNCHANGED, NULL, 0, lineno, sum);
        cJSON_Delete(o);
        return QUIRE_OK;
    }
    quire_doc *doc = NULL;
    quire_chunk *chunks = NULL;
    size_t nchunks = 0;
    quire_error err;
    quire_error_clear(&err);
    quire_status rc = record_doc(ts, xs, &doc);
    if (!rc) rc = quire_chunk_doc(doc, &opts->chunk, &chunks, &nchunks, &err);
    quire_doc_info info = {0};
    info.key = (char *)key;
    info.path = cJSON_IsString(url) && url->valuestring[0] ? url->valuestring : (char *)path;
    info.format = (char *)"jsonl";
    info.sha256 = sha;
    info.size = (int64_t)len;
    if (!rc && nchunks == 0) rc = quire_error_set(&err, QUIRE_ERR_NO_TEXT, "no text found");
    if (rc == QUIRE_ERR_NOMEM) {
        quire_doc_free(doc);
        free(chunks);
        cJSON_Delete(o);
        return rc;
    }
    quire_status irc = QUIRE_OK;
    if (rc) {
        irc = quire_index_put_failure(idx, &info, quire_error_message(&err));
        if (!irc) emit(opts, key, QUIRE_ADD_FAILED, quire_error_message(&err), 0, lineno, sum);
    } else {
        irc = quire_index_put_doc(idx, &info, doc, chunks, nchunks);
        if (!irc) emit(opts, key, existed ? QUIRE_ADD_UPDATED : QUIRE_ADD_ADDED, NULL, nchunks, lineno, sum);
    }
    quire_doc_free(doc);
    free(chunks);
    cJSON_Delete(o);
    return irc;
}

quire_status quire_add_jsonl(quire_index *idx, const char *path, const quire_add_opts *opts,
                             quire_add_summary *sum, quire_error *err)
{
    quire_add_opts def;
    if (!opts) {
        quire_add_opts_default(&def);
        opts = &def;
    }
    memset(sum, 0, sizeof *sum);
    char *data = NULL;
    size_t len = 0;
    quire_status rc = file_read_all(path, opts->extract.max_file_bytes, &data, &len, err);
    if (rc) return rc;
    size_t i = 0, lineno = 0, in_batch = 0;
    rc = quire_index_begin(idx);
    while (!rc && i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - data) : len;
        const char *line = data + i;
        size_t ll = e - i;
        i = e + 1;
        lineno++;
        while (ll && (line[ll - 1] == '\r' || line[ll - 1] == ' ' || line[ll - 1] == '\t')) ll--;
        if (ll == 0) continue;
        if (ll > QUIRE_JSONL_LINE_MAX) {
            char where[64];
            snprintf(where, sizeof where, "line %zu", lineno);
            emit(opts, where, QUIRE_ADD_FAILED, "record longer than the line limit", 0, lineno, sum);
            continue;
        }
        rc = add_record(idx, path, line, ll, lineno, opts, sum);
        if (!rc && ++in_batch >= BATCH_RECORDS) {
            rc = quire_index_commit(idx);
            if (!rc) rc = quire_index_begin(idx);
            in_batch = 0;
        }
    }
    if (!rc) rc = quire_index_commit(idx);
    else quire_index_rollback(idx);
    free(data);
    if (rc) return quire_error_set(err, rc, "%s: %s", path, quire_index_errmsg(idx));
    return QUIRE_OK;
}
