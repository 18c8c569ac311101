#ifndef CRMLINT_CPCRE2_SHIM_H
#define CRMLINT_CPCRE2_SHIM_H
// PCRE2 needs its code-unit width chosen before the header; Swift cannot
// import PCRE2_ZERO_TERMINATED (a cast expression), so it gets a function.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static inline PCRE2_SIZE crmlint_pcre2_unset(void) { return PCRE2_UNSET; }

// A pattern compiled on first use publishes its code once (compare-and-swap)
// and every match reads it with an acquiring load: one plain load on x86.
typedef struct {
    pcre2_code_8 *code;
    int jit;
} crmlint_compiled;
static inline const crmlint_compiled *crmlint_compiled_load(crmlint_compiled *const *slot) {
    return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}
static inline int crmlint_compiled_publish(crmlint_compiled **slot, crmlint_compiled *compiled) {
    crmlint_compiled *expected = 0;
    return __atomic_compare_exchange_n(slot, &expected, compiled, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
// The same for an object pointer (a pattern's anchored twin, made on first use).
static inline void *crmlint_pointer_load(void *const *slot) { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }
static inline int crmlint_pointer_publish(void **slot, void *pointer) {
    void *expected = 0;
    return __atomic_compare_exchange_n(slot, &expected, pointer, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
// A pattern's searches counted across threads until it is JIT-compiled (relaxed: only the count matters).
static inline long crmlint_count_use(long *counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }
// A pattern's shared words (its code slots, twin, use count, made text) in one zeroed block: Swift's
// `allocate` goes through glibc's aligned allocator, five times a pattern.
#include <stdlib.h>
static inline void *crmlint_words_alloc(size_t count) { return calloc(count, sizeof(void *)); }
static inline void crmlint_words_free(void *words) { free(words); }
// A monotonic clock in nanoseconds, for `--rule-timing`'s time per pattern (clock_gettime's vDSO path).
#include <time.h>
static inline unsigned long crmlint_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (unsigned long)now.tv_sec * 1000000000UL + (unsigned long)now.tv_nsec;
}
#endif
