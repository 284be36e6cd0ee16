/* mkpdf — render a small Markdown subset to a real multi-page A4 PDF.
 *
 * Usage: mkpdf IN.md OUT.pdf
 *
 * Used to make the PDFs of corpus/ (scripts/make-corpus-pdfs) and PDFs with
 * known text on known pages for tests (tests reach it as `mkpdf_exe` from
 * tools/meson.build). It is a build tool: never linked into quire.
 *
 * Markdown subset read (one construct per line start; anything else is text):
 *   # Title              first one is also the PDF /Title metadata
 *   ## Section, ### Sub  bigger bold fonts, PDF outline (bookmarks) entries
 *   text lines           joined into a paragraph until a blank line
 *   - item / * item      bullet list item; indented lines continue the item
 *   1. item              numbered list item (the number is kept as written)
 *   ```                  fenced code block: monospace, lines kept as written
 *   | a | b |            table row; the |---|---| rule row only marks the header
 *   <!-- pagebreak -->   forces a new page (invisible in other renderers)
 * Inline: **bold**, *italic*, `code`. Everything else is literal text.
 *
 * Output: A4 pages, text left-aligned and wrapped at word boundaries, footer
 * "N / M" on every page. Ligatures are switched off so extracted words are
 * plain letters. The creation date is fixed so that the same input gives the
 * same bytes on the same machine (fonts installed may still differ elsewhere).
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_INPUT_BYTES (4u << 20) /* our inputs are notes, not books */
#define MAX_TABLE_COLS 8

/* A4 in PostScript points and the page frame. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 68.0
#define MARGIN_TOP 64.0
#define MARGIN_BOTTOM 76.0
#define FOOTER_Y (PAGE_H - 44.0)
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define LEADING 2.6 /* extra points between lines of body text */

#define FONT_BODY "DejaVu Serif 10.5"
#define FONT_MONO "DejaVu Sans Mono 8.8"
#define FONT_FOOT "DejaVu Sans 8"
#define FONT_H1 "DejaVu Sans Bold 20"
#define FONT_H2 "DejaVu Sans Bold 14"
#define FONT_H3 "DejaVu Sans Bold 11.5"
#define NO_LIGATURES "liga=0,clig=0,dlig=0,hlig=0"

typedef enum {
    BLK_H1,
    BLK_H2,
    BLK_H3,
    BLK_PARA,
    BLK_BULLET,
    BLK_NUMBERED,
    BLK_CODE,
    BLK_TABLE,
    BLK_PAGEBREAK,
} blk_kind;

typedef struct {
    blk_kind kind;
    GString *text;   /* raw Markdown text (code: lines with '\n') */
    GString *label;  /* numbered item label, e.g. "3." */
    GPtrArray *rows; /* BLK_TABLE: GPtrArray of GPtrArray of gchar* cells */
    bool has_header; /* BLK_TABLE: first row was followed by a |---| rule */
} block;

/* The whole rendering state of one pass; nothing global. */
typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pctx; /* at 72 dpi: font sizes are PDF points */
    bool outline;     /* pass 2 only: write bookmarks */
    int page;         /* 1-based current page */
    int total_pages;  /* from pass 1; 0 in pass 1 */
    double y;         /* top of the next line on the current page */
    bool page_blank;  /* nothing drawn yet on this page */
    int outline_ids[3];
} render;

/* ---------- parsing ---------- */

static block *block_new(blk_kind kind)
{
    block *b = g_new0(block, 1);
    b->kind = kind;
    b->text = g_string_new(NULL);
    return b;
}

static void block_free(gpointer p)
{
    block *b = p;
    if (!b)
        return;
    g_string_free(b->text, TRUE);
    if (b->label)
        g_string_free(b->label, TRUE);
    if (b->rows)
        g_ptr_array_free(b->rows, TRUE);
    g_free(b);
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool is_blank(const char *s)
{
    return *skip_spaces(s) == '\0';
}

/* "1. text" → label length (up to the dot) or 0. */
static size_t numbered_prefix(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 4)
        i++;
    if (i > 0 && s[i] == '.' && s[i + 1] == ' ')
        return i + 1;
    return 0;
}

static bool is_table_rule(const char *s)
{
    s = skip_spaces(s);
    if (*s != '|')
        return false;
    for (; *s; s++)
        if (!strchr("|-: \t", *s))
            return false;
    return true;
}

