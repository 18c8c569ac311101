# Sourced by the scripts: makes sure PCRE2's development files are present.
# Installs libpcre2-dev when running as root with apt; otherwise says what to do.
require_pcre2() {
    if pkg-config --exists libpcre2-8 2>/dev/null; then return 0; fi
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "crmlint: installing libpcre2-dev (PCRE2 development files)..." >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcre2-dev pkg-config) >&2 || {
            echo "crmlint: error: could not install libpcre2-dev with apt-get; install it and retry" >&2
            return 1
        }
        pkg-config --exists libpcre2-8 && return 0
    fi
    if ! command -v pkg-config >/dev/null 2>&1; then
        echo "crmlint: error: pkg-config is missing; run: sudo apt-get install -y pkg-config libpcre2-dev" >&2
    else
        echo "crmlint: error: PCRE2 (libpcre2-8) not found; run: sudo apt-get install -y libpcre2-dev" >&2
    fi
    return 1
}

require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "crmlint: error: swift is not on PATH; install Swift 6.1 or later (https://swift.org/install)" >&2
        return 1
    fi
}
