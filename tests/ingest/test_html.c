/* HTML extraction: main content only, chrome dropped, anchors, tables,
 * lists, code, metadata, charsets, links. */
#include "quire/ingest.h"
#include "testutil.h"
#include "doc_testutil.h"

static quire_doc *html(const char *src, size_t len)
{
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_status rc = quire_extract("html", "test.html", src, len, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) fprintf(stderr, "extract: %s\n", err.msg);
    return d;
}

#define HTML(s) html((s), sizeof(s) - 1)

static bool has_link(const quire_doc *d, const char *href)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (!strcmp(d->links[i], href)) return true;
    return false;
}

static void test_chrome(void)
{
    quire_doc *d = HTML(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><title>  Site:\n Page  </title>"
        "<meta name=\"description\" content=\"All about   widgets.\">"
        "<meta name=\"author\" content=\"A. Writer\">"
        "<style>body{color:red}</style><script>var STYLE_SCRIPT=1;</script></head><body>"
        "<header><div class=\"logo\">LOGO TEXT</div></header>"
        "<nav><a href=\"/home\">NAVLINK Home</a></nav>"
        "<div id=\"cookie-banner\" class=\"cookie-consent\">We use COOKIES</div>"
        "<main id=\"content\"><article><header><h1 id=\"top\">Widgets</h1></header>"
        "<div class=\"breadcrumb\">CRUMB &gt; Trail</div>"
        "<p>Widgets are <b>small</b>\n   things.</p>"
        "<aside>ASIDE text</aside><form><input value=\"FORMFIELD\"><button>BUTTON</button></form>"
        "<div class=\"sidebar-wrapper\">SIDEBAR links</div><div role=\"navigation\">ROLE nav</div>"
        "<p hidden>HIDDEN text</p><span aria-hidden=\"true\">ICON</span>"
        "<p>See <a href=\"other.html#x\">other</a>, <a href=\"#local\">here</a>, "
        "<a href=\"javascript:void(0)\">js</a>, <a href=\"other.html#x\">again</a> and "
        "<a href=\"https://example.org/\">out</a>.</p>"
        "</article></main>"
        "<footer>FOOTER (c) 2024</footer></body></html>");
    if (!d) return;
    CHECK_STR(d->title, "Site: Page");
    CHECK_STR(d->description, "All about widgets.");
    CHECK_STR(d->authors, "A. Writer");
    CHECK_STR(d->language, "en");
    const char *banned[] = {"LOGO", "NAVLINK", "COOKIES", "CRUMB", "ASIDE", "FORMFIELD", "BUTTON",
                            "SIDEBAR", "ROLE nav", "HIDDEN", "ICON", "FOOTER", "STYLE_SCRIPT",
                            "color:red"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++) {
        if (strstr(d->text, banned[i])) fprintf(stderr, "chrome leaked: %s\n", banned[i]);
        CHECK(!strstr(d->text, banned[i]));
    }
    const quire_segment *s = seg_with(d, "Widgets");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 1); /* header inside article kept */
    s = seg_with(d, "Widgets are small things.");
    CHECK(s && s->anchor && !strcmp(s->anchor, "top"));
    CHECK(s && s->section && !strcmp(s->section, "Widgets"));
    CHECK(has_link(d, "other.html#x"));
    CHECK(has_link(d, "https://example.org/"));
    CHECK(!has_link(d, "#local"));
    CHECK(!has_link(d, "javascript:void(0)"));
    CHECK(!has_link(d, "/home")); /* nav links are chrome */
    CHECK_EQ_INT(d->nlinks, 2);
    quire_doc_free(d);
}

/* The PostgreSQL manual's DocBook layout: navheader/navfooter tables,
 * refsect2 with an id, generated indexterm anchors. */
