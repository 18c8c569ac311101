#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that have their own main: SwiftPM gives
// every executable a Swift main, so the fuzzers start libFuzzer from it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