/* Split "| a | b |" into trimmed cells. Returns a new array of gchar*. */
static GPtrArray *split_row(const char *line)
{
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    const char *s = skip_spaces(line);
    if (*s == '|')
        s++;
    while (*s && cells->len < MAX_TABLE_COLS) {
        const char *bar = strchr(s, '|');
        const char *end = bar ? bar : s + strlen(s);
        gchar *cell = g_strndup(s, (gsize)(end - s));
        g_ptr_array_add(cells, g_strstrip(cell));
        if (!bar)
            break;
        s = bar + 1;
        if (is_blank(s))
            break;
    }
    return cells;
}

/* Turn the text into blocks. Caller frees the array (frees the blocks). */
static GPtrArray *parse_markdown(const char *text)
{
    GPtrArray *blocks = g_ptr_array_new_with_free_func(block_free);
    gchar **lines = g_strsplit(text, "\n", -1);
    block *cur = NULL; /* open paragraph or list item, or NULL */

    for (size_t i = 0; lines[i]; i++) {
        char *line = lines[i];
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\r')
            line[n - 1] = '\0';
        const char *t = skip_spaces(line);

        if (strncmp(t, "```", 3) == 0) {
            block *b = block_new(BLK_CODE);
            for (i++; lines[i] && strncmp(skip_spaces(lines[i]), "```", 3) != 0; i++) {
                g_string_append(b->text, lines[i]);
                g_string_append_c(b->text, '\n');
            }
            if (b->text->len > 0)
                g_string_truncate(b->text, b->text->len - 1);
            g_ptr_array_add(blocks, b);
            cur = NULL;
            if (!lines[i])
                break;
            continue;
        }
        if (is_blank(line)) {
            cur = NULL;
            continue;
        }
        if (strcmp(t, "<!-- pagebreak -->") == 0) {
            g_ptr_array_add(blocks, block_new(BLK_PAGEBREAK));
            cur = NULL;
            continue;
        }
        if (t == line && line[0] == '#') {
            size_t level = 0;
            while (line[level] == '#')
                level++;
            if (level <= 3 && line[level] == ' ') {
                block *b = block_new(level == 1 ? BLK_H1 : level == 2 ? BLK_H2 : BLK_H3);
                g_string_append(b->text, skip_spaces(line + level));
                g_ptr_array_add(blocks, b);
                cur = NULL;
                continue;
            }
        }
        if (*t == '|') {
            block *b = block_new(BLK_TABLE);
            b->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
            for (; lines[i] && *skip_spaces(lines[i]) == '|'; i++) {
                if (is_table_rule(lines[i])) {
                    if (b->rows->len == 1)
                        b->has_header = true;
                    continue;
                }
                g_ptr_array_add(b->rows, split_row(lines[i]));
            }
            g_ptr_array_add(blocks, b);
            cur = NULL;
            if (!lines[i])
                break;
            i--; /* the loop's i++ revisits the line that ended the table */
            continue;
        }
        size_t num = t == line ? numbered_prefix(t) : 0;
        if (t == line && (strncmp(t, "- ", 2) == 0 || strncmp(t, "* ", 2) == 0)) {
            cur = block_new(BLK_BULLET);
            g_string_append(cur->text, skip_spaces(t + 2));
            g_ptr_array_add(blocks, cur);
            continue;
        }
        if (num > 0) {
            cur = block_new(BLK_NUMBERED);
            cur->label = g_string_new_len(t, (gssize)num);
            g_string_append(cur->text, skip_spaces(t + num));
            g_ptr_array_add(blocks, cur);
            continue;
        }
        if (cur && (cur->kind == BLK_PARA || t != line)) {
            /* paragraph continues, or an indented line continues a list item */
            g_string_append_c(cur->text, ' ');
            g_string_append(cur->text, t);
            continue;
        }
        cur = block_new(BLK_PARA);
        g_string_append(cur->text, t);
        g_ptr_array_add(blocks, cur);
    }
    g_strfreev(lines);
    return blocks;
}

/* ---------- inline Markdown → Pango markup ---------- */

static void append_escaped(GString *out, const char *s, size_t n)
{
    gchar *e = g_markup_escape_text(s, (gssize)n);
    g_string_append(out, e);
    g_free(e);
}

