/* Search latency over ~100k chunks: BM25 top-10, p50/p99.
 *
 * Builds a notebook in a temporary folder from BEIR SciFact (../shared/eval/
 * scifact/corpus.jsonl): the 5,183 abstracts and 19 perturbed copies of each
 * (every copy drops a different 1/11th of the words, so the copies are not
 * identical and posting lists grow as in a real 100k-chunk collection), then
 * times the SciFact train queries through quire_retrieve() (quire's default
 * ranking, top 10) and, as the reference in the same run, the same words
 * through SQLite's stock FTS5 (porter tokenizer, bm25()) over the same chunks.
 *
 * Output: one line per system, `name iterations ns/op p50_ms p99_ms`, and the
 * ratio of the p50s. quire is timed twice: cold (word counts looked up in
 * the index on first use) and warm (the same queries again, counts cached). Usage: bench_search [COPIES] [MAX_QUERIES]
 * With QUIRE_BENCH_DB=FILE the notebook is kept in FILE and reused when it
 * exists (to time queries again without rebuilding).
 */
#include "quire/eval.h"
#include "quire/index.h"
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "util/fileio.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Copy c of text: drop the words whose index i has (i * 7 + c) % 11 == 0. */
static void perturb(const char *text, int c, char *dst, size_t cap)
{
    size_t o = 0, i = 0, word = 0;
    size_t n = strlen(text);
    while (i < n && o + 1 < cap) {
        size_t s = i;
        while (i < n && text[i] != ' ') i++;
        bool drop = c > 0 && (word * 7 + (size_t)c) % 11 == 0;
        if (!drop && o + (i - s) + 2 < cap) {
            if (o) dst[o++] = ' ';
            memcpy(dst + o, text + s, i - s);
            o += i - s;
        }
        word++;
        while (i < n && text[i] == ' ') i++;
    }
    dst[o] = '\0';
}

static int build_corpus(const char *corpus, const char *out, int copies)
{
    char *data = NULL;
    size_t len = 0;
    quire_error err;
    if (file_read_all(corpus, 1u << 30, &data, &len, &err)) {
        fprintf(stderr, "bench_search: %s\n", quire_error_message(&err));
        return -1;
    }
    FILE *f = fopen(out, "w");
    if (!f) {
        free(data);
        return -1;
    }
    size_t cap = 1 << 20;
    char *tmp = malloc(cap);
    for (int c = 0; c < copies && tmp; c++) {
        size_t i = 0;
        while (i < len) {
            char *nl = memchr(data + i, '\n', len - i);
            size_t e = nl ? (size_t)(nl - data) : len;
            cJSON *o = cJSON_ParseWithLength(data + i, e - i);
            i = e + 1;
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "_id");
            const cJSON *title = cJSON_GetObjectItemCaseSensitive(o, "title");
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
            if (cJSON_IsString(id) && cJSON_IsString(text)) {
                perturb(text->valuestring, c, tmp, cap);
                cJSON *r = cJSON_CreateObject();
                char key[64];
                snprintf(key, sizeof key, "%s~%d", id->valuestring, c);
                cJSON_AddStringToObject(r, "_id", key);
                cJSON_AddStringToObject(r, "title", cJSON_IsString(title) ? title->valuestring : "");
                cJSON_AddStringToObject(r, "text", tmp);
                char *line = cJSON_PrintUnformatted(r);
                if (line) fprintf(f, "%s\n", line);
                free(line);
                cJSON_Delete(r);
            }
            cJSON_Delete(o);
        }
    }
    free(tmp);
    free(data);
    return fclose(f);
}

typedef struct stats {
    double p50, p99, mean;
} stats;

static stats summarize(double *t, size_t n)
{
    stats s = {0, 0, 0};
    if (!n) return s;
    qsort(t, n, sizeof *t, cmp_double);
    for (size_t i = 0; i < n; i++) s.mean += t[i];
    s.mean /= (double)n;
    s.p50 = t[n / 2];
    s.p99 = t[(size_t)((double)(n - 1) * 0.99)];
    return s;
}

