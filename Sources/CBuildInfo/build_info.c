#include "crmlint_build_info.h"

#ifndef CRMLINT_GIT_COMMIT
#define CRMLINT_GIT_COMMIT "unknown"
#endif

const char *crmlint_git_commit(void) { return CRMLINT_GIT_COMMIT; }

#ifndef CRMLINT_BUILD_OPTIMIZATION
#define CRMLINT_BUILD_OPTIMIZATION "standard"
#endif

const char *crmlint_build_optimization(void) { return CRMLINT_BUILD_OPTIMIZATION; }
