# Sourced by scripts/spark-scan and scripts/check-spark: makes sure a Java
# runtime and pyspark are present, installing what is missing as
# require-pcre2.sh does: Java from Debian (as root, with apt-get), pyspark
# from PyPI into a virtual environment ($CRMLINT_SPARK_VENV, default
# .spark-venv/ in the repository; not in git). Sets spark_python and
# spark_submit. Each failure is one clear line on stderr.
require_java() {
    if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then return 0; fi
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "crmlint: installing a Java runtime for Spark (default-jre-headless)..." >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >&2 || {
            echo "crmlint: error: could not install a Java runtime with apt-get; install Java 17 or later (apt-get install -y default-jre-headless) and retry" >&2
            return 1
        }
        command -v java >/dev/null 2>&1 && return 0
    fi
    echo "crmlint: error: Java is missing (Spark runs on it); run: sudo apt-get install -y default-jre-headless" >&2
    return 1
}

require_pyspark() {
    local root venv
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="${CRMLINT_SPARK_VENV:-$root/.spark-venv}"
    if command -v python3 >/dev/null 2>&1 && python3 -c "import pyspark" >/dev/null 2>&1; then
        spark_python=$(command -v python3)
    elif [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pyspark" >/dev/null 2>&1; then
        spark_python="$venv/bin/python"
    else
        if ! command -v python3 >/dev/null 2>&1; then
            echo "crmlint: error: python3 is missing (pyspark needs it); run: sudo apt-get install -y python3 python3-venv" >&2
            return 1
        fi
        echo "crmlint: installing pyspark from PyPI into $venv (once; about 450 MB)..." >&2
        if ! python3 -c "import ensurepip" >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv) >&2 || true
        fi
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark>=3.5"; } >&2; then
            echo "crmlint: error: could not install pyspark from PyPI into $venv (python3-venv missing, or no network?); pip install pyspark, or set CRMLINT_SKIP_SPARK=1 to skip the Spark check" >&2
            return 1
        fi
        spark_python="$venv/bin/python"
    fi
    local home
    home=$("$spark_python" -c "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
    spark_submit="$home/bin/spark-submit"
    if [ ! -x "$spark_submit" ]; then
        echo "crmlint: error: $spark_submit is missing: the pyspark installation is incomplete (reinstall: $spark_python -m pip install --force-reinstall pyspark)" >&2
        return 1
    fi
}
