/* DOCX, ODT and EPUB extraction on zips the test builds with libarchive,
 * plus hostile zips (bombs, lying sizes, path tricks) that must be refused
 * cleanly. */
#include "quire/ingest.h"
#include "testutil.h"
#include "doc_testutil.h"
#include "zipbuild.h"

#include <stdint.h>

static quire_status extract_zip(const char *format, const zentry *e, size_t n,
                                const quire_extract_opts *opts, quire_doc **doc, quire_error *err)
{
    size_t len;
    char *zip = zip_build(e, n, &len);
    CHECK(zip != NULL);
    if (!zip) return QUIRE_ERR_NOMEM;
    quire_status rc = quire_extract(format, "test", zip, len, opts, doc, err);
    free(zip);
    return rc;
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char docx_styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:styles " W_NS ">"
    "<w:style w:type=\"paragraph\" w:styleId=\"Titre1\"><w:name w:val=\"heading 1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Titre\"><w:name w:val=\"Title\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"MonTitre2\"><w:name w:val=\"Mon titre\"/>"
    "<w:basedOn w:val=\"Base2\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Base2\"><w:name w:val=\"base\"/>"
    "<w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr></w:style>"
    "</w:styles>";

static const char docx_body[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document " W_NS "><w:body>"
    "<w:p><w:pPr><w:pStyle w:val=\"Titre\"/></w:pPr><w:r><w:t>Notes de cours</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:pStyle w:val=\"Titre1\"/></w:pPr><w:r><w:t>Introduction</w:t></w:r></w:p>"
    "<w:p><w:r><w:t xml:space=\"preserve\">La photosynth\xc3\xa8se </w:t></w:r>"
    "<w:r><w:rPr><w:b/></w:rPr><w:t>convertit</w:t></w:r><w:r><w:t xml:space=\"preserve\"> la lumi\xc3\xa8re.</w:t></w:r>"
    "<w:del><w:r><w:delText>SUPPRIME</w:delText></w:r></w:del></w:p>"
    "<w:p><w:pPr><w:pStyle w:val=\"MonTitre2\"/></w:pPr><w:r><w:t>Les pigments</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
    "<w:r><w:t>chlorophylle a</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Pigment</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>Couleur</w:t></w:r></w:p></w:tc></w:tr>"
    "<w:tr><w:tc><w:p><w:r><w:t>carot\xc3\xa8ne</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>orange</w:t></w:r></w:p><w:p><w:r><w:t>vif</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr><w:r><w:t>Direct level three</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Fin.</w:t></w:r></w:p>"
    "<w:sectPr/></w:body></w:document>";

static const char docx_core[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties "
    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">"
    "<dc:title>Photosynth\xc3\xa8se</dc:title><dc:creator>Marie Curie</dc:creator>"
    "<dcterms:created>2024-09-01T08:00:00Z</dcterms:created><dc:language>fr-FR</dc:language>"
    "</cp:coreProperties>";

static void test_docx(void)
{
    zentry e[] = {
        ZS("[Content_Types].xml", "<Types/>"),
        ZS("word/styles.xml", docx_styles),
        ZS("word/document.xml", docx_body),
        ZS("docProps/core.xml", docx_core),
    };
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_status rc = extract_zip("docx", e, 4, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) {
        fprintf(stderr, "docx: %s\n", err.msg);
        return;
    }
    CHECK_STR(d->title, "Photosynth\xc3\xa8se"); /* core.xml wins over the Title paragraph */
    CHECK_STR(d->authors, "Marie Curie");
    CHECK_STR(d->language, "fr");
    CHECK(d->date && !strncmp(d->date, "2024-09-01", 10));
    const quire_segment *s = seg_with(d, "Introduction");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 1);
    s = seg_with(d, "La photosynth\xc3\xa8se convertit la lumi\xc3\xa8re.");
    CHECK(s && !(s->flags & QUIRE_SEG_HEADING));
    CHECK(s && s->section && !strcmp(s->section, "Introduction"));
    CHECK(!strstr(d->text, "SUPPRIME"));
    s = seg_with(d, "Les pigments"); /* level via basedOn -> outlineLvl 1 -> level 2 */
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 2);
    s = seg_with(d, "- chlorophylle a");
    CHECK(s && (s->flags & QUIRE_SEG_LIST));
    CHECK(s && s->section && !strcmp(s->section, "Introduction > Les pigments"));
    s = seg_with(d, "Pigment | Couleur");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    s = seg_with(d, "carot\xc3\xa8ne | orange vif");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    s = seg_with(d, "Direct level three");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 3);
    s = seg_with(d, "Fin.");
    CHECK(s && s->section && !strcmp(s->section, "Introduction > Les pigments > Direct level three"));
    quire_doc_free(d);

    /* A zip without word/document.xml is not a DOCX. */
    zentry bad[] = {ZS("word/other.xml", "<x/>")};
    rc = extract_zip("docx", bad, 1, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);
    CHECK(d == NULL);
}

