// The classifiers are static inline in the header, so Swift inlines them; a C target needs a source file.
#include "crmlint_byte_scan.h"
