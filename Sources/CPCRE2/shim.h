#ifndef CRMLINT_CPCRE2_SHIM_H
#define CRMLINT_CPCRE2_SHIM_H
// PCRE2 needs its code-unit width chosen before the header; Swift cannot
// import PCRE2_ZERO_TERMINATED (a cast expression), so it gets a function.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static inline PCRE2_SIZE crmlint_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
