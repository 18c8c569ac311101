# Sourced by the scripts: makes sure PCRE2's development files are present.
# Installs libpcre2-dev when running as root with apt; otherwise says what to do.
# Also zlib's (ZIPFoundation reads .xlsx workbooks with it on Linux).
require_pcre2() {
    if pkg-config --exists libpcre2-8 2>/dev/null && pkg-config --exists zlib 2>/dev/null; then return 0; fi
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "crmlint: installing libpcre2-dev and zlib1g-dev (PCRE2 and zlib development files)..." >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcre2-dev zlib1g-dev pkg-config) >&2 || {
            echo "crmlint: error: could not install libpcre2-dev and zlib1g-dev with apt-get; install them and retry" >&2
            return 1
        }
        pkg-config --exists libpcre2-8 && pkg-config --exists zlib && return 0
    fi
    if ! command -v pkg-config >/dev/null 2>&1; then
        echo "crmlint: error: pkg-config is missing; run: sudo apt-get install -y pkg-config libpcre2-dev" >&2
    else
        echo "crmlint: error: PCRE2 (libpcre2-8) or zlib not found; run: sudo apt-get install -y libpcre2-dev zlib1g-dev" >&2
    fi
    return 1
}

require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "crmlint: error: swift is not on PATH; install Swift 6.1 or later (https://swift.org/install)" >&2
        return 1
    fi
}
