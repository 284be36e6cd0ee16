/* pdf_extract — runs quire_extract_pdf over PDF files.
 *
 *   pdf_extract [-j THREADS] [--dump] FILE...
 *
 * With -j, files are shared out to THREADS threads (documents in parallel,
 * as `quire add` does). --dump prints each document's blocks with their
 * page, flags and section path (for people checking the reading order).
 * Prints failures on stderr and one total line on stdout (with the peak
 * resident memory of the process, from getrusage).
 */
#include "quire/ingest.h"
#include "util/fileio.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct job {
    char **files;
    int nfiles;
    atomic_int next;
    atomic_long bytes;
    atomic_int failed;
    int dump;
} job;

static void dump_doc(const char *path, const quire_doc *doc)
{
    printf("=== %s\ntitle: %s\nauthors: %s\ndate: %s\n", path, doc->title ? doc->title : "",
           doc->authors ? doc->authors : "", doc->date ? doc->date : "");
    if (doc->warnings) printf("warnings: %s\n", doc->warnings);
    for (size_t i = 0; i < doc->nsegs; i++) {
        const quire_segment *s = &doc->segs[i];
        const char *label = s->page > 0 ? doc->pages[s->page - 1].label : NULL;
        printf("[p%d%s%s %s%s%s%s%s L%d] {%s}\n%.*s\n\n", s->page, label ? "/" : "",
               label ? label : "", s->flags & QUIRE_SEG_TITLE ? "T" : "",
               s->flags & QUIRE_SEG_HEADING ? "H" : "", s->flags & QUIRE_SEG_TABLE ? "|" : "",
               s->flags & QUIRE_SEG_REFERENCES ? "R" : "", s->flags & QUIRE_SEG_CAPTION ? "C" : "",
               s->level, s->section ? s->section : "", (int)(s->end - s->start),
               doc->text + s->start);
    }
}

static void *worker(void *arg)
{
    job *j = arg;
    for (;;) {
        int i = atomic_fetch_add(&j->next, 1);
        if (i >= j->nfiles) break;
        char *data = NULL;
        size_t len = 0;
        quire_error err;
        quire_error_clear(&err);
        if (file_read_all(j->files[i], (size_t)1 << 30, &data, &len, &err)) {
            fprintf(stderr, "%s: %s\n", j->files[i], quire_error_message(&err));
            atomic_fetch_add(&j->failed, 1);
            continue;
        }
        quire_doc *doc = NULL;
        quire_status rc = quire_extract_pdf(data, len, NULL, &doc, &err);
        if (rc) {
            fprintf(stderr, "%s: %s: %s\n", j->files[i], quire_strerror(rc), quire_error_message(&err));
            atomic_fetch_add(&j->failed, 1);
        } else {
            atomic_fetch_add(&j->bytes, (long)doc->text_len);
            if (j->dump) dump_doc(j->files[i], doc);
        }
        quire_doc_free(doc);
        free(data);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = 1, a = 1;
    job j = {0};
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "-j") && a + 1 < argc) threads = (int)strtol(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--dump")) j.dump = 1;
        else {
            fprintf(stderr, "usage: pdf_extract [-j N] [--dump] FILE...\n");
            return 2;
        }
    }
    if (threads < 1 || threads > 64) threads = 1;
    if (j.dump) threads = 1;
    j.files = argv + a;
    j.nfiles = argc - a;
    pthread_t tid[64];
    for (int t = 0; t < threads; t++) pthread_create(&tid[t], NULL, worker, &j);
    for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("files %d failed %d text_bytes %ld peak_rss_kb %ld\n", j.nfiles, (int)j.failed,
           (long)j.bytes, (long)ru.ru_maxrss);
    return 0;
}
