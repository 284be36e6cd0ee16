/* Markdown extraction: front matter, headings (ATX, setext, ids, slugs),
 * code fences, lists, tables, Pandoc divs/spans, links. */
#include "quire/ingest.h"
#include "testutil.h"
#include "doc_testutil.h"

static quire_doc *md(const char *src)
{
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_status rc = quire_extract("md", "t.md", src, strlen(src), NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) fprintf(stderr, "md: %s\n", err.msg);
    return d;
}

static bool has_link(const quire_doc *d, const char *href)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (!strcmp(d->links[i], href)) return true;
    return false;
}

static void test_front_matter(void)
{
    quire_doc *d = md("---\n"
                      "title: \"Cours de g\xc3\xa9ologie\"\n"
                      "authors:\n"
                      "  - Ada Lovelace\n"
                      "  - name: Alan Turing\n"
                      "date: 2024-05-01\n"
                      "lang: fr-FR\n"
                      "description: >\n"
                      "summary: Les roches.\n"
                      "---\n"
                      "Texte d'intro.\n");
    if (!d) return;
    CHECK_STR(d->title, "Cours de g\xc3\xa9ologie");
    CHECK_STR(d->authors, "Ada Lovelace; Alan Turing");
    CHECK_STR(d->date, "2024-05-01");
    CHECK_STR(d->language, "fr");
    CHECK_STR(d->description, "Les roches.");
    CHECK(!strstr(d->text, "title:"));
    CHECK(seg_with(d, "Texte d'intro.") != NULL);
    quire_doc_free(d);

    d = md("---\nauthor: [\"A. One\", B. Two]\n---\n# Heading One\nbody\n");
    if (!d) return;
    CHECK_STR(d->authors, "A. One; B. Two");
    CHECK_STR(d->title, "Heading One"); /* no title key: the first h1 */
    quire_doc_free(d);

    d = md("+++\ntitle = \"TOML title\"\n+++\nbody\n");
    if (d) {
        CHECK_STR(d->title, "TOML title");
        quire_doc_free(d);
    }
    /* An opening --- without a closing one is not front matter. */
    d = md("---\nnot: front matter\n\nreal text\n");
    if (d) {
        CHECK(d->title == NULL);
        CHECK(seg_with(d, "real text") != NULL);
        quire_doc_free(d);
    }
}

static void test_structure(void)
{
    quire_doc *d = md("# Top {#top-id}\n"
                      "Intro paragraph\nwrapped over lines.\n\n"
                      "## Install & Run ##\n"
                      "```bash\n"
                      "# not a heading\n"
                      "    make install\n"
                      "```\n\n"
                      "Setext Title\n"
                      "============\n\n"
                      "Sub title\n"
                      "---------\n"
                      "- first item\n"
                      "  continued\n"
                      "* second item\n"
                      "3. third\n\n"
                      "| Cmd | Use |\n"
                      "|-----|:---:|\n"
                      "| `ls` | list \\| files |\n\n"
                      "> quoted *text*\n\n"
                      "<!-- a comment\nspanning lines -->\n"
                      "See [the docs](docs/intro.md#start \"Title\") and ![diagram](fig/a.png) "
                      "or <https://example.org/x>.\n\n"
                      "[ref]: https://example.org/ref\n"
                      "## Install & Run\n"
                      "C# is a language\n"
                      "~~~~\nunclosed fence keeps\nits lines");
    if (!d) return;
    const quire_segment *s = seg_with(d, "Top");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 1 && s->anchor &&
          !strcmp(s->anchor, "top-id"));
    CHECK(!strstr(d->text, "{#"));
    s = seg_with(d, "Intro paragraph wrapped over lines.");
    CHECK(s && s->anchor && !strcmp(s->anchor, "top-id") && s->section && !strcmp(s->section, "Top"));
    s = seg_with(d, "Install & Run");
    CHECK(s && s->level == 2 && s->anchor && !strcmp(s->anchor, "install--run"));
    s = seg_with(d, "# not a heading\n    make install");
    CHECK(s && (s->flags & QUIRE_SEG_CODE) && !(s->flags & QUIRE_SEG_HEADING));
    s = seg_with(d, "Setext Title");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 1);
    s = seg_with(d, "Sub title");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 2);
    s = seg_with(d, "- first item continued");
    CHECK(s && (s->flags & QUIRE_SEG_LIST) && s->section &&
          !strcmp(s->section, "Setext Title > Sub title"));
    CHECK(seg_with(d, "- second item") != NULL);
    CHECK(seg_with(d, "3. third") != NULL);
    s = seg_with(d, "Cmd | Use");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    CHECK(!strstr(d->text, "---|"));
    s = seg_with(d, "`ls` | list | files");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    CHECK(seg_with(d, "quoted *text*") != NULL);
    CHECK(!strstr(d->text, "comment"));
    CHECK(seg_with(d, "See the docs and diagram or https://example.org/x.") != NULL);
    CHECK(has_link(d, "docs/intro.md#start"));
    CHECK(has_link(d, "fig/a.png"));
    CHECK(has_link(d, "https://example.org/x"));
    CHECK(has_link(d, "https://example.org/ref"));
    CHECK(!strstr(d->text, "[ref]"));
    s = seg_with(d, "C# is a language");
    CHECK(s && s->anchor && !strcmp(s->anchor, "install--run-1")); /* GitHub dedup */
    s = seg_with(d, "unclosed fence keeps\nits lines");
    CHECK(s && (s->flags & QUIRE_SEG_CODE));
    quire_doc_free(d);

    d = md("# C#\ntext\n## Heading ending in #hash\n");
    if (d) {
        CHECK(seg_with(d, "C#") != NULL); /* "#" glued to a word is not a closing sequence */
        CHECK(seg_with(d, "Heading ending in #hash") != NULL);
        quire_doc_free(d);
    }
}

/* Pandoc/sandpaper lessons: fenced divs close their sections; spans give
 * anchors; definition lists join term and definition. */
static void test_pandoc(void)
{
    quire_doc *d = md("## Main part\n\n"
                      "Before.\n\n"
                      "::::::::::::: callout\n"
                      "### Note box\n\n"
                      "Inside the box.\n"
                      ":::::::::::::\n\n"
                      "After the box.\n\n"
                      "{: .challenge}\n"
                      "[absolute path]{#absolute-path}\n"
                      ":   A path that refers to a [location](#loc).\n");
    if (!d) return;
    const quire_segment *s = seg_with(d, "Inside the box.");
    CHECK(s && s->section && !strcmp(s->section, "Main part > Note box"));
    s = seg_with(d, "After the box.");
    CHECK(s && s->section && !strcmp(s->section, "Main part"));
    CHECK(!strstr(d->text, ":::"));
    CHECK(!strstr(d->text, "{:"));
    s = seg_with(d, "absolute path: A path that refers to a location.");
    CHECK(s && s->anchor && !strcmp(s->anchor, "absolute-path"));
    quire_doc_free(d);
}

int main(void)
{
    test_front_matter();
    test_structure();
    test_pandoc();
    return test_summary();
}
