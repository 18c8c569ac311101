#ifndef CRMLINT_BUILD_INFO_H
#define CRMLINT_BUILD_INFO_H
/// The git commit this binary was built from, or "unknown". scripts/package
/// sets it with `swift build -Xcc -DCRMLINT_GIT_COMMIT='"<sha>"'`: a C macro is
/// the one value SwiftPM can pass into a build without editing a source file.
const char *crmlint_git_commit(void);
/// How the release build was optimised: "profile-guided" when scripts/package
/// built it from its training scans' profile (-DCRMLINT_BUILD_OPTIMIZATION),
/// else "standard".
const char *crmlint_build_optimization(void);
#endif
