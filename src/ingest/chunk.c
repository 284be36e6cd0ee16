/* Chunking: segments of a quire_doc grouped into passages for retrieval.
 *
 * Rules, in order of priority:
 *   1. A chunk never crosses a page (segments carry their page).
 *   2. A chunk holds at most max_words words, unless one sentence alone is
 *      longer; a segment longer than max_words is split at sentence ends
 *      (and, for a run-on "sentence", at word boundaries every max_words).
 *   3. A heading starts a new chunk once the current one has min_words/4
 *      words, so headings travel with the text they introduce and a chunk's
 *      section and anchor are those of (almost) all of its text.
 *   4. Otherwise segments accumulate until target_words is reached.
 *   5. A short last piece of a page merges into the previous chunk of the
 *      same page when the two fit in max_words.
 * A chunk's section and anchor are those of its first non-heading segment
 * (or of its heading), borrowed from the doc.
 */
#include "quire/ingest.h"

#include "util/array.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void quire_chunk_opts_default(quire_chunk_opts *opts)
{
    opts->target_words = 300;
    opts->max_words = 400;
    opts->min_words = 200;
}

/* A unit is a whole segment or a sentence-aligned piece of a long one. */
typedef struct unit {
    size_t start, end;
    size_t seg;
    int words;
} unit;

typedef struct unit_list {
    unit *u;
    size_t n, alloc;
} unit_list;

static quire_status push_unit(unit_list *l, size_t start, size_t end, size_t seg, int words)
{
    quire_status rc = array_reserve((void **)&l->u, &l->alloc, l->n + 1, sizeof *l->u);
    if (rc) return rc;
    l->u[l->n++] = (unit){start, end, seg, words};
    return QUIRE_OK;
}

static bool is_sentence_end(const char *t, size_t i, size_t end)
{
    char c = t[i];
    if (c != '.' && c != '?' && c != '!' && c != ';') return false;
    return i + 1 >= end || t[i + 1] == ' ' || t[i + 1] == '\n';
}

/* Split segment text[start,end) into pieces of about target words, cutting
 * after sentence ends when possible. */
static quire_status split_long(const quire_doc *doc, size_t seg, const quire_chunk_opts *o,
                               unit_list *out)
{
    const char *t = doc->text;
    size_t start = doc->segs[seg].start, end = doc->segs[seg].end;
    size_t piece = start, last_cut = 0;
    int words = 0, words_at_cut = 0;
    bool in_word = false;
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)t[i];
        bool w = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
        if (w && !in_word) words++;
        in_word = w;
        if (is_sentence_end(t, i, end)) {
            last_cut = i + 1;
            words_at_cut = words;
        }
        bool over = words >= o->target_words && last_cut > piece;
        bool runaway = words >= o->max_words && (c == ' ' || c == '\n');
        if (over || runaway) {
            size_t cut = over ? last_cut : i;
            int cw = over ? words_at_cut : words;
            quire_status rc = push_unit(out, piece, cut, seg, cw);
            if (rc) return rc;
            piece = cut;
            while (piece < end && (t[piece] == ' ' || t[piece] == '\n')) piece++;
            words -= cw;
            last_cut = 0;
            words_at_cut = 0;
            if (piece > i) in_word = false;
            i = piece > i ? piece - 1 : i;
        }
    }
    if (piece < end) return push_unit(out, piece, end, seg, (int)quire_count_words(t + piece, end - piece));
    return QUIRE_OK;
}

typedef struct chunk_list {
    quire_chunk *c;
    size_t n, alloc;
} chunk_list;

static quire_status push_chunk(chunk_list *l, const quire_chunk *c)
{
    quire_status rc = array_reserve((void **)&l->c, &l->alloc, l->n + 1, sizeof *l->c);
    if (rc) return rc;
    l->c[l->n++] = *c;
    return QUIRE_OK;
}

quire_status quire_chunk_doc(const quire_doc *doc, const quire_chunk_opts *opts,
                             quire_chunk **out, size_t *n, quire_error *err)
{
    quire_chunk_opts defaults;
    if (!opts) {
        quire_chunk_opts_default(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    *n = 0;
    if (opts->max_words < 1 || opts->target_words < 1 || opts->target_words > opts->max_words)
        return quire_error_set(err, QUIRE_ERR_INVALID, "bad chunk sizes");

    unit_list units = {0};
    chunk_list chunks = {0};
    quire_status rc = QUIRE_OK;
    for (size_t s = 0; s < doc->nsegs && !rc; s++) {
        const quire_segment *seg = &doc->segs[s];
        int w = (int)quire_count_words(doc->text + seg->start, seg->end - seg->start);
        if (w > opts->max_words) rc = split_long(doc, s, opts, &units);
        else rc = push_unit(&units, seg->start, seg->end, s, w);
    }

    quire_chunk cur;
    bool open = false;
    const quire_segment *first_body = NULL;
    for (size_t i = 0; i < units.n && !rc; i++) {
        const unit *u = &units.u[i];
        const quire_segment *seg = &doc->segs[u->seg];
        bool heading = seg->flags & QUIRE_SEG_HEADING;
        if (open) {
            bool new_page = seg->page != cur.page_start;
            bool too_big = cur.words + u->words > opts->max_words;
            bool full = cur.words >= opts->target_words;
            bool heading_break = heading && cur.words >= opts->min_words / 4;
            if (new_page || too_big || full || heading_break) {
                if (first_body) {
                    cur.section = first_body->section;
                    cur.anchor = first_body->anchor;
                }
                rc = push_chunk(&chunks, &cur);
                open = false;
                if (rc) break;
            }
        }
        if (!open) {
            memset(&cur, 0, sizeof cur);
            cur.start = u->start;
            cur.page_start = cur.page_end = seg->page;
            cur.section = seg->section;
            cur.anchor = seg->anchor;
            first_body = NULL;
            open = true;
        }
        cur.end = u->end;
        cur.words += u->words;
        cur.flags |= seg->flags;
        if (!heading && !first_body) first_body = seg;
    }
    if (!rc && open) {
        if (first_body) {
            cur.section = first_body->section;
            cur.anchor = first_body->anchor;
        }
        rc = push_chunk(&chunks, &cur);
    }

    /* Rule 5: fold a short tail into its predecessor on the same page. */
    if (!rc) {
        size_t w = 0;
        for (size_t i = 0; i < chunks.n; i++) {
            quire_chunk *c = &chunks.c[i];
            if (w > 0) {
                quire_chunk *prev = &chunks.c[w - 1];
                bool last_of_page = i + 1 == chunks.n || chunks.c[i + 1].page_start != c->page_start;
                if (last_of_page && c->page_start == prev->page_start && c->words < opts->min_words / 2 &&
                    prev->words + c->words <= opts->max_words) {
                    prev->end = c->end;
                    prev->words += c->words;
                    prev->flags |= c->flags;
                    continue;
                }
            }
            chunks.c[w++] = *c;
        }
        chunks.n = w;
        for (size_t i = 0; i < chunks.n; i++) chunks.c[i].ordinal = (int)i;
    }

    free(units.u);
    if (rc) {
        free(chunks.c);
        return quire_error_set(err, rc, "chunking failed: %s", quire_strerror(rc));
    }
    *out = chunks.c;
    *n = chunks.n;
    return QUIRE_OK;
}
