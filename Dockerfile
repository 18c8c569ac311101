# crmlint in a container: built with the official Swift image, run on Debian
# slim. Not built by CI (no registry access there); scripts/check-package
# proves the same self-contained binary.
#
#   docker build -t crmlint .
#   docker run --rm -v "$PWD/exports:/data" crmlint scan /data
#   docker run --rm -v "$PWD/exports:/data" -v "$PWD/reports:/out" crmlint scan /data --format json -o /out/findings.json

FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpcre2-dev zlib1g-dev pkg-config git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The same self-contained build as a release (static Swift runtime, PCRE2, zlib).
RUN CRMLINT_SKIP_MANUAL=1 scripts/package && mkdir /pkg && tar -xzf dist/crmlint-*.tar.gz -C /pkg --strip-components=1

FROM debian:bookworm-slim
# libxml2: Foundation's XML parser (XLSX workbooks) links it dynamically; the
# rest (Swift runtime, Foundation, PCRE2, zlib, the rules) is inside the binary.
RUN apt-get update && apt-get install -y --no-install-recommends libxml2 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /pkg/bin/crmlint /usr/local/bin/crmlint
COPY --from=build /pkg/README.md /pkg/LICENSE /usr/share/doc/crmlint/
RUN useradd --system --home-dir /data crmlint
USER crmlint
WORKDIR /data
ENTRYPOINT ["crmlint"]
CMD ["--help"]
