#include "crmlint_build_info.h"

#ifndef CRMLINT_GIT_COMMIT
#define CRMLINT_GIT_COMMIT "unknown"
#endif

const char *crmlint_git_commit(void) { return CRMLINT_GIT_COMMIT; }
