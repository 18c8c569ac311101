#ifndef CRMLINT_BYTE_SCAN_H
#define CRMLINT_BYTE_SCAN_H

// Sixteen bytes classified at once, a bit per byte (bit i: byte i), for the readers' hot loops.
// With SSE2 (every x86-64) each class is a comparison or two and a `pmovmskb`. Swift's SIMD types have
// no such instruction: their comparisons' lanes made into bits took ~40 instructions apiece (measured
// on the CSV reader), which is why this is C. Without SSE2, the same byte by byte.

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// What UTF-8 validation needs to know of sixteen bytes.
typedef struct {
    /// Bytes from 0x80 up.
    uint32_t non_ascii;
    /// Continuation bytes (80-BF).
    uint32_t continuations;
    /// Leads of three-byte characters whose two continuations may be any (E1-EC, EE, EF: all of CJK).
    uint32_t plain_leads3;
} crmlint_utf8_classes;

/// What a CSV reader splitting a line needs to know of sixteen bytes.
typedef struct {
    uint32_t delimiters;
    /// A quote or a carriage return: the line is read byte by byte instead.
    uint32_t stops;
    uint32_t zeros;
    crmlint_utf8_classes utf8;
} crmlint_csv_classes;

#if defined(__SSE2__)
static inline uint32_t crmlint_mask16(__m128i lanes) { return (uint32_t)_mm_movemask_epi8(lanes); }

static inline crmlint_utf8_classes crmlint_utf8_classes_of(__m128i chunk) {
    crmlint_utf8_classes classes;
    classes.non_ascii = crmlint_mask16(chunk);
    classes.continuations = crmlint_mask16(_mm_cmpeq_epi8(_mm_and_si128(chunk, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)));
    __m128i leads3 = _mm_cmpeq_epi8(_mm_and_si128(chunk, _mm_set1_epi8((char)0xF0)), _mm_set1_epi8((char)0xE0));
    __m128i restricted = _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8((char)0xE0)), _mm_cmpeq_epi8(chunk, _mm_set1_epi8((char)0xED)));
    classes.plain_leads3 = crmlint_mask16(_mm_andnot_si128(restricted, leads3));
    return classes;
}
#endif

static inline crmlint_utf8_classes crmlint_utf8_classes16(const uint8_t *bytes) {
#if defined(__SSE2__)
    return crmlint_utf8_classes_of(_mm_loadu_si128((const __m128i *)bytes));
#else
    crmlint_utf8_classes classes = {0, 0, 0};
    for (int i = 0; i < 16; i++) {
        uint8_t byte = bytes[i];
        classes.non_ascii |= (uint32_t)(byte >= 0x80) << i;
        classes.continuations |= (uint32_t)((byte & 0xC0) == 0x80) << i;
        classes.plain_leads3 |= (uint32_t)((byte & 0xF0) == 0xE0 && byte != 0xE0 && byte != 0xED) << i;
    }
    return classes;
#endif
}

static inline crmlint_csv_classes crmlint_csv_classes16(const uint8_t *bytes, uint8_t delimiter, uint8_t quote, uint8_t carriage_return) {
    crmlint_csv_classes classes;
#if defined(__SSE2__)
    __m128i chunk = _mm_loadu_si128((const __m128i *)bytes);
    classes.delimiters = crmlint_mask16(_mm_cmpeq_epi8(chunk, _mm_set1_epi8((char)delimiter)));
    classes.stops = crmlint_mask16(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8((char)quote)), _mm_cmpeq_epi8(chunk, _mm_set1_epi8((char)carriage_return))));
    classes.zeros = crmlint_mask16(_mm_cmpeq_epi8(chunk, _mm_setzero_si128()));
    classes.utf8 = crmlint_utf8_classes_of(chunk);
#else
    classes.delimiters = classes.stops = classes.zeros = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t byte = bytes[i];
        classes.delimiters |= (uint32_t)(byte == delimiter) << i;
        classes.stops |= (uint32_t)(byte == quote || byte == carriage_return) << i;
        classes.zeros |= (uint32_t)(byte == 0) << i;
    }
    classes.utf8 = crmlint_utf8_classes16(bytes);
#endif
    return classes;
}

/// The bytes that end a plain JSON string or make it not plain: a quote, a backslash, a control character (below 0x20).
static inline uint32_t crmlint_json_string_stops16(const uint8_t *bytes) {
#if defined(__SSE2__)
    __m128i chunk = _mm_loadu_si128((const __m128i *)bytes);
    __m128i quotes = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('"'));
    __m128i backslashes = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'));
    __m128i controls = _mm_cmpeq_epi8(_mm_and_si128(chunk, _mm_set1_epi8((char)0xE0)), _mm_setzero_si128());
    return crmlint_mask16(_mm_or_si128(_mm_or_si128(quotes, backslashes), controls));
#else
    uint32_t stops = 0;
    for (int i = 0; i < 16; i++) stops |= (uint32_t)(bytes[i] == '"' || bytes[i] == '\\' || bytes[i] < 0x20) << i;
    return stops;
#endif
}

#endif