/* Literal text: words with an inner '-' or '/' ("fine-tuning", "INT8/INT4")
 * must not be broken across lines, or extractors see two words. */
static void append_text(GString *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        bool glue = false;
        for (size_t k = i + 1; k + 1 < j; k++)
            if (s[k] == '-' || s[k] == '/')
                glue = true;
        if (glue)
            g_string_append(out, "<span allow_breaks=\"false\">");
        append_escaped(out, s + i, j - i);
        if (glue)
            g_string_append(out, "</span>");
        if (j < n)
            g_string_append_c(out, ' ');
        i = j + 1;
    }
}

/* Converts **bold**, *italic*, `code` in s[0..n) into Pango markup.
 * A marker without its closing partner stays literal text. */
static void inline_markup(GString *out, const char *s, size_t n, int depth)
{
    size_t i = 0, lit = 0;
    while (i < n) {
        const char *open = NULL;
        size_t mlen = 0;
        if (s[i] == '`') {
            open = "`";
            mlen = 1;
        } else if (depth < 4 && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            open = "**";
            mlen = 2;
        } else if (depth < 4 && s[i] == '*' && i + 1 < n && s[i + 1] != ' ') {
            open = "*";
            mlen = 1;
        }
        if (open) {
            const char *close = NULL;
            for (size_t j = i + mlen; j + mlen <= n; j++) {
                if (memcmp(s + j, open, mlen) == 0 && j > i + mlen && s[j - 1] != ' ') {
                    close = s + j;
                    break;
                }
            }
            if (close) {
                append_text(out, s + lit, i - lit);
                const char *inner = s + i + mlen;
                size_t ilen = (size_t)(close - inner);
                if (mlen == 1 && open[0] == '`') {
                    g_string_append(out, "<span font_family=\"DejaVu Sans Mono\" size=\"90%\">");
                    append_escaped(out, inner, ilen);
                    g_string_append(out, "</span>");
                } else {
                    g_string_append(out, mlen == 2 ? "<b>" : "<i>");
                    inline_markup(out, inner, ilen, depth + 1);
                    g_string_append(out, mlen == 2 ? "</b>" : "</i>");
                }
                i = (size_t)(close - s) + mlen;
                lit = i;
                continue;
            }
        }
        i++;
    }
    append_text(out, s + lit, n - lit);
}

/* Returns a layout for `text` (Markdown inline) in `font`, `width` points wide
 * (<= 0: no wrapping). Caller unrefs. */
