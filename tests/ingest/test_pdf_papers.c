/* PDF extraction on real papers (../shared/eval/papers), against pdftotext.
 *
 * Reading order: for every page, take the pairs of words that pdftotext puts
 * across a line break inside running prose (both lines of at least five
 * words, no hyphen at the break): last word of a line, first word of the
 * next. If quire read the page's columns in the same order line after line,
 * the pair is adjacent in quire's text too. Interleaving two columns breaks
 * nearly every pair; reordering whole blocks (figures, tables, which quire
 * reads row by row while pdftotext reads them column by column) breaks only
 * a few. The test asserts the recall over all pages and that almost every
 * page keeps its lines together.
 *
 * Also: the PDFs of ../shared/eval/papers-negative (scanned pages, fonts
 * without Unicode maps) are refused with QUIRE_ERR_NO_TEXT (or, in a build
 * with -Docr=enabled, read by OCR with a warning that says so).
 *
 * Skips (77) when ../shared or pdftotext is missing.
 */
#include "quire/ingest.h"
#include "../testutil.h"
#include "util/fileio.h"

#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted paths of the *.pdf files in dir; NULL when dir is missing. */
static char **list_pdfs(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".pdf")) continue;
        v = realloc(v, (size_t)(*n + 1) * sizeof *v);
        v[(*n)++] = g_strdup_printf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (*n) qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

/* Lowercased token with ASCII punctuation removed (UTF-8 kept). */
static char *norm_word(const char *w, size_t len)
{
    char *out = g_malloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 0x80 || g_ascii_isalnum(c)) out[k++] = (char)g_ascii_tolower(c);
    }
    out[k] = '\0';
    return out;
}

/* Normalised words of one line. */
static GPtrArray *line_words(const char *s, size_t len)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    size_t i = 0;
    while (i < len) {
        while (i < len && g_ascii_isspace(s[i])) i++;
        size_t st = i;
        while (i < len && !g_ascii_isspace(s[i])) i++;
        if (i > st) {
            char *w = norm_word(s + st, i - st);
            if (*w) g_ptr_array_add(a, w);
            else g_free(w);
        }
    }
    return a;
}

