/* Format detection and dispatch to the per-format extractors. */
#include "quire/ingest.h"

#include <string.h>
#include <strings.h>

void quire_extract_opts_default(quire_extract_opts *opts)
{
    opts->max_file_bytes = (size_t)256 << 20;
    opts->max_text_bytes = (size_t)64 << 20;
    opts->max_pages = 5000;
    opts->time_limit_s = 120.0;
}

static const struct {
    const char *ext;
    const char *format;
} extensions[] = {
    {".pdf", "pdf"}, {".html", "html"}, {".htm", "html"}, {".xhtml", "html"},
    {".md", "md"}, {".markdown", "md"}, {".txt", "txt"}, {".text", "txt"},
    {".docx", "docx"}, {".odt", "odt"}, {".epub", "epub"}, {".jsonl", "jsonl"},
};

const char *quire_format_for_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return NULL;
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (!strcasecmp(dot, extensions[i].ext)) return extensions[i].format;
    return NULL;
}

/* Which zip-based format a "PK\3\4" buffer holds: EPUB and ODT store an
 * uncompressed "mimetype" entry first; DOCX has a word/document.xml part. */
static const char *sniff_zip(const char *b, size_t len)
{
    static const char epub[] = "mimetypeapplication/epub+zip";
    static const char odt[] = "mimetypeapplication/vnd.oasis.opendocument.text";
    if (len >= 30 + sizeof epub - 1 && !memcmp(b + 30, epub, sizeof epub - 1)) return "epub";
    if (len >= 30 + sizeof odt - 1 && !memcmp(b + 30, odt, sizeof odt - 1)) return "odt";
    static const char docx[] = "word/document.xml";
    for (size_t i = 0; i + sizeof docx - 1 <= len; i++)
        if (b[i] == 'w' && !memcmp(b + i, docx, sizeof docx - 1)) return "docx";
    return "zip";
}

static const char *sniff(const char *b, size_t len)
{
    if (len >= 5 && !memcmp(b, "%PDF-", 5)) return "pdf";
    if (len >= 4 && !memcmp(b, "PK\3\4", 4)) return sniff_zip(b, len);
    for (size_t i = 0; i < len && i < 512; i++) {
        if (b[i] == '<') {
            if (len - i >= 5 && (!strncasecmp(b + i, "<html", 5) || !strncasecmp(b + i, "<!doc", 5)))
                return "html";
        }
    }
    return "txt";
}

quire_status quire_extract(const char *format, const char *name, const void *buf, size_t len,
                           const quire_extract_opts *opts, quire_doc **out, quire_error *err)
{
    quire_extract_opts defaults;
    if (!opts) {
        quire_extract_opts_default(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    if (len > opts->max_file_bytes)
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "%s: %zu bytes is over the %zu byte limit",
                               name ? name : "input", len, opts->max_file_bytes);
    if (!format) format = sniff(buf, len);
    if (!strcmp(format, "pdf")) return quire_extract_pdf(buf, len, opts, out, err);
    if (!strcmp(format, "html")) return quire_extract_html(buf, len, opts, out, err);
    if (!strcmp(format, "md")) return quire_extract_markdown(buf, len, opts, out, err);
    if (!strcmp(format, "txt")) return quire_extract_text(buf, len, opts, out, err);
    if (!strcmp(format, "docx")) return quire_extract_docx(buf, len, opts, out, err);
    if (!strcmp(format, "odt")) return quire_extract_odt(buf, len, opts, out, err);
    if (!strcmp(format, "epub")) return quire_extract_epub(buf, len, opts, out, err);
    return quire_error_set(err, QUIRE_ERR_UNSUPPORTED, "%s: format '%s' is not supported yet",
                           name ? name : "input", format);
}