static PangoLayout *make_layout(render *r, const char *text, const char *font, double width,
                                bool inline_md)
{
    PangoLayout *lay = pango_layout_new(r->pctx);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(lay, inline_md ? PANGO_WRAP_WORD : PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(lay, PANGO_ALIGN_LEFT);

    GString *m = g_string_new("<span font_features=\"" NO_LIGATURES "\">");
    if (inline_md)
        inline_markup(m, text, strlen(text), 0);
    else
        append_escaped(m, text, strlen(text));
    g_string_append(m, "</span>");
    if (pango_parse_markup(m->str, (int)m->len, 0, NULL, NULL, NULL, NULL))
        pango_layout_set_markup(lay, m->str, (int)m->len);
    else
        pango_layout_set_text(lay, text, -1);
    g_string_free(m, TRUE);
    return lay;
}

/* ---------- pages ---------- */

static void draw_footer(render *r)
{
    char buf[64];
    if (r->total_pages > 0)
        snprintf(buf, sizeof buf, "%d / %d", r->page, r->total_pages);
    else
        snprintf(buf, sizeof buf, "%d", r->page);
    PangoLayout *lay = make_layout(r, buf, FONT_FOOT, 0, false);
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    cairo_save(r->cr);
    cairo_set_source_rgb(r->cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(r->cr, 0.4);
    cairo_move_to(r->cr, MARGIN_X, FOOTER_Y - 6);
    cairo_line_to(r->cr, PAGE_W - MARGIN_X, FOOTER_Y - 6);
    cairo_stroke(r->cr);
    cairo_move_to(r->cr, (PAGE_W - (double)w / PANGO_SCALE) / 2, FOOTER_Y);
    pango_cairo_show_layout(r->cr, lay);
    cairo_restore(r->cr);
    g_object_unref(lay);
}

static void new_page(render *r)
{
    draw_footer(r);
    cairo_show_page(r->cr);
    r->page++;
    r->y = MARGIN_TOP;
    r->page_blank = true;
}

/* Makes sure `h` points fit below r->y, starting a new page when not. */
static void need(render *r, double h)
{
    if (!r->page_blank && r->y + h > PAGE_H - MARGIN_BOTTOM)
        new_page(r);
}

static void space(render *r, double h)
{
    if (!r->page_blank)
        r->y += h;
}

/* Draws the layout line by line at x, breaking pages between lines.
 * bg: shade each line's band (code blocks). */
static void flow_layout(render *r, PangoLayout *lay, double x, bool bg)
{
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        double base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        need(r, h);
        if (bg) {
            cairo_save(r->cr);
            cairo_set_source_rgb(r->cr, 0.94, 0.94, 0.95);
            cairo_rectangle(r->cr, x - 6, r->y, TEXT_W - (x - MARGIN_X) + 6, h + LEADING);
            cairo_fill(r->cr);
            cairo_restore(r->cr);
        }
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        cairo_move_to(r->cr, x + (double)logical.x / PANGO_SCALE, r->y + base);
        pango_cairo_show_layout_line(r->cr, line);
        r->y += h + LEADING;
        r->page_blank = false;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void render_heading(render *r, const block *b)
{
    static const char *fonts[] = {FONT_H1, FONT_H2, FONT_H3};
    static const double before[] = {0, 16, 11};
    static const double after[] = {12, 6, 4};
    int level = b->kind == BLK_H1 ? 0 : b->kind == BLK_H2 ? 1 : 2;

    space(r, before[level]);
    PangoLayout *lay = make_layout(r, b->text->str, fonts[level], TEXT_W, true);
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    /* keep a heading with at least three lines of what follows */
    need(r, (double)h / PANGO_SCALE + 3 * 16.0);
    if (r->outline) {
        char dest[96];
        snprintf(dest, sizeof dest, "page=%d pos=[%.1f %.1f]", r->page, MARGIN_X, r->y);
        int parent = level == 0 ? CAIRO_PDF_OUTLINE_ROOT : r->outline_ids[level - 1];
        if (parent == 0)
            parent = CAIRO_PDF_OUTLINE_ROOT;
        r->outline_ids[level] = cairo_pdf_surface_add_outline(r->surface, parent, b->text->str,
                                                              dest, CAIRO_PDF_OUTLINE_FLAG_OPEN);
        for (int k = level + 1; k < 3; k++)
            r->outline_ids[k] = 0;
    }
    cairo_set_source_rgb(r->cr, level == 0 ? 0.10 : 0.12, 0.16, level == 0 ? 0.35 : 0.30);
    flow_layout(r, lay, MARGIN_X, false);
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    g_object_unref(lay);
    if (level == 0) {
        cairo_set_line_width(r->cr, 0.8);
        cairo_move_to(r->cr, MARGIN_X, r->y + 2);
        cairo_line_to(r->cr, PAGE_W - MARGIN_X, r->y + 2);
        cairo_stroke(r->cr);
        r->y += 4;
    }
    r->y += after[level];
}

static void render_item(render *r, const block *b)
{
    const double indent = b->kind == BLK_BULLET ? 16.0 : 22.0;
    const char *mark = b->kind == BLK_BULLET ? "•" : b->label->str;
    PangoLayout *body = make_layout(r, b->text->str, FONT_BODY, TEXT_W - indent, true);
    PangoLayout *lab = make_layout(r, mark, FONT_BODY, 0, false);
    PangoLayoutIter *it = pango_layout_get_iter(body);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, NULL, &logical);
    double base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
    pango_layout_iter_free(it);
    need(r, (double)logical.height / PANGO_SCALE);
    /* the label shares the baseline of the item's first line */
    cairo_move_to(r->cr, MARGIN_X + 4, r->y + base);
    pango_cairo_show_layout_line(r->cr, pango_layout_get_line_readonly(lab, 0));
    flow_layout(r, body, MARGIN_X + indent, false);
    r->y += 2.5;
    g_object_unref(lab);
    g_object_unref(body);
}

static void render_table(render *r, const block *b)
{
    const double pad = 4.0;
    size_t ncols = 0;
    for (size_t i = 0; i < b->rows->len; i++) {
        GPtrArray *row = g_ptr_array_index(b->rows, i);
        if (row->len > ncols)
            ncols = row->len;
    }
    if (ncols == 0)
        return;

    /* Column widths: natural widths, scaled down to the text width if needed. */
    double natural[MAX_TABLE_COLS] = {0}, width[MAX_TABLE_COLS], sum = 0;
    for (size_t i = 0; i < b->rows->len; i++) {
        GPtrArray *row = g_ptr_array_index(b->rows, i);
        for (size_t c = 0; c < row->len; c++) {
            const char *txt = g_ptr_array_index(row, c);
            gchar *md = b->has_header && i == 0 ? g_strconcat("**", txt, "**", NULL)
                                                : g_strdup(txt);
            PangoLayout *lay = make_layout(r, md, FONT_BODY, 0, true);
            g_free(md);
            int w, h;
            pango_layout_get_size(lay, &w, &h);
            double cw = (double)w / PANGO_SCALE + 2 * pad + 1;
            if (cw > natural[c])
                natural[c] = cw;
            g_object_unref(lay);
        }
    }
    for (size_t c = 0; c < ncols; c++)
        sum += natural[c];
    /* Too wide: narrow columns keep their width, wide ones share the rest. */
    double fair = TEXT_W / (double)ncols, narrow = 0, wide = 0;
    for (size_t c = 0; c < ncols; c++) {
        if (natural[c] <= fair)
            narrow += natural[c];
        else
            wide += natural[c];
    }
    for (size_t c = 0; c < ncols; c++) {
        if (sum <= TEXT_W || natural[c] <= fair)
            width[c] = natural[c];
        else
            width[c] = natural[c] * (TEXT_W - narrow) / wide;
    }

    space(r, 4);
    cairo_set_line_width(r->cr, 0.5);
    for (size_t i = 0; i < b->rows->len; i++) {
        GPtrArray *row = g_ptr_array_index(b->rows, i);
        bool header = b->has_header && i == 0;
        PangoLayout *cells[MAX_TABLE_COLS] = {0};
        double row_h = 0;
        for (size_t c = 0; c < row->len; c++) {
            const char *txt = g_ptr_array_index(row, c);
            gchar *md = header ? g_strconcat("**", txt, "**", NULL) : g_strdup(txt);
            cells[c] = make_layout(r, md, FONT_BODY, width[c] - 2 * pad, true);
            g_free(md);
            int w, h;
            pango_layout_get_size(cells[c], &w, &h);
            if ((double)h / PANGO_SCALE > row_h)
                row_h = (double)h / PANGO_SCALE;
        }
        row_h += 2 * pad;
        need(r, row_h);
        double x = MARGIN_X, total_w = 0;
        for (size_t c = 0; c < ncols; c++)
            total_w += width[c];
        if (header) {
            cairo_save(r->cr);
            cairo_set_source_rgb(r->cr, 0.90, 0.92, 0.96);
            cairo_rectangle(r->cr, MARGIN_X, r->y, total_w, row_h);
            cairo_fill(r->cr);
            cairo_restore(r->cr);
        }
        for (size_t c = 0; c < ncols; c++) {
            if (c < row->len) {
                cairo_move_to(r->cr, x + pad, r->y + pad);
                pango_cairo_show_layout(r->cr, cells[c]);
                g_object_unref(cells[c]);
            }
            cairo_rectangle(r->cr, x, r->y, width[c], row_h);
            cairo_stroke(r->cr);
            x += width[c];
        }
        r->y += row_h;
        r->page_blank = false;
    }
    r->y += 8;
}

/* One full pass over the blocks. Returns the number of pages. */
static int render_blocks(render *r, GPtrArray *blocks)
{
    r->page = 1;
    r->y = MARGIN_TOP;
    r->page_blank = true;
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    for (size_t i = 0; i < blocks->len; i++) {
        const block *b = g_ptr_array_index(blocks, i);
        switch (b->kind) {
        case BLK_H1:
        case BLK_H2:
        case BLK_H3:
            render_heading(r, b);
            break;
        case BLK_PARA: {
            PangoLayout *lay = make_layout(r, b->text->str, FONT_BODY, TEXT_W, true);
            flow_layout(r, lay, MARGIN_X, false);
            g_object_unref(lay);
            r->y += 6;
            break;
        }
        case BLK_BULLET:
        case BLK_NUMBERED:
            render_item(r, b);
            if (i + 1 >= blocks->len ||
                ((const block *)g_ptr_array_index(blocks, i + 1))->kind != b->kind)
                r->y += 5;
            break;
        case BLK_CODE: {
            PangoLayout *lay = make_layout(r, b->text->str, FONT_MONO, TEXT_W - 12, false);
            space(r, 2);
            flow_layout(r, lay, MARGIN_X + 6, true);
            g_object_unref(lay);
            r->y += 9;
            break;
        }
        case BLK_TABLE:
            render_table(r, b);
            break;
        case BLK_PAGEBREAK:
            if (!r->page_blank)
                new_page(r);
            break;
        }
    }
    draw_footer(r);
    cairo_show_page(r->cr);
    return r->page;
}

static cairo_status_t discard_write(void *closure, const unsigned char *data, unsigned int len)
{
    (void)closure;
    (void)data;
    (void)len;
    return CAIRO_STATUS_SUCCESS;
}

/* Pango's cairo contexts default to 96 dpi; PDF user space is in points, so
 * 72 dpi makes "10.5" mean 10.5 pt. Caller unrefs. */
static PangoContext *make_context(cairo_t *cr)
{
    PangoContext *ctx = pango_cairo_create_context(cr);
    pango_cairo_context_set_resolution(ctx, 72.0);
    return ctx;
}

/* The first H1's text without inline markers, or the file's base name. */
static gchar *doc_title(GPtrArray *blocks, const char *path)
{
    for (size_t i = 0; i < blocks->len; i++) {
        const block *b = g_ptr_array_index(blocks, i);
        if (b->kind == BLK_H1) {
            GString *t = g_string_new(NULL);
            for (const char *s = b->text->str; *s; s++)
                if (*s != '*' && *s != '`')
                    g_string_append_c(t, *s);
            return g_string_free(t, FALSE);
        }
    }
    return g_path_get_basename(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkpdf IN.md OUT.pdf\n");
        return 2;
    }
    gchar *text = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(argv[1], &text, &len, &gerr)) {
        fprintf(stderr, "mkpdf: %s\n", gerr->message);
        g_error_free(gerr);
        return 1;
    }
    if (len > MAX_INPUT_BYTES || !g_utf8_validate(text, (gssize)len, NULL) ||
        strlen(text) != len) {
        fprintf(stderr, "mkpdf: %s: not UTF-8 text or larger than %u bytes\n", argv[1],
                MAX_INPUT_BYTES);
        g_free(text);
        return 1;
    }
    GPtrArray *blocks = parse_markdown(text);
    g_free(text);
    gchar *title = doc_title(blocks, argv[1]);

    /* Pass 1 counts pages for the "N / M" footers; same fonts, output discarded. */
    render r = {0};
    r.surface = cairo_pdf_surface_create_for_stream(discard_write, NULL, PAGE_W, PAGE_H);
    r.cr = cairo_create(r.surface);
    r.pctx = make_context(r.cr);
    int pages = render_blocks(&r, blocks);
    g_object_unref(r.pctx);
    cairo_destroy(r.cr);
    cairo_surface_destroy(r.surface);

    memset(&r, 0, sizeof r);
    r.total_pages = pages;
    r.outline = true;
    r.surface = cairo_pdf_surface_create(argv[2], PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_AUTHOR, "quire project");
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATOR, "quire tools/mkpdf");
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2026-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_MOD_DATE,
                                   "2026-01-01T00:00:00Z");
    r.cr = cairo_create(r.surface);
    r.pctx = make_context(r.cr);
    int pages2 = render_blocks(&r, blocks);
    g_object_unref(r.pctx);
    cairo_destroy(r.cr);
    cairo_surface_finish(r.surface);
    cairo_status_t st = cairo_surface_status(r.surface);
    cairo_surface_destroy(r.surface);
    g_free(title);
    g_ptr_array_free(blocks, TRUE);

    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "mkpdf: %s: %s\n", argv[2], cairo_status_to_string(st));
        return 1;
    }
    if (pages2 != pages) {
        fprintf(stderr, "mkpdf: page count changed between passes (%d, %d)\n", pages, pages2);
        return 1;
    }
    return 0;
}