int main(int argc, char **argv)
{
    int copies = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20;
    size_t maxq = argc > 2 ? (size_t)strtol(argv[2], NULL, 10) : 400;
    if (copies < 1) copies = 1;
    const char *shared = getenv("QUIRE_SHARED");
    char corpus[1024], queries[1024];
    snprintf(corpus, sizeof corpus, "%s/eval/scifact/corpus.jsonl", shared ? shared : "../shared");
    snprintf(queries, sizeof queries, "%s/eval/scifact/queries-train.jsonl", shared ? shared : "../shared");
    if (access(corpus, R_OK) != 0 || access(queries, R_OK) != 0) {
        fprintf(stderr, "SKIP: %s not found (set QUIRE_SHARED)\n", corpus);
        return 77;
    }
    char dir[] = "/tmp/quire-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char jsonl[1100], db[1100];
    snprintf(jsonl, sizeof jsonl, "%s/corpus.jsonl", dir);
    snprintf(db, sizeof db, "%s/bench.db", dir);
    const char *keep = getenv("QUIRE_BENCH_DB");
    bool reuse = keep && *keep && access(keep, R_OK) == 0;
    if (keep && *keep) snprintf(db, sizeof db, "%s", keep);
    quire_index *idx = NULL;
    quire_error err;
    if (reuse) goto timed;
    if (build_corpus(corpus, jsonl, copies)) return 1;
    if (quire_index_open(db, QUIRE_INDEX_CREATE, &idx, &err)) {
        fprintf(stderr, "bench_search: %s\n", quire_error_message(&err));
        return 1;
    }
    quire_add_opts ao;
    quire_add_opts_default(&ao);
    quire_add_summary sum;
    int64_t ndocs = 0, nchunks = 0;
    double t0 = now_ms();
    const char *paths[1] = {jsonl};
    if (quire_add_paths(idx, paths, 1, &ao, &sum, &err)) {
        fprintf(stderr, "bench_search: %s\n", quire_error_message(&err));
        return 1;
    }
    quire_index_counts(idx, &ndocs, &nchunks);
    fprintf(stderr, "indexed %lld documents, %lld chunks in %.1f s\n", (long long)ndocs, (long long)nchunks,
            (now_ms() - t0) / 1e3);
    quire_index_close(idx);
timed:
    if (quire_index_open(db, QUIRE_INDEX_READONLY, &idx, &err)) {
        fprintf(stderr, "bench_search: %s\n", quire_error_message(&err));
        return 1;
    }
    quire_index_counts(idx, &ndocs, &nchunks);

    char *qbuf = NULL;
    size_t qlen = 0;
    quire_queries *qs = NULL;
    if (file_read_all(queries, 1u << 26, &qbuf, &qlen, &err) || quire_queries_parse(qbuf, qlen, &qs, &err)) {
        fprintf(stderr, "bench_search: %s\n", quire_error_message(&err));
        return 1;
    }
    free(qbuf);
    size_t nq = qs->n < maxq ? qs->n : maxq;
    double *tq = calloc(nq, sizeof *tq), *tp = calloc(nq, sizeof *tp);
    quire_retrieve_opts ro;
    quire_retrieve_opts_default(&ro);
    ro.k = 10;
    quire_query_opts plain;
    quire_query_opts_default(&plain);
    plain.plain = true;
    /* warm the page cache and build the reference table outside the timings */
    for (size_t i = 0; i < nq && i < 20; i++) {
        quire_hit *h = NULL;
        size_t n = 0;
        quire_retrieve(idx, qs->q[i].text, &ro, &h, &n, &err);
        quire_hits_free(h, n);
    }
    {
        quire_hit *h = NULL;
        size_t n = 0;
        quire_index_search_porter(idx, "\"warmup\"", 10, &h, &n);
        quire_hits_free(h, n);
    }
    for (size_t i = 0; i < nq; i++) {
        quire_hit *h = NULL;
        size_t n = 0;
        double a = now_ms();
        quire_retrieve(idx, qs->q[i].text, &ro, &h, &n, &err);
        tq[i] = now_ms() - a;
        quire_hits_free(h, n);
        char *match = NULL;
        a = now_ms();
        if (quire_query_build_ex(qs->q[i].text, strlen(qs->q[i].text), &plain, &match) == QUIRE_OK && match) {
            quire_index_search_porter(idx, match, 10, &h, &n);
            quire_hits_free(h, n);
        }
        tp[i] = now_ms() - a;
        free(match);
    }
    stats sq = summarize(tq, nq), sp = summarize(tp, nq);
    /* the same queries again: word counts are now cached on the handle (a
     * long-running server's steady state) */
    double *tw = calloc(nq, sizeof *tw);
    for (size_t i = 0; tw && i < nq; i++) {
        quire_hit *h = NULL;
        size_t n = 0;
        double a = now_ms();
        quire_retrieve(idx, qs->q[i].text, &ro, &h, &n, &err);
        tw[i] = now_ms() - a;
        quire_hits_free(h, n);
    }
    stats sw = summarize(tw, tw ? nq : 0);
    free(tw);
    printf("search_quire_top10 %zu %.0f p50=%.2fms p99=%.2fms chunks=%lld\n", nq, sq.mean * 1e6, sq.p50, sq.p99,
           (long long)nchunks);
    printf("search_quire_top10_warm %zu %.0f p50=%.2fms p99=%.2fms\n", nq, sw.mean * 1e6, sw.p50, sw.p99);
    printf("search_fts5_porter_top10 %zu %.0f p50=%.2fms p99=%.2fms\n", nq, sp.mean * 1e6, sp.p50, sp.p99);
    printf("ratio quire/fts5 p50 %.2f\n", sp.p50 > 0 ? sq.p50 / sp.p50 : 0);
    free(tq);
    free(tp);
    quire_queries_free(qs);
    quire_index_close(idx);
    if (!(keep && *keep)) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "%s/bench.db", dir);
        unlink(cmd);
        snprintf(cmd, sizeof cmd, "%s/bench.db-wal", dir);
        unlink(cmd);
        snprintf(cmd, sizeof cmd, "%s/bench.db-shm", dir);
        unlink(cmd);
    }
    unlink(jsonl);
    rmdir(dir);
    return 0;
}