static void test_docbook(void)
{
    quire_doc *d = HTML(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>CREATE INDEX</title></head>"
        "<body id=\"docContent\"><div class=\"navheader\"><table width=\"100%\" summary=\"Navigation header\">"
        "<tr><th colspan=\"5\" align=\"center\">CREATE INDEX</th></tr><tr><td><a accesskey=\"p\" "
        "href=\"sql-creategroup.html\">Prev</a> </td><td><a accesskey=\"u\" href=\"sql-commands.html\">Up</a>"
        "</td><th>SQL Commands</th><td><a href=\"index.html\">Home</a></td><td> <a href=\"sql-createlanguage.html\">"
        "Next</a></td></tr></table><hr /></div>"
        "<div class=\"refentry\" id=\"SQL-CREATEINDEX\"><div class=\"titlepage\"></div>"
        "<a id=\"id-1.9.3.69.1\" class=\"indexterm\"></a><div class=\"refnamediv\"><h2>"
        "<span class=\"refentrytitle\">CREATE INDEX</span></h2><p>CREATE INDEX \xe2\x80\x94 define a new index</p></div>"
        "<div class=\"refsect1\" id=\"id-1.9.3.69.6\"><h2>Parameters</h2>"
        "<div class=\"variablelist\"><dl class=\"variablelist\"><dt><span class=\"term\"><code>UNIQUE</code></span></dt>"
        "<dd><p>Causes the system to check for duplicate values.</p></dd></dl></div>"
        "<div class=\"refsect2\" id=\"SQL-CREATEINDEX-CONCURRENTLY\"><h3>Building Indexes Concurrently</h3>"
        "<a id=\"id-1.9.3.69.6.4.2\" class=\"indexterm\"></a><p>\n    PostgreSQL supports building indexes "
        "without locking out writes.\n</p><pre class=\"screen\">postgres=# \\d tab\n  Column | Type\n--------+------</pre>"
        "</div><p>Back in parameters.</p></div></div>"
        "<div class=\"navfooter\"><hr /><table width=\"100%\" summary=\"Navigation footer\"><tr>"
        "<td><a accesskey=\"p\" href=\"sql-creategroup.html\">Prev</a> </td><td><a href=\"sql-commands.html\">Up"
        "</a></td><td> <a href=\"sql-createlanguage.html\">Next</a></td></tr><tr><td>CREATE GROUP </td><td>"
        "<a href=\"index.html\">Home</a></td><td> CREATE LANGUAGE</td></tr></table></div></body></html>");
    if (!d) return;
    const char *nav[] = {"Prev", "Next", "Home", "CREATE GROUP", "SQL Commands"};
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) CHECK(!strstr(d->text, nav[i]));
    const quire_segment *s = seg_with(d, "without locking out writes");
    CHECK(s && s->anchor && !strcmp(s->anchor, "SQL-CREATEINDEX-CONCURRENTLY"));
    CHECK(s && s->section && !strcmp(s->section, "Parameters > Building Indexes Concurrently"));
    s = seg_with(d, "Building Indexes Concurrently");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 3 && s->anchor &&
          !strcmp(s->anchor, "SQL-CREATEINDEX-CONCURRENTLY"));
    s = seg_with(d, "postgres=# \\d tab\n  Column | Type\n--------+------");
    CHECK(s && (s->flags & QUIRE_SEG_CODE));
    s = seg_with(d, "Back in parameters.");
    /* the refsect2 ended: back to the Parameters section and its anchor */
    CHECK(s && s->section && !strcmp(s->section, "Parameters"));
    CHECK(s && s->anchor && !strcmp(s->anchor, "id-1.9.3.69.6"));
    s = seg_with(d, "CREATE INDEX \xe2\x80\x94 define a new index");
    CHECK(s && s->anchor && !strcmp(s->anchor, "SQL-CREATEINDEX"));
    quire_doc_free(d);
}

