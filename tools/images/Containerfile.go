# The Containerfile for a Go service (runtime "go" in stack.json: the search service). Its binary
# is static (CGO_ENABLED=0, built by tools/setup.sh), so the image needs no libc, no Node and no
# shell: only the binary and the CA certificates, from scratch. The certificates come from the
# project's Debian base (tools/images/base.ts), so every image trusts the same bundle, and the
# build context brings the dpkg record of the one package they come from (tools/images/build.ts).
ARG BASE
FROM ${BASE} AS debian

FROM scratch
ARG SERVICE
ARG VERSION
ARG REVISION
ARG SOURCE
LABEL org.opencontainers.image.title="soulchat-${SERVICE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=debian /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY var/ /var/
COPY app/ /app/
WORKDIR /app
# No user database in the image: a bare uid, the same one the chart's securityContext names.
USER 10001:10001
# The binary is PID 1 and handles SIGTERM itself (it drains its HTTP server, then closes the index).
STOPSIGNAL SIGTERM
# `search healthcheck` GETs its own /healthz: a health check without a shell or curl.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/app/search", "healthcheck"]
ENTRYPOINT ["/app/search"]
