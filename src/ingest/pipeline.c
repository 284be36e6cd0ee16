/* The `quire add` pipeline (see include/quire/pipeline.h).
 *
 * Threads: the calling thread walks the paths and decides, from the index,
 * which files need work (stat: size+mtime). Worker threads take jobs in
 * order, read the file, hash it and, when the hash differs from the indexed
 * one, extract and chunk it. The calling thread consumes results in job
 * order and writes them: the index has exactly one writer and output order
 * is deterministic. Workers stay at most `window` jobs ahead of the writer
 * so memory stays bounded.
 */
#include "ingest/pipeline_internal.h"

#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void quire_add_opts_default(quire_add_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    quire_extract_opts_default(&opts->extract);
    quire_chunk_opts_default(&opts->chunk);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    opts->threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
    opts->max_files = 1000000;
}

void quire_sha256_hex(const void *data, size_t len, char out[65])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, data, (gssize)len);
    snprintf(out, 65, "%s", g_checksum_get_string(c));
    g_checksum_free(c);
}

/* ---- walking ---- */

typedef struct job {
    char *path;             /* canonical absolute path: the document key */
    const char *format;     /* static string */
    int64_t size, mtime;
    char *old_sha;          /* sha256 in the index, NULL if new */
    bool existed;
    /* results, filled by a worker */
    bool done;
    quire_add_outcome outcome;
    char sha[65];
    quire_doc *doc;
    quire_chunk *chunks;
    size_t nchunks;
    quire_error err;
} job;

typedef struct job_list {
    job *j;
    size_t n, alloc, max;
} job_list;

static quire_status add_job(job_list *l, const char *path, const char *format, const struct stat *st,
                            quire_error *err)
{
    if (l->n >= l->max)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "more than %zu files to ingest", l->max);
    if (l->n == l->alloc) {
        size_t na = l->alloc ? l->alloc * 2 : 64;
        job *p = realloc(l->j, na * sizeof *p);
        if (!p) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
        l->j = p;
        l->alloc = na;
    }
    job *j = &l->j[l->n];
    memset(j, 0, sizeof *j);
    if (!(j->path = strdup(path))) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    j->format = format;
    j->size = st->st_size;
    j->mtime = st->st_mtime;
    l->n++;
    return QUIRE_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk dir recursively in name order; skip hidden entries and symlinked dirs. */
static quire_status walk_dir(const char *dir, job_list *jobs, int depth, quire_error *err)
{
    if (depth > 64) return QUIRE_OK;
    DIR *d = opendir(dir);
    if (!d) return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, alloc = 0;
    quire_status rc = QUIRE_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            char **p = realloc(names, alloc * sizeof *p);
            if (!p) { rc = QUIRE_ERR_NOMEM; break; }
            names = p;
        }
        if (!(names[n] = strdup(e->d_name))) { rc = QUIRE_ERR_NOMEM; break; }
        n++;
    }
    closedir(d);
    if (!rc) qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && !rc; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) continue;
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(path, jobs, depth + 1, err);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) continue;
            const char *fmt = quire_format_for_path(path);
            if (fmt && strcmp(fmt, "jsonl") != 0) rc = add_job(jobs, path, fmt, &st, err);
        }
    }
    if (rc == QUIRE_ERR_NOMEM) quire_error_set(err, rc, "out of memory");
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* ---- workers ---- */

typedef struct pool {
    job_list *jobs;
    const quire_add_opts *opts;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* signalled when a job completes or the writer advances */
    size_t next;            /* next job to take */
    size_t consumed;        /* jobs the writer has finished */
    size_t window;
} pool;

static void process(job *j, const quire_add_opts *opts)
{
    char *data = NULL;
    size_t len = 0;
    quire_status rc = file_read_all(j->path, opts->extract.max_file_bytes, &data, &len, &j->err);
    if (rc) {
        j->outcome = QUIRE_ADD_FAILED;
        return;
    }
    quire_sha256_hex(data, len, j->sha);
    if (!opts->force && j->old_sha && !strcmp(j->old_sha, j->sha)) {
        j->outcome = QUIRE_ADD_UNCHANGED;
        free(data);
        return;
    }
    rc = quire_extract(j->format, j->path, data, len, &opts->extract, &j->doc, &j->err);
    free(data);
    if (!rc) rc = quire_chunk_doc(j->doc, &opts->chunk, &j->chunks, &j->nchunks, &j->err);
    if (!rc && j->nchunks == 0)
        rc = quire_error_set(&j->err, QUIRE_ERR_NO_TEXT, "no text found");
    if (rc) {
        j->outcome = QUIRE_ADD_FAILED;
        return;
    }
    j->outcome = j->existed ? QUIRE_ADD_UPDATED : QUIRE_ADD_ADDED;
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next < p->jobs->n && p->next >= p->consumed + p->window) pthread_cond_wait(&p->cv, &p->mu);
        if (p->next >= p->jobs->n) break;
        job *j = &p->jobs->j[p->next++];
        if (j->done) continue; /* decided from size+mtime before the workers started */
        pthread_mutex_unlock(&p->mu);
        process(j, p->opts);
        pthread_mutex_lock(&p->mu);
        j->done = true;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void job_free_results(job *j)
{
    quire_doc_free(j->doc);
    free(j->chunks);
    j->doc = NULL;
    j->chunks = NULL;
}