static void test_blocks(void)
{
    quire_doc *d = HTML(
        "<html><body>"
        "<ol class=\"nounderline\"><li><a href=\"#q1\">TOC first question?</a></li>"
        "<li><a href=\"#q2\">TOC second?</a></li><li value=\"3\"><a href=\"#q3\">TOC third</a></li></ol>"
        "<ul><li><a href=\"a.html\">Page A</a></li><li><a href=\"b.html\">Page B</a></li>"
        "<li><a href=\"c.html\">Page C</a></li></ul>"
        "<a name=\"q1\"></a><p><b>(1) First question?</b></p><blockquote><p>Answer one.</p></blockquote>"
        "<a name=\"q2\"></a><p><b>(2) Second?</b></p><p>Answer two.</p>"
        "<table><caption>Prices</caption><thead><tr><th>Item</th><th>Price</th></tr></thead>"
        "<tbody><tr><td>Tea</td><td><p>2 \xe2\x82\xac</p></td></tr><tr><td></td><td>free</td></tr>"
        "<tr><td> </td><td></td></tr></tbody></table>"
        "<ul><li>apple</li><li>pear<ol start=\"3\"><li>three</li><li>four</li></ol></li></ul>"
        "<pre><code>int main(void)\n{\n    return 0;\n}</code></pre>"
        "<p>line one<br>line two</p>"
        "</body></html>");
    if (!d) return;
    CHECK(!strstr(d->text, "TOC")); /* in-page table of contents dropped */
    CHECK(seg_with(d, "- Page B") != NULL); /* a list of links to other pages is content */
    const quire_segment *s = seg_with(d, "Answer one.");
    CHECK(s && s->anchor && !strcmp(s->anchor, "q1"));
    s = seg_with(d, "Answer two.");
    CHECK(s && s->anchor && !strcmp(s->anchor, "q2"));
    s = seg_with(d, "Item | Price");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    s = seg_with(d, "Tea | 2 \xe2\x82\xac");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    CHECK(seg_with(d, "| free") != NULL); /* empty cell keeps its column */
    s = seg_with(d, "Prices");
    CHECK(s && (s->flags & QUIRE_SEG_CAPTION));
    s = seg_with(d, "- apple");
    CHECK(s && (s->flags & QUIRE_SEG_LIST));
    CHECK(seg_with(d, "- pear") != NULL);
    CHECK(seg_with(d, "3. three") != NULL);
    CHECK(seg_with(d, "4. four") != NULL);
    s = seg_with(d, "int main(void)\n{\n    return 0;\n}");
    CHECK(s && (s->flags & QUIRE_SEG_CODE));
    CHECK(seg_with(d, "line one\nline two") != NULL);
    for (size_t i = 0; i < d->nsegs; i++) { /* no junk rows of bare separators */
        const quire_segment *g = &d->segs[i];
        bool junk = true;
        for (size_t k = g->start; k < g->end; k++)
            if (d->text[k] != '|' && d->text[k] != ' ') junk = false;
        CHECK(!junk);
    }
    quire_doc_free(d);
}

static void test_charsets(void)
{
    /* Latin-1 declared. */
    quire_doc *d = HTML("<html><head><meta http-equiv=\"Content-Type\" "
                        "content=\"text/html; charset=iso-8859-1\"><title>Caf\xe9</title></head>"
                        "<body><p>El\xe8ve appr\xe9" "ci\xe9 \xe0 No\xebl.</p></body></html>");
    if (d) {
        CHECK_STR(d->title, "Caf\xc3\xa9");
        CHECK(seg_with(d, "El\xc3\xa8ve appr\xc3\xa9" "ci\xc3\xa9 \xc3\xa0 No\xc3\xabl.") != NULL);
        quire_doc_free(d);
    }
    /* <meta charset> form */
    d = HTML("<html><head><meta charset=\"ISO-8859-1\"></head><body><p>d\xe9j\xe0 vu</p></body></html>");
    if (d) {
        CHECK(seg_with(d, "d\xc3\xa9j\xc3\xa0 vu") != NULL);
        quire_doc_free(d);
    }
    /* Latin-1 with no declaration at all: invalid UTF-8 bytes are read as Latin-1. */
    d = HTML("<html><body><p>Le th\xe9\xe2tre na\xefve \xe9t\xe9</p></body></html>");
    if (d) {
        CHECK(seg_with(d, "Le th\xc3\xa9\xc3\xa2tre na\xc3\xafve \xc3\xa9t\xc3\xa9") != NULL);
        quire_doc_free(d);
    }
    /* Declared UTF-8 but with a stray Latin-1 byte: repaired, rest intact. */
    d = HTML("<html><head><meta charset=utf-8></head><body><p>\xc3\xa9t\xc3\xa9 caf\xe9</p></body></html>");
    if (d) {
        CHECK(seg_with(d, "\xc3\xa9t\xc3\xa9 caf\xc3\xa9") != NULL);
        quire_doc_free(d);
    }
    /* A foreign charset libxml2 converts (ISO-8859-15: 0xA4 is the euro sign). */
    d = HTML("<html><head><meta charset=\"iso-8859-15\"></head><body><p>prix 5 \xa4</p></body></html>");
    if (d) {
        CHECK(seg_with(d, "prix 5 \xe2\x82\xac") != NULL);
        quire_doc_free(d);
    }
    /* Windows-1251 through libxml2's iconv. */
    d = HTML("<meta charset=\"windows-1251\"><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>");
    if (d) {
        CHECK(seg_with(d, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82") != NULL);
        quire_doc_free(d);
    }
    /* Impossible (ASCII-readable UCS-4) and unknown declarations: repaired as Latin-1. */
    d = HTML("<meta charset=\"ucs-4\"><p>caf\xe9 x</p>");
    if (d) {
        CHECK(seg_with(d, "caf\xc3\xa9 x") != NULL);
        quire_doc_free(d);
    }
    d = HTML("<meta charset=\"no-such-charset\"><p>caf\xe9 y</p>");
    if (d) {
        CHECK(seg_with(d, "caf\xc3\xa9 y") != NULL);
        quire_doc_free(d);
    }
    /* UTF-16LE with BOM, and UTF-16BE without BOM. */
    const char *src = "<html><head><title>\xc3\xa9t\xc3\xa9</title></head><body><h1 id=\"h\">Hello "
                      "\xe2\x82\xac</h1><p>para</p></body></html>";
    char u16[512];
    size_t n = 0;
    u16[n++] = (char)0xFF;
    u16[n++] = (char)0xFE;
    char be[512];
    size_t nb = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p;) {
        unsigned cp;
        if (*p < 0x80) cp = *p++;
        else if ((*p & 0xE0) == 0xC0) { cp = (unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F); p += 2; }
        else { cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F); p += 3; }
        u16[n++] = (char)(cp & 0xFF);
        u16[n++] = (char)(cp >> 8);
        be[nb++] = (char)(cp >> 8);
        be[nb++] = (char)(cp & 0xFF);
    }
    d = html(u16, n);
    if (d) {
        CHECK_STR(d->title, "\xc3\xa9t\xc3\xa9");
        const quire_segment *s = seg_with(d, "Hello \xe2\x82\xac");
        CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->anchor && !strcmp(s->anchor, "h"));
        quire_doc_free(d);
    }
    d = html(be, nb);
    if (d) {
        CHECK(seg_with(d, "Hello \xe2\x82\xac") != NULL);
        quire_doc_free(d);
    }
    /* UTF-8 BOM */
    d = HTML("\xef\xbb\xbf<p>bom \xc3\xa9</p>");
    if (d) {
        CHECK(seg_with(d, "bom \xc3\xa9") != NULL);
        CHECK(!strstr(d->text, "\xef\xbb\xbf"));
        quire_doc_free(d);
    }
}

