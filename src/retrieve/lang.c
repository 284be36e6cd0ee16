/* Language identification by function words and characteristic letters
 * (see include/quire/lang.h). */
#include "quire/lang.h"
#include "util/textfold.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct stopword {
    const char *w;
    unsigned mask;  /* 1 << quire_lang */
} stopword;

static const stopword stopwords[] = {
#include "stopwords.inc"
};

static const char *const codes[QUIRE_LANG_COUNT] = {
    NULL, "en", "fr", "de", "es", "it", "pt", "nl",
};
static const char *const snowball[QUIRE_LANG_COUNT] = {
    NULL, "english", "french", "german", "spanish", "italian", "portuguese", "dutch",
};

const char *quire_lang_code(quire_lang lang)
{
    return (unsigned)lang < QUIRE_LANG_COUNT ? codes[lang] : NULL;
}

const char *quire_lang_stemmer_name(quire_lang lang)
{
    return (unsigned)lang < QUIRE_LANG_COUNT ? snowball[lang] : NULL;
}

static char lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

quire_lang quire_lang_from_code(const char *code)
{
    if (!code) return QUIRE_LANG_NONE;
    size_t n = 0;
    while (code[n] && code[n] != '-' && code[n] != '_') n++;
    for (int l = 1; l < QUIRE_LANG_COUNT; l++) {
        if (n == 2 && lower_ascii(code[0]) == codes[l][0] && lower_ascii(code[1]) == codes[l][1])
            return (quire_lang)l;
        size_t k = strlen(snowball[l]);
        if (n == k) {
            size_t i = 0;
            while (i < k && lower_ascii(code[i]) == snowball[l][i]) i++;
            if (i == k) return (quire_lang)l;
        }
    }
    return QUIRE_LANG_NONE;
}

unsigned quire_lang_stopword_mask(const char *w, size_t len)
{
    size_t lo = 0, hi = sizeof stopwords / sizeof stopwords[0];
    if (len == 0 || len > 16) return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = stopwords[mid].w;
        int c = strncmp(s, w, len);
        if (c == 0 && s[len] != '\0') c = 1; /* s is longer: s > w */
        if (c == 0) return stopwords[mid].mask;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

bool quire_lang_is_stopword(quire_lang lang, const char *w, size_t len)
{
    unsigned m = quire_lang_stopword_mask(w, len);
    if (lang == QUIRE_LANG_NONE) return m != 0;
    return (unsigned)lang < QUIRE_LANG_COUNT && (m & (1u << lang));
}

/* Evidence from letters typical of some languages, per occurrence. */
static void letter_evidence(uint32_t cp, double *score)
{
    switch (cp) {
    case 0xE9: score[QUIRE_LANG_FR] += 0.3; score[QUIRE_LANG_ES] += 0.1; score[QUIRE_LANG_PT] += 0.1; break; /* é */
    case 0xE8: score[QUIRE_LANG_FR] += 0.4; score[QUIRE_LANG_IT] += 0.3; break;   /* è */
    case 0xEA: score[QUIRE_LANG_FR] += 0.4; score[QUIRE_LANG_PT] += 0.3; break;   /* ê */
    case 0xE0: score[QUIRE_LANG_FR] += 0.4; score[QUIRE_LANG_IT] += 0.3; score[QUIRE_LANG_PT] += 0.2; break; /* à */
    case 0xE7: score[QUIRE_LANG_FR] += 0.4; score[QUIRE_LANG_PT] += 0.4; break;   /* ç */
    case 0xF9: score[QUIRE_LANG_FR] += 0.3; score[QUIRE_LANG_IT] += 0.3; break;   /* ù */
    case 0xF4: score[QUIRE_LANG_FR] += 0.3; score[QUIRE_LANG_PT] += 0.3; break;   /* ô */
    case 0x153: score[QUIRE_LANG_FR] += 0.5; break;                               /* œ */
    case 0xEE: case 0xEF: case 0xFB: score[QUIRE_LANG_FR] += 0.3; break;          /* î ï û */
    case 0xEB: score[QUIRE_LANG_FR] += 0.2; score[QUIRE_LANG_NL] += 0.2; break;   /* ë */
    case 0xF1: score[QUIRE_LANG_ES] += 0.6; break;                                /* ñ */
    case 0xBF: case 0xA1: score[QUIRE_LANG_ES] += 0.6; break;                     /* ¿ ¡ */
    case 0xE1: case 0xED: case 0xF3: case 0xFA:                                   /* á í ó ú */
        score[QUIRE_LANG_ES] += 0.3; score[QUIRE_LANG_PT] += 0.25; break;
    case 0xE3: case 0xF5: score[QUIRE_LANG_PT] += 0.6; break;                     /* ã õ */
    case 0xE4: case 0xF6: case 0xFC: case 0xDF: score[QUIRE_LANG_DE] += 0.5; break; /* ä ö ü ß */
    case 0xF2: case 0xEC: score[QUIRE_LANG_IT] += 0.5; break;                     /* ò ì */
    default: break;
    }
}

/* Word endings typical of one language (folded forms, no accents). */
typedef struct ending {
    const char *s;
    quire_lang lang;
} ending;

static const ending endings[] = {
    {"ing", QUIRE_LANG_EN}, {"ness", QUIRE_LANG_EN}, {"ly", QUIRE_LANG_EN}, {"ght", QUIRE_LANG_EN},
    {"eux", QUIRE_LANG_FR}, {"aux", QUIRE_LANG_FR}, {"ement", QUIRE_LANG_FR}, {"ait", QUIRE_LANG_FR},
    {"ique", QUIRE_LANG_FR}, {"oire", QUIRE_LANG_FR}, {"eur", QUIRE_LANG_FR},
    {"ung", QUIRE_LANG_DE}, {"keit", QUIRE_LANG_DE}, {"heit", QUIRE_LANG_DE}, {"lich", QUIRE_LANG_DE},
    {"chen", QUIRE_LANG_DE}, {"isch", QUIRE_LANG_DE},
    {"cion", QUIRE_LANG_ES}, {"ciones", QUIRE_LANG_ES}, {"dad", QUIRE_LANG_ES}, {"ado", QUIRE_LANG_ES},
    {"idad", QUIRE_LANG_ES}, {"os", QUIRE_LANG_ES},
    {"zione", QUIRE_LANG_IT}, {"zioni", QUIRE_LANG_IT}, {"enza", QUIRE_LANG_IT}, {"ezza", QUIRE_LANG_IT},
    {"etto", QUIRE_LANG_IT}, {"ata", QUIRE_LANG_IT}, {"ita", QUIRE_LANG_IT}, {"olta", QUIRE_LANG_IT},
    {"cao", QUIRE_LANG_PT}, {"coes", QUIRE_LANG_PT}, {"dade", QUIRE_LANG_PT}, {"nho", QUIRE_LANG_PT},
    {"lho", QUIRE_LANG_PT},
    {"heid", QUIRE_LANG_NL}, {"lijk", QUIRE_LANG_NL}, {"tje", QUIRE_LANG_NL}, {"en", QUIRE_LANG_NL},
};

static void ending_evidence(const char *w, size_t len, double *score)
{
    if (len < 4) return;
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        size_t k = strlen(endings[i].s);
        if (k < len && memcmp(w + len - k, endings[i].s, k) == 0) score[endings[i].lang] += 0.25;
    }
}