static void emit(const quire_add_opts *opts, const char *path, quire_add_outcome outcome,
                 const char *msg, size_t chunks, size_t pages, size_t done, size_t total,
                 quire_add_summary *sum)
{
    sum->counts[outcome]++;
    if (!opts->on_event) return;
    quire_add_event ev = {path, outcome, msg, chunks, pages, done, total};
    opts->on_event(&ev, opts->ctx);
}

/* Write one finished job into the index. */
static quire_status write_job(quire_index *idx, job *j, const quire_add_opts *opts, size_t done,
                              size_t total, quire_add_summary *sum)
{
    quire_doc_info info = {0};
    info.key = j->path;
    info.path = j->path;
    info.format = (char *)j->format;
    info.sha256 = j->sha;
    info.size = j->size;
    info.mtime = j->mtime;
    quire_status rc = QUIRE_OK;
    switch (j->outcome) {
    case QUIRE_ADD_UNCHANGED:
        rc = quire_index_touch_doc(idx, j->path, j->size, j->mtime);
        if (!rc) emit(opts, j->path, QUIRE_ADD_UNCHANGED, NULL, 0, 0, done, total, sum);
        break;
    case QUIRE_ADD_ADDED:
    case QUIRE_ADD_UPDATED:
        rc = quire_index_put_doc(idx, &info, j->doc, j->chunks, j->nchunks);
        if (rc) {
            /* The document is too much for the index (e.g. a constraint); record and go on. */
            char msg[600];
            snprintf(msg, sizeof msg, "%s", quire_index_errmsg(idx));
            rc = quire_index_put_failure(idx, &info, msg);
            if (!rc) emit(opts, j->path, QUIRE_ADD_FAILED, msg, 0, 0, done, total, sum);
        } else {
            emit(opts, j->path, j->outcome, j->doc->warnings, j->nchunks, j->doc->npages, done, total, sum);
        }
        break;
    default:
        rc = quire_index_put_failure(idx, &info, quire_error_message(&j->err));
        if (!rc) emit(opts, j->path, QUIRE_ADD_FAILED, quire_error_message(&j->err), 0, 0, done, total, sum);
        break;
    }
    return rc;
}

/* ---- pruning ---- */

typedef struct prune_ctx {
    const char *dir;
    size_t dirlen;
    char **gone;
    size_t n, alloc;
    bool oom;
} prune_ctx;

static int collect_gone(const quire_doc_info *d, void *arg)
{
    prune_ctx *p = arg;
    if (!d->path || strncmp(d->path, p->dir, p->dirlen) != 0 || d->path[p->dirlen] != '/') return 0;
    struct stat st;
    if (stat(d->path, &st) == 0) return 0;
    if (p->n == p->alloc) {
        size_t na = p->alloc ? p->alloc * 2 : 16;
        char **q = realloc(p->gone, na * sizeof *q);
        if (!q) { p->oom = true; return 1; }
        p->gone = q;
        p->alloc = na;
    }
    if (!(p->gone[p->n] = strdup(d->key))) { p->oom = true; return 1; }
    p->n++;
    return 0;
}

static quire_status prune_dir(quire_index *idx, const char *dir, const quire_add_opts *opts,
                              quire_add_summary *sum, quire_error *err)
{
    prune_ctx p = {dir, strlen(dir), NULL, 0, 0, false};
    quire_status rc = quire_index_list_docs(idx, collect_gone, &p);
    if (!rc && p.oom) rc = QUIRE_ERR_NOMEM;
    for (size_t i = 0; i < p.n && !rc; i++) {
        rc = quire_index_remove_doc(idx, p.gone[i]);
        if (!rc) emit(opts, p.gone[i], QUIRE_ADD_REMOVED, NULL, 0, 0, 0, 0, sum);
    }
    for (size_t i = 0; i < p.n; i++) free(p.gone[i]);
    free(p.gone);
    if (rc) return quire_error_set(err, rc, "prune %s: %s", dir, quire_index_errmsg(idx));
    return QUIRE_OK;
}

/* ---- driver ---- */

