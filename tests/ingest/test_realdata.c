/* Real documentation from ../shared/eval: the FAQ pages (Python, Debian,
 * SQLite, git) and the Software Carpentry shell lesson (HTML and Markdown)
 * must ingest with their headings as sections and anchors on the blocks,
 * and without navigation chrome. Skipped (77) when the data is absent. */
#include "quire/ingest.h"
#include "testutil.h"
#include "util/fileio.h"

#include <dirent.h>
#include <sys/stat.h>

typedef struct stats {
    int files, failed, with_headings, anchored_files;
    size_t blocks, anchored_blocks, nav_blocks;
} stats;

static bool nav_word(const char *s, size_t n)
{
    static const char *words[] = {"Prev", "Next", "Up", "Home", "Previous", "Skip to main content",
                                  "Previous topic", "Next topic", "Navigation"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !memcmp(s, words[i], n)) return true;
    return false;
}

static void check_file(const char *path, stats *st)
{
    const char *fmt = quire_format_for_path(path);
    if (!fmt || (strcmp(fmt, "html") && strcmp(fmt, "md"))) return;
    char *data = NULL;
    size_t len = 0;
    quire_error err = {0};
    if (file_read_all(path, (size_t)64 << 20, &data, &len, &err)) {
        st->failed++;
        return;
    }
    quire_doc *d = NULL;
    st->files++;
    if (quire_extract(fmt, path, data, len, NULL, &d, &err) != QUIRE_OK) {
        fprintf(stderr, "%s: %s\n", path, quire_error_message(&err));
        st->failed++;
        free(data);
        return;
    }
    int headings = 0;
    size_t anchored = 0;
    for (size_t i = 0; i < d->nsegs; i++) {
        const quire_segment *s = &d->segs[i];
        if (s->flags & QUIRE_SEG_HEADING) headings++;
        if (s->anchor) anchored++;
        if (nav_word(d->text + s->start, s->end - s->start)) {
            fprintf(stderr, "%s: navigation block \"%.*s\"\n", path, (int)(s->end - s->start),
                    d->text + s->start);
            st->nav_blocks++;
        }
    }
    if (headings) st->with_headings++;
    else fprintf(stderr, "%s: no heading\n", path);
    if (anchored) st->anchored_files++;
    st->blocks += d->nsegs;
    st->anchored_blocks += anchored;
    if (!strcmp(fmt, "html")) CHECK(d->title != NULL); /* a Markdown page may have none */
    quire_doc_free(d);
    free(data);
}

static void walk_dir(const char *dir, stats *st, int depth)
{
    DIR *dh = opendir(dir);
    if (!dh || depth > 4) {
        if (dh) closedir(dh);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb)) continue;
        if (S_ISDIR(sb.st_mode)) walk_dir(path, st, depth + 1);
        else check_file(path, st);
    }
    closedir(dh);
}

static bool run(const char *shared, const char *sub, stats *st)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/eval/%s", shared, sub);
    struct stat sb;
    if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) return false;
    memset(st, 0, sizeof *st);
    walk_dir(dir, st, 0);
    fprintf(stderr, "%s: %d files, %d failed, %d with headings, %d with anchors; %zu blocks, "
                    "%zu anchored, %zu navigation\n",
            sub, st->files, st->failed, st->with_headings, st->anchored_files, st->blocks,
            st->anchored_blocks, st->nav_blocks);
    return true;
}

int main(void)
{
    const char *shared = test_shared_dir();
    if (!shared) SKIP("QUIRE_SHARED is not set (../shared absent)");
    stats faq, course;
    bool have_faq = run(shared, "faq", &faq);
    bool have_course = run(shared, "course", &course);
    if (!have_faq && !have_course) SKIP("../shared/eval/faq and ../shared/eval/course are absent");
    stats *all[] = {have_faq ? &faq : NULL, have_course ? &course : NULL};
    for (int i = 0; i < 2; i++) {
        stats *st = all[i];
        if (!st) continue;
        CHECK(st->files > 0);
        CHECK_EQ_INT(st->failed, 0);
        /* every page keeps headings (the SQLite FAQ has one h2; git's has many) */
        CHECK_EQ_INT(st->with_headings, st->files);
        CHECK_EQ_INT(st->anchored_files, st->files);
        /* most blocks can be cited with a deep link */
        CHECK(st->anchored_blocks * 10 >= st->blocks * 7);
        CHECK_EQ_INT(st->nav_blocks, 0);
    }
    return test_summary();
}