void quire_lang_guess_text(const char *text, size_t len, quire_lang_guess *out)
{
    double score[QUIRE_LANG_COUNT] = {0};
    if (len > QUIRE_LANG_SCAN_MAX) len = utf8_prefix(text, len, QUIRE_LANG_SCAN_MAX);
    size_t pos = 0, start, end;
    text_word w;
    while (text_next_word(text, len, &pos, &start, &end)) {
        text_fold_word(text + start, end - start, &w);
        unsigned m = quire_lang_stopword_mask(w.bare, w.bare_len);
        if (!m) ending_evidence(w.bare, w.bare_len, score);
        if (m) {
            int pop = 0;
            for (int l = 1; l < QUIRE_LANG_COUNT; l++) pop += (m >> l) & 1;
            for (int l = 1; l < QUIRE_LANG_COUNT; l++)
                if (m & (1u << l)) score[l] += 1.0 / pop;
        }
        if (!w.ascii) {
            /* the raw letters: case folding turns ß into "ss" */
            for (size_t i = start; i < end;) {
                uint32_t cp;
                size_t k = utf8_decode(text + i, end - i, &cp);
                if (!k) break;
                letter_evidence((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), score);
                i += k;
            }
        } else if (strstr(w.bare, "ij")) {
            score[QUIRE_LANG_NL] += 0.3;
        }
    }
    /* ¿ and ¡ are punctuation, not words: look for them in the raw bytes. */
    for (size_t i = 0; i + 1 < len; i++)
        if ((unsigned char)text[i] == 0xC2 && ((unsigned char)text[i + 1] == 0xBF || (unsigned char)text[i + 1] == 0xA1))
            letter_evidence((unsigned char)text[i + 1], score);

    quire_lang best = QUIRE_LANG_NONE, second = QUIRE_LANG_NONE;
    for (int l = 1; l < QUIRE_LANG_COUNT; l++) {
        if (score[l] <= 0) continue;
        if (best == QUIRE_LANG_NONE || score[l] > score[best]) {
            second = best;
            best = (quire_lang)l;
        } else if (second == QUIRE_LANG_NONE || score[l] > score[second]) {
            second = (quire_lang)l;
        }
    }
    out->best = best;
    out->second = second;
    out->best_score = best ? score[best] : 0;
    out->second_score = second ? score[second] : 0;
    out->confident = best && out->best_score >= 1.5 && out->best_score >= 1.6 * out->second_score;
}

const char *quire_lang_detect(const char *text, size_t len)
{
    quire_lang_guess g;
    quire_lang_guess_text(text, len, &g);
    return g.confident ? codes[g.best] : NULL;
}