quire_status quire_add_paths(quire_index *idx, const char *const *paths, size_t npaths,
                             const quire_add_opts *opts, quire_add_summary *summary, quire_error *err)
{
    quire_add_opts defaults;
    if (!opts) {
        quire_add_opts_default(&defaults);
        opts = &defaults;
    }
    memset(summary, 0, sizeof *summary);
    job_list jobs = {NULL, 0, 0, opts->max_files ? opts->max_files : 1000000};
    char **dirs = calloc(npaths ? npaths : 1, sizeof *dirs);
    char **records = calloc(npaths ? npaths : 1, sizeof *records);
    size_t ndirs = 0, nrecords = 0;
    quire_status rc = dirs && records ? QUIRE_OK : quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");

    for (size_t i = 0; i < npaths && !rc; i++) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(paths[i], real) || stat(real, &st) != 0) {
            rc = quire_error_set(err, QUIRE_ERR_IO, "%s: %s", paths[i], strerror(errno));
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(real, &jobs, 0, err);
            if (!rc && !(dirs[ndirs++] = strdup(real))) rc = QUIRE_ERR_NOMEM;
        } else if (S_ISREG(st.st_mode)) {
            const char *fmt = opts->jsonl ? "jsonl" : quire_format_for_path(real);
            if (fmt && !strcmp(fmt, "jsonl")) {
                if (!(records[nrecords++] = strdup(real))) rc = quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            } else {
                rc = add_job(&jobs, real, fmt ? fmt : "txt", &st, err);
            }
        } else {
            rc = quire_error_set(err, QUIRE_ERR_IO, "%s: not a file or folder", paths[i]);
        }
    }

    /* Decide from size+mtime what needs a worker. */
    size_t todo = 0;
    for (size_t i = 0; i < jobs.n && !rc; i++) {
        job *j = &jobs.j[i];
        quire_doc_info info;
        quire_status r = quire_index_get_doc(idx, j->path, &info);
        if (r == QUIRE_OK) {
            j->existed = info.status && !strcmp(info.status, "indexed");
            if (j->existed && info.sha256) j->old_sha = strdup(info.sha256);
            bool same = j->existed && info.size == j->size && info.mtime == j->mtime && !info.error;
            if (same && !opts->force) {
                j->done = true;
                j->outcome = QUIRE_ADD_UNCHANGED;
                snprintf(j->sha, sizeof j->sha, "%s", info.sha256 ? info.sha256 : "");
            }
            quire_doc_info_clear(&info);
        } else if (r != QUIRE_ERR_NOT_FOUND) {
            rc = quire_error_set(err, r, "%s", quire_index_errmsg(idx));
        }
        if (!j->done) todo++;
    }

    if (!rc) {
        pool p;
        memset(&p, 0, sizeof p);
        p.jobs = &jobs;
        p.opts = opts;
        p.window = (size_t)(opts->threads > 0 ? opts->threads : 1) * 4;
        pthread_mutex_init(&p.mu, NULL);
        pthread_cond_init(&p.cv, NULL);
        int nthreads = opts->threads > 0 ? opts->threads : 1;
        if (nthreads > 8) nthreads = 8;
        if ((size_t)nthreads > todo) nthreads = (int)todo;
        pthread_t tids[8];
        int started = 0;
        for (int t = 0; t < nthreads; t++)
            if (pthread_create(&tids[t], NULL, worker, &p) == 0) started++;
        if (started == 0) /* no threads to be had: do the work here */
            for (size_t i = 0; i < jobs.n; i++)
                if (!jobs.j[i].done) { process(&jobs.j[i], opts); jobs.j[i].done = true; }
        for (size_t i = 0; i < jobs.n && !rc; i++) {
            job *j = &jobs.j[i];
            pthread_mutex_lock(&p.mu);
            while (!j->done) pthread_cond_wait(&p.cv, &p.mu);
            pthread_mutex_unlock(&p.mu);
            quire_status w = write_job(idx, j, opts, i + 1, jobs.n, summary);
            if (w) rc = quire_error_set(err, w, "%s", quire_index_errmsg(idx));
            job_free_results(j);
            pthread_mutex_lock(&p.mu);
            p.consumed = i + 1;
            if (rc) p.next = jobs.n; /* the index failed: hand out no more work */
            pthread_cond_broadcast(&p.cv);
            pthread_mutex_unlock(&p.mu);
        }
        for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
        pthread_mutex_destroy(&p.mu);
        pthread_cond_destroy(&p.cv);
    }

    for (size_t i = 0; i < nrecords && !rc; i++) rc = pipeline_add_jsonl(idx, records[i], opts, summary, err);

    if (!rc && opts->prune)
        for (size_t i = 0; i < ndirs && !rc; i++) rc = prune_dir(idx, dirs[i], opts, summary, err);

    for (size_t i = 0; i < jobs.n; i++) {
        free(jobs.j[i].path);
        free(jobs.j[i].old_sha);
        job_free_results(&jobs.j[i]);
    }
    free(jobs.j);
    for (size_t i = 0; i < ndirs; i++) free(dirs[i]);
    free(dirs);
    for (size_t i = 0; i < nrecords; i++) free(records[i]);
    free(records);
    return rc;
}