static void test_text_encodings(void)
{
    quire_doc *d = NULL;
    quire_error err = {0};
    /* UTF-16LE text with BOM: "Caf\u00e9\n\nSecond" */
    const char u16[] = "\xff\xfe" "C\0a\0f\0\xe9\0\n\0\n\0S\0e\0c\0o\0n\0d\0";
    CHECK_EQ_INT(quire_extract("txt", "u16.txt", u16, sizeof u16 - 1, NULL, &d, &err), QUIRE_OK);
    if (d) {
        CHECK_EQ_INT(d->nsegs, 2);
        CHECK(seg_with(d, "Caf\xc3\xa9") != NULL);
        CHECK(seg_with(d, "Second") != NULL);
        quire_doc_free(d);
    }
    const char l1[] = "Premi\xe8re ligne\nsuite\n\nDeuxi\xe8me";
    CHECK_EQ_INT(quire_extract("txt", "l1.txt", l1, sizeof l1 - 1, NULL, &d, &err), QUIRE_OK);
    if (d) {
        CHECK(seg_with(d, "Premi\xc3\xa8re ligne suite") != NULL);
        CHECK(seg_with(d, "Deuxi\xc3\xa8me") != NULL);
        quire_doc_free(d);
    }
}

static void test_hostile(void)
{
    quire_doc *d = NULL;
    quire_error err = {0};
    /* Empty, binary junk, unclosed everything, deep nesting: no crash. */
    CHECK_EQ_INT(quire_extract_html("", 0, NULL, &d, &err), QUIRE_OK);
    quire_doc_free(d);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)((i * 7919u) >> 3);
    if (quire_extract_html(junk, sizeof junk, NULL, &d, &err) == QUIRE_OK) quire_doc_free(d);
    static char deep[400000];
    size_t n = 0;
    for (int i = 0; i < 20000 && n + 64 < sizeof deep; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, "<div id=d%d>", i);
    memcpy(deep + n, "deep text", 9);
    n += 9;
    CHECK_EQ_INT(quire_extract_html(deep, n, NULL, &d, &err), QUIRE_OK);
    quire_doc_free(d);
    /* Text cap */
    quire_extract_opts o;
    quire_extract_opts_default(&o);
    o.max_text_bytes = 10;
    const char big[] = "<p>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>";
    CHECK_EQ_INT(quire_extract_html(big, sizeof big - 1, &o, &d, &err), QUIRE_ERR_TOO_BIG);
    CHECK(d == NULL);
}

int main(void)
{
    test_chrome();
    test_docbook();
    test_blocks();
    test_charsets();
    test_text_encodings();
    test_hostile();
    return test_summary();
}