#define ODT_NS                                                                                 \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                      \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                          \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                        \
    "xmlns:xlink=\"http://www.w3.org/1999/xlink\""

static const char odt_content[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content " ODT_NS ">"
    "<office:body><office:text><text:sequence-decls><text:sequence-decl text:name=\"Figure\"/>"
    "</text:sequence-decls>"
    "<text:table-of-content><text:index-body><text:p>TOC ENTRY 1</text:p></text:index-body></text:table-of-content>"
    "<text:h text:outline-level=\"1\">Chapitre un</text:h>"
    "<text:p>Premier<text:s text:c=\"3\"/>paragraphe<text:note><text:note-body><text:p>NOTE BODY"
    "</text:p></text:note-body></text:note> avec <text:a xlink:href=\"http://example.org/x\">un lien</text:a>.</text:p>"
    "<text:h text:outline-level=\"2\">Section deux</text:h>"
    "<text:list><text:list-item><text:p>item alpha</text:p></text:list-item>"
    "<text:list-item><text:p>item beta</text:p></text:list-item></text:list>"
    "<table:table table:name=\"T\"><table:table-column table:number-columns-repeated=\"2\"/>"
    "<table:table-header-rows><table:table-row><table:table-cell><text:p>Nom</text:p></table:table-cell>"
    "<table:table-cell><text:p>Valeur</text:p></table:table-cell></table:table-row></table:table-header-rows>"
    "<table:table-row><table:table-cell><text:p>pi</text:p></table:table-cell>"
    "<table:table-cell><text:p>3.14</text:p></table:table-cell></table:table-row></table:table>"
    "<text:p>Apr\xc3\xa8s le tableau.</text:p>"
    "</office:text></office:body></office:document-content>";

static const char odt_meta[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-meta " ODT_NS " "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\"><office:meta>"
    "<dc:title>Cours ODT</dc:title><meta:initial-creator>Jean Dupont</meta:initial-creator>"
    "<dc:date>2023-03-04T10:00:00</dc:date><dc:language>fr</dc:language></office:meta>"
    "</office:document-meta>";

static void test_odt(void)
{
    zentry e[] = {
        {"mimetype", "application/vnd.oasis.opendocument.text", 39, 1},
        ZS("content.xml", odt_content),
        ZS("meta.xml", odt_meta),
    };
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_status rc = extract_zip("odt", e, 3, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) {
        fprintf(stderr, "odt: %s\n", err.msg);
        return;
    }
    CHECK_STR(d->title, "Cours ODT");
    CHECK_STR(d->authors, "Jean Dupont");
    CHECK_STR(d->language, "fr");
    CHECK(!strstr(d->text, "TOC ENTRY"));
    CHECK(!strstr(d->text, "NOTE BODY"));
    const quire_segment *s = seg_with(d, "Chapitre un");
    CHECK(s && (s->flags & QUIRE_SEG_HEADING) && s->level == 1);
    s = seg_with(d, "Premier paragraphe avec un lien.");
    CHECK(s && s->section && !strcmp(s->section, "Chapitre un"));
    s = seg_with(d, "Section deux");
    CHECK(s && s->level == 2);
    s = seg_with(d, "- item beta");
    CHECK(s && (s->flags & QUIRE_SEG_LIST) && s->section &&
          !strcmp(s->section, "Chapitre un > Section deux"));
    s = seg_with(d, "Nom | Valeur");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    s = seg_with(d, "pi | 3.14");
    CHECK(s && (s->flags & QUIRE_SEG_TABLE));
    CHECK(seg_with(d, "Apr\xc3\xa8s le tableau.") != NULL);
    CHECK_EQ_INT(d->nlinks, 1);
    if (d->nlinks) CHECK_STR(d->links[0], "http://example.org/x");
    quire_doc_free(d);
}

static const char epub_container[] =
    "<?xml version=\"1.0\"?><container version=\"1.0\" "
    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
    "<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>"
    "</rootfiles></container>";

static const char epub_opf[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "
    "version=\"3.0\" unique-identifier=\"id\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<dc:title>Le Livre</dc:title><dc:creator>Ann Author</dc:creator><dc:creator>Bob Writer</dc:creator>"
    "<dc:language>fr</dc:language><dc:date>2020-01-01</dc:date></metadata>"
    "<manifest>"
    "<item id=\"c2\" href=\"Text/chapter%202.xhtml\" media-type=\"application/xhtml+xml\"/>"
    "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
    "<item id=\"c1\" href=\"Text/ch1.xhtml\" media-type=\"application/xhtml+xml\"/>"
    "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>"
    "</manifest><spine><itemref idref=\"nav\"/><itemref idref=\"c1\"/><itemref idref=\"c2\"/>"
    "<itemref idref=\"missing\"/></spine></package>";

static const char epub_nav[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" "
    "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>Nav</title></head><body>"
    "<nav epub:type=\"toc\"><ol><li><a href=\"Text/ch1.xhtml\">NAVENTRY One</a></li></ol></nav>"
    "</body></html>";

static const char epub_ch1[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<head><title>Chapter One</title></head><body>"
    "<h1 id=\"c1\">Premier chapitre</h1><p>Il \xc3\xa9tait une fois<br/>un lecteur.</p>"
    "<h2 id=\"c1s1\">Une section</h2><p>Texte de la section.</p>"
    "<table><tr><td>x</td><td>y</td></tr></table></body></html>";

static const char epub_ch2[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<head><title>Chapter Two</title></head><body><section id=\"deux\">"
    "<h2>Second chapitre</h2><p>La suite de l'histoire.</p></section></body></html>";

static void test_epub(void)
{
    zentry e[] = {
        {"mimetype", "application/epub+zip", 20, 1},
        ZS("META-INF/container.xml", epub_container),
        ZS("OEBPS/content.opf", epub_opf),
        ZS("OEBPS/Text/chapter 2.xhtml", epub_ch2), /* stored before ch1: spine decides order */
        ZS("OEBPS/nav.xhtml", epub_nav),
        ZS("OEBPS/Text/ch1.xhtml", epub_ch1),
        ZS("OEBPS/style.css", "body { color: red }"),
    };
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_status rc = extract_zip("epub", e, 7, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
    if (rc) {
        fprintf(stderr, "epub: %s\n", err.msg);
        return;
    }
    CHECK_STR(d->title, "Le Livre");
    CHECK_STR(d->authors, "Ann Author; Bob Writer");
    CHECK_STR(d->language, "fr");
    CHECK(!strstr(d->text, "NAVENTRY"));
    const char *one = strstr(d->text, "Premier chapitre");
    const char *two = strstr(d->text, "Second chapitre");
    CHECK(one && two && one < two); /* spine order, not zip order */
    CHECK(!strstr(d->text, "color: red"));
    /* nav + 2 chapters are pages; the missing item is a warning */
    CHECK_EQ_INT(d->npages, 3);
    if (d->npages == 3) {
        CHECK_STR(d->pages[1].label, "OEBPS/Text/ch1.xhtml");
        CHECK_STR(d->pages[2].label, "OEBPS/Text/chapter 2.xhtml");
    }
    CHECK(d->warnings && strstr(d->warnings, "missing"));
    const quire_segment *s = seg_with(d, "Il \xc3\xa9tait une fois\nun lecteur.");
    CHECK(s && s->page == 2 && s->anchor && !strcmp(s->anchor, "c1"));
    s = seg_with(d, "Texte de la section.");
    CHECK(s && s->section && !strcmp(s->section, "Premier chapitre > Une section"));
    CHECK(s && s->anchor && !strcmp(s->anchor, "c1s1"));
    CHECK(seg_with(d, "x | y") != NULL);
    s = seg_with(d, "La suite de l'histoire.");
    /* chapter 1's h1 does not leak into chapter 2 */
    CHECK(s && s->page == 3 && s->section && !strcmp(s->section, "Second chapitre"));
    CHECK(s && s->anchor && !strcmp(s->anchor, "deux"));
    quire_doc_free(d);

    zentry noopf[] = {ZS("META-INF/container.xml", epub_container)};
    rc = extract_zip("epub", noopf, 1, NULL, &d, &err);
    CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);
}

/* Overwrite the uncompressed size of `name` in both its local header and the
 * central directory (what a hand-made zip bomb does). */
static int patch_size(char *zip, size_t len, const char *name, uint32_t size)
{
    size_t nlen = strlen(name);
    int patched = 0;
    for (size_t i = 0; i + 46 + nlen <= len; i++) {
        if (!memcmp(zip + i, "PK\x03\x04", 4) && !memcmp(zip + i + 30, name, nlen)) {
            memcpy(zip + i + 22, &size, 4); /* little-endian host assumed (x86/arm) */
            patched++;
        } else if (!memcmp(zip + i, "PK\x01\x02", 4) && !memcmp(zip + i + 46, name, nlen)) {
            memcpy(zip + i + 24, &size, 4);
            patched++;
        }
    }
    return patched;
}

static void test_hostile(void)
{
    quire_doc *d = NULL;
    quire_error err = {0};
    quire_extract_opts opts;
    quire_extract_opts_default(&opts);

    /* 1. Path tricks refuse the whole file. */
    const char *evil[] = {"../evil.xml", "word/../../evil.xml", "/etc/passwd", "C:/x.xml",
                          "word\\..\\x.xml"};
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        zentry e[] = {ZS("word/document.xml", docx_body), ZS(evil[i], "<x/>")};
        quire_status rc = extract_zip("docx", e, 2, NULL, &d, &err);
        CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);
        CHECK(d == NULL);
        CHECK(strstr(err.msg, "unsafe path") != NULL);
    }

    /* 2. A real expansion past the per-part cap (8 MiB of zeros, cap 1 MiB). */
    opts.max_text_bytes = (size_t)1 << 20;
    {
        zentry e[] = {{"word/document.xml", NULL, (size_t)8 << 20, 0}};
        quire_status rc = extract_zip("docx", e, 1, &opts, &d, &err);
        CHECK_EQ_INT(rc, QUIRE_ERR_TOO_BIG);
        CHECK(d == NULL);
    }
    /* ...and past the total cap with parts each under the per-part cap. */
    {
        quire_extract_opts o2 = opts;
        o2.max_file_bytes = (size_t)3 << 20; /* zip itself is tiny; parts sum to 4 MiB */
        zentry e[] = {{"OEBPS/a.xhtml", NULL, (size_t)1000 << 10, 0},
                      {"OEBPS/b.xhtml", NULL, (size_t)1000 << 10, 0},
                      {"OEBPS/c.xhtml", NULL, (size_t)1000 << 10, 0},
                      {"OEBPS/d.xhtml", NULL, (size_t)1000 << 10, 0}};
        quire_status rc = extract_zip("epub", e, 4, &o2, &d, &err);
        CHECK_EQ_INT(rc, QUIRE_ERR_TOO_BIG);
    }

    /* 3. An entry that claims a huge size is refused before decompression. */
    {
        zentry e[] = {ZS("word/document.xml", docx_body)};
        size_t len;
        char *zip = zip_build(e, 1, &len);
        CHECK(zip && patch_size(zip, len, "word/document.xml", 0xFFFFFFF0u) >= 1);
        quire_status rc = quire_extract("docx", "claims", zip, len, NULL, &d, &err);
        CHECK(rc == QUIRE_ERR_TOO_BIG || rc == QUIRE_ERR_FORMAT);
        CHECK(d == NULL);
        free(zip);
    }
    /* 4. An entry that claims 100 bytes but expands to 8 MiB: capped, no crash. */
    {
        zentry e[] = {{"word/document.xml", NULL, (size_t)8 << 20, 0}};
        size_t len;
        char *zip = zip_build(e, 1, &len);
        CHECK(zip && patch_size(zip, len, "word/document.xml", 100) >= 1);
        quire_status rc = quire_extract("docx", "lies", zip, len, &opts, &d, &err);
        CHECK(rc != QUIRE_OK);
        CHECK(d == NULL);
        free(zip);
    }
    /* 5. Not a zip, truncated zips. */
    {
        quire_status rc = quire_extract("epub", "junk", "hello world, not a zip at all", 29, NULL,
                                        &d, &err);
        CHECK_EQ_INT(rc, QUIRE_ERR_FORMAT);
        zentry e[] = {ZS("word/document.xml", docx_body), ZS("word/styles.xml", docx_styles)};
        size_t len;
        char *zip = zip_build(e, 2, &len);
        CHECK(zip != NULL);
        for (size_t cut = 0; zip && cut < len; cut += len / 17 + 1) {
            rc = quire_extract("docx", "cut", zip, cut, NULL, &d, &err);
            if (rc == QUIRE_OK) quire_doc_free(d);
            else CHECK(d == NULL);
        }
        free(zip);
    }
}

int main(void)
{
    test_docx();
    test_odt();
    test_epub();
    test_hostile();
    return test_summary();
}