static char *run_pdftotext(const char *path)
{
    if (strchr(path, '\'')) return NULL;
    char *cmd = g_strdup_printf("pdftotext -q '%s' - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    g_free(cmd);
    if (!p) return NULL;
    GString *s = g_string_new(NULL);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) g_string_append_len(s, buf, (gssize)n);
    int st = pclose(p);
    if (st != 0) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

typedef struct tally {
    long pairs, kept;
    int pages, good_pages;
} tally;

static void compare_page(const quire_doc *doc, int page, const char *ref, size_t ref_len,
                         tally *t)
{
    /* quire's adjacent word pairs on this page */
    GHashTable *bigrams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (page < (int)doc->npages) {
        const quire_page *pg = &doc->pages[page];
        GPtrArray *w = line_words(doc->text + pg->start, pg->end - pg->start);
        for (guint i = 1; i < w->len; i++)
            g_hash_table_add(bigrams, g_strconcat(w->pdata[i - 1], "\x01", w->pdata[i], NULL));
        g_ptr_array_free(w, TRUE);
    }
    gchar *nref = g_utf8_normalize(ref, (gssize)ref_len, G_NORMALIZE_NFKC);
    if (!nref) nref = g_strndup(ref, ref_len);
    gchar **lines = g_strsplit(nref, "\n", -1);
    long pairs = 0, kept = 0;
    for (int i = 0; lines[i] && lines[i + 1]; i++) {
        const char *a = lines[i], *b = lines[i + 1];
        size_t la = strlen(a);
        while (la && a[la - 1] == ' ') la--;
        if (!la || a[la - 1] == '-') continue;
        GPtrArray *wa = line_words(a, la), *wb = line_words(b, strlen(b));
        if (wa->len >= 5 && wb->len >= 5) {
            pairs++;
            char *key = g_strconcat(wa->pdata[wa->len - 1], "\x01", wb->pdata[0], NULL);
            if (g_hash_table_contains(bigrams, key)) kept++;
            g_free(key);
        }
        g_ptr_array_free(wa, TRUE);
        g_ptr_array_free(wb, TRUE);
    }
    g_strfreev(lines);
    g_free(nref);
    g_hash_table_destroy(bigrams);
    if (pairs < 20) return; /* too little prose to judge (figures, tables, a title page) */
    t->pairs += pairs;
    t->kept += kept;
    t->pages++;
    if (kept * 100 >= pairs * 85) t->good_pages++;
    else fprintf(stderr, "  page %d: %ld of %ld line pairs kept\n", page + 1, kept, pairs);
}

static void test_papers(const char *dir)
{
    int n;
    char **files = list_pdfs(dir, &n);
    CHECK(n > 0);
    tally t = {0};
    for (int f = 0; f < n; f++) {
        char *data = NULL;
        size_t len = 0;
        quire_error err;
        CHECK_EQ_INT(file_read_all(files[f], (size_t)1 << 30, &data, &len, &err), QUIRE_OK);
        quire_doc *doc = NULL;
        quire_status rc = quire_extract_pdf(data, len, NULL, &doc, &err);
        CHECK_EQ_INT(rc, QUIRE_OK);
        char *ref = rc ? NULL : run_pdftotext(files[f]);
        if (!rc && !ref) {
            free(data);
            quire_doc_free(doc);
            for (int k = 0; k < n; k++) g_free(files[k]);
            free(files);
            SKIP("pdftotext (poppler-utils) is not installed");
        }
        if (!rc) {
            fprintf(stderr, "%s\n", strrchr(files[f], '/') + 1);
            CHECK(doc->npages > 0 && doc->text_len > 1000);
            const char *p = ref;
            for (int page = 0; *p; page++) {
                const char *ff = strchr(p, '\f');
                size_t plen = ff ? (size_t)(ff - p) : strlen(p);
                compare_page(doc, page, p, plen, &t);
                p += plen + (ff ? 1 : 0);
            }
        }
        g_free(ref);
        quire_doc_free(doc);
        free(data);
        g_free(files[f]);
    }
    free(files);
    double recall = t.pairs ? (double)t.kept / (double)t.pairs : 0;
    fprintf(stderr, "reading order: %ld of %ld line pairs kept (%.3f), %d of %d pages >= 0.85\n",
            t.kept, t.pairs, recall, t.good_pages, t.pages);
    CHECK(t.pages > 100);
    CHECK(recall >= 0.97);
    CHECK(t.good_pages * 100 >= t.pages * 95);
}

static void test_negative(const char *dir)
{
    int n;
    char **files = list_pdfs(dir, &n);
    CHECK(n >= 3);
    for (int f = 0; f < n; f++) {
        char *data = NULL;
        size_t len = 0;
        quire_error err;
        CHECK_EQ_INT(file_read_all(files[f], (size_t)1 << 30, &data, &len, &err), QUIRE_OK);
        quire_doc *doc = NULL;
        quire_error_clear(&err);
        quire_status rc = quire_extract_pdf(data, len, NULL, &doc, &err);
        fprintf(stderr, "%s: %s\n", strrchr(files[f], '/') + 1,
                rc ? quire_error_message(&err) : doc->warnings);
#ifdef QUIRE_WITH_OCR
        /* read from the page images instead, and said so; OCR is slow, so
         * the per-file time limit may stop it first */
        CHECK(rc == QUIRE_ERR_NO_TEXT || rc == QUIRE_ERR_TIMEOUT ||
              (rc == QUIRE_OK && doc->warnings && strstr(doc->warnings, "OCR")));
#else
        CHECK_EQ_INT(rc, QUIRE_ERR_NO_TEXT);
        CHECK(doc == NULL);
#endif
        quire_doc_free(doc);
        free(data);
        g_free(files[f]);
    }
    free(files);
}

int main(void)
{
    const char *shared = test_shared_dir();
    if (!shared) SKIP("QUIRE_SHARED is not set");
    char *papers = g_strdup_printf("%s/eval/papers", shared);
    char *negative = g_strdup_printf("%s/eval/papers-negative", shared);
    if (!g_file_test(papers, G_FILE_TEST_IS_DIR)) SKIP("../shared/eval/papers is absent");
    test_negative(negative);
    test_papers(papers);
    g_free(papers);
    g_free(negative);
    return test_summary();
}
