/* HTML extraction throughput next to libxml2's raw parse of the same files.
 *
 *   html_bench DIR [ROUNDS]
 *
 * Loads every *.html / *.htm file under DIR (one level) into memory, then
 * times, on one thread, ROUNDS passes (default 3; the best pass counts) of
 *   libxml2   htmlReadMemory() + xmlFreeDoc() with the options quire uses
 *   quire     quire_extract_html() + quire_doc_free() (charset sniffing,
 *             parse, content walk, blocks, anchors, links)
 * and prints one "name iterations ns/op" line per side, MB/s for each and
 * the ratio quire/libxml2 (time; 1.00 = as fast as the bare parse).
 * It also reports how many blocks/links came out, so a run that silently
 * extracts nothing cannot look fast.
 *
 *   html_bench --check FILE WORD
 *
 * prints the section and anchor of every block of FILE containing WORD and
 * counts blocks that are only navigation words (Prev/Next/Up/Home): the
 * manual check that navigation bars stay out and anchors come through. */
#include "quire/ingest.h"
#include "util/fileio.h"

#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct file {
    char *data;
    size_t len;
} file;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int check(const char *path, const char *word)
{
    char *data;
    size_t len;
    quire_error err = {0};
    quire_doc *doc;
    if (file_read_all(path, (size_t)256 << 20, &data, &len, &err) ||
        quire_extract_html(data, len, NULL, &doc, &err)) {
        fprintf(stderr, "%s: %s\n", path, quire_error_message(&err));
        return 1;
    }
    static const char *nav[] = {"Prev", "Next", "Up", "Home"};
    size_t hits = 0, navs = 0;
    for (size_t i = 0; i < doc->nsegs; i++) {
        const quire_segment *s = &doc->segs[i];
        const char *t = doc->text + s->start;
        int n = (int)(s->end - s->start);
        for (size_t k = 0; k < 4; k++)
            if ((size_t)n == strlen(nav[k]) && !memcmp(t, nav[k], (size_t)n)) navs++;
        char *blk = strndup(t, (size_t)n);
        if (blk && strstr(blk, word)) {
            hits++;
            printf("#%s [%s] %.100s%s\n", s->anchor ? s->anchor : "-", s->section ? s->section : "-",
                   blk, n > 100 ? "..." : "");
        }
        free(blk);
    }
    printf("%s: %zu blocks, %zu contain \"%s\", %zu navigation-only blocks, "
           "text has Prev/Next bar: %s\n",
           path, doc->nsegs, hits, word, navs,
           strstr(doc->text, "Prev") && strstr(doc->text, "Next") ? "yes" : "no");
    quire_doc_free(doc);
    free(data);
    return navs ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--check")) return check(argv[2], argv[3]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    if (rounds < 1) rounds = 1;
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcasecmp(dot, ".html") && strcasecmp(dot, ".htm"))) continue;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 256;
            names = realloc(names, alloc * sizeof *names);
            if (!names) return 1;
        }
        size_t len = strlen(argv[1]) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) return 1;
        snprintf(names[n], len, "%s/%s", argv[1], e->d_name);
        n++;
    }
    closedir(d);
    if (!n) {
        fprintf(stderr, "%s: no HTML files\n", argv[1]);
        return 1;
    }
    qsort(names, n, sizeof *names, by_name);
    file *files = calloc(n, sizeof *files);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        quire_error err = {0};
        if (file_read_all(names[i], (size_t)256 << 20, &files[i].data, &files[i].len, &err)) {
            fprintf(stderr, "%s\n", quire_error_message(&err));
            return 1;
        }
        total += files[i].len;
    }

    double best_raw = 1e30, best_quire = 1e30;
    size_t blocks = 0, links = 0, failed = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            htmlDocPtr h = htmlReadMemory(files[i].data, (int)files[i].len, NULL, NULL,
                                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                              HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                              HTML_PARSE_COMPACT);
            xmlFreeDoc(h);
        }
        double t1 = now();
        blocks = links = failed = 0;
        for (size_t i = 0; i < n; i++) {
            quire_doc *doc;
            if (quire_extract_html(files[i].data, files[i].len, NULL, &doc, NULL) != QUIRE_OK) {
                failed++;
                continue;
            }
            blocks += doc->nsegs;
            links += doc->nlinks;
            quire_doc_free(doc);
        }
        double t2 = now();
        if (t1 - t0 < best_raw) best_raw = t1 - t0;
        if (t2 - t1 < best_quire) best_quire = t2 - t1;
    }
    double mb = (double)total / 1e6;
    printf("files %zu, %.1f MB, best of %d rounds, 1 thread\n", n, mb, rounds);
    printf("html_libxml2_parse %zu %.0f\n", n, best_raw * 1e9 / (double)n);
    printf("html_quire_extract %zu %.0f\n", n, best_quire * 1e9 / (double)n);
    printf("libxml2 htmlReadMemory: %.1f MB/s\n", mb / best_raw);
    printf("quire_extract_html:     %.1f MB/s (%zu blocks, %zu links, %zu failed)\n",
           mb / best_quire, blocks, links, failed);
    printf("ratio quire/libxml2 time: %.2f\n", best_quire / best_raw);
    for (size_t i = 0; i < n; i++) {
        free(files[i].data);
        free(names[i]);
    }
    free(files);
    free(names);
    return failed ? 1 : 0;
}
