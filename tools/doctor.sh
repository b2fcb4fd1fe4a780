#!/usr/bin/env bash
# Prints every component with its pinned version and where it lives; exits 1 if one is missing.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
missing=0

row() { # name pinned found-version path
  local state=ok
  if [[ -z $3 ]]; then state=MISSING; missing=1; fi
  printf '%-13s %-8s %-8s %-12s %s\n' "$1" "$state" "$2" "${3:--}" "$4"
}
version_of() { [[ -x $1 ]] && "${@:2}" 2>/dev/null | grep -m1 .; }

printf '%-13s %-8s %-8s %-12s %s\n' component state pinned found where
row node ">=20.10" "$(node --version 2>/dev/null)" "$(command -v node)"
row go "$(grep -m1 '^go ' "$root/dapr/runtime/go.mod" | cut -d' ' -f2)" "$(go env GOVERSION 2>/dev/null)" "$(command -v go)"
row java 17 "$(java -version 2>&1 | head -1 | cut -d'"' -f2)" "$(command -v java)"
# Only daprd has --version; the control plane binaries come from the same build, recorded in .complete.
built=$(cat "$DAPR_BIN/.complete" 2>/dev/null)
row daprd "$DAPR_VERSION" "$(version_of "$DAPR_BIN/daprd" "$DAPR_BIN/daprd" --version)" "$DAPR_BIN/daprd"
for bin in placement scheduler sentry; do
  row "$bin" "$DAPR_VERSION" "$([[ -x $DAPR_BIN/$bin ]] && echo "$built")" "$DAPR_BIN/$bin"
done
kafka_jar=$(ls "$KAFKA_HOME"/libs/kafka_2.13-*.jar 2>/dev/null | head -1)
row kafka "$KAFKA_VERSION" "$(basename "${kafka_jar:-}" .jar | sed 's/kafka_2.13-//')" "$KAFKA_HOME/libs"
s3proxy_jar=$(ls "$S3PROXY_HOME"/libs/s3proxy-*.jar 2>/dev/null | head -1)
row s3proxy "$S3PROXY_VERSION" "$([[ -f $S3PROXY_HOME/.complete ]] && basename "${s3proxy_jar:-}" .jar | sed 's/s3proxy-//')" "$S3PROXY_HOME/libs"
row redis "$REDIS_VERSION" "$(version_of "$REDIS_HOME/bin/redis-server" "$REDIS_HOME/bin/redis-server" --version | sed -E 's/.*v=([0-9.]+).*/\1/')" "$REDIS_HOME/bin/redis-server"
row mariadb "$MARIADB_VERSION" "$(version_of "$(command -v mariadbd)" mariadbd --version | sed -E 's/.*Ver ([0-9.]+).*/\1/')" "$(command -v mariadbd)"
row chromium "debian" "$(version_of "$(command -v chromium)" chromium --version | grep -oE '[0-9]+(\.[0-9]+)+' | head -1)" "$(command -v chromium)"
row fonts "debian" "$([[ -d /usr/share/fonts/truetype/wqy && -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] && echo cjk+emoji)" "/usr/share/fonts/truetype"
web_version=$(node -p "require('$root/packages/web-app/package.json').version" 2>/dev/null)
row web-app "$web_version" "$([[ -f $root/packages/web-app/dist/index.html ]] && echo "$web_version")" "$root/packages/web-app/dist"
row envoy "$ENVOY_VERSION" "$(version_of "$ENVOY_BIN" "$ENVOY_BIN" --version | grep -oE '/[0-9]+\.[0-9]+\.[0-9]+/' | tr -d /)" "$ENVOY_BIN"
row helm "$HELM_VERSION" "$(version_of "$HELM_BIN" "$HELM_BIN" version --short | sed -E 's/^v([0-9.]+).*/\1/')" "$HELM_BIN"
row kubeconform "$KUBECONFORM_VERSION" "$(version_of "$KUBECONFORM_BIN" "$KUBECONFORM_BIN" -v | tr -d v)" "$KUBECONFORM_BIN"
row protoc-gen-go "$PROTOC_GEN_GO_VERSION" "$(version_of "$PROTOC_GEN_GO_BIN" "$PROTOC_GEN_GO_BIN" --version | sed -E 's/.* v([0-9.]+).*/\1/')" "$PROTOC_GEN_GO_BIN"
# The search service is built from this clone's Go sources: found is their hash (also in the
# path) once a finished build of exactly these sources is in the cache; after an edit, MISSING.
row search sources "$([[ -x $SEARCH_BIN && -f $(dirname "$SEARCH_BIN")/.complete ]] && search_source_hash)" "$SEARCH_BIN"
row k8s-schemas "$KUBERNETES_VALIDATE_VERSION" "$([[ -f $KUBE_VALIDATE_HOME/.complete ]] && echo "$KUBERNETES_VALIDATE_VERSION")" "$KUBE_VALIDATE_HOME"
row dapr-crds "$DAPR_VERSION" "$([[ -f $DAPR_CRD_SCHEMAS/.complete ]] && echo "$DAPR_VERSION")" "$DAPR_CRD_SCHEMAS"
row aiosmtpd "$AIOSMTPD_VERSION" "$([[ -f $AIOSMTPD_HOME/.complete ]] && echo "$AIOSMTPD_VERSION")" "$AIOSMTPD_HOME"
row schemathesis "$SCHEMATHESIS_VERSION" "$([[ -f $SCHEMATHESIS_HOME/.complete ]] && echo "$SCHEMATHESIS_VERSION")" "$SCHEMATHESIS_HOME"
# Tilt is opt-in (npm run setup -- --tilt): reported, but its absence is not a failure.
tilt_found=$(version_of "$TILT_BIN" "$TILT_BIN" version | sed -E 's/^v([0-9.]+).*/\1/')
printf '%-13s %-8s %-8s %-12s %s\n' tilt "$([[ -n $tilt_found ]] && echo ok || echo optional)" "$TILT_VERSION" "${tilt_found:--}" "$TILT_BIN"
# Jaeger and Prometheus are opt-in too (npm run setup -- --observability). Each reports its
# module version, recorded in .complete by the build, once the binary answers --version.
optional_row() { # name pinned binary
  local found="" marker
  marker="$(dirname "$3")/.complete"
  [[ -n $(version_of "$3" "$3" --version) ]] && found=$(cat "$marker" 2>/dev/null)
  printf '%-13s %-8s %-8s %-12s %s\n' "$1" "$([[ -n $found ]] && echo ok || echo optional)" "$2" "${found:--}" "$3"
}
optional_row jaeger "$JAEGER_VERSION" "$JAEGER_BIN"
optional_row prometheus "$PROMETHEUS_VERSION" "$PROMETHEUS_BIN"
optional_row promtool "$PROMETHEUS_VERSION" "$PROMTOOL_BIN"
# The image tools are opt-in too (npm run setup -- --images; npm run images installs them).
for tool in podman buildah runc mmdebstrap; do
  found=$(command -v "$tool" >/dev/null && "$tool" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
  printf '%-13s %-8s %-8s %-12s %s\n' "$tool" "$([[ -n $found ]] && echo ok || echo optional)" debian "${found:--}" "$(command -v "$tool")"
done
row node_modules lockfile "$([[ -d $root/node_modules/@dapr/dapr ]] && echo installed)" "$root/node_modules"
# The services' native addons (media's sharp with its libvips, user's argon2): npm installs the
# prebuilt binary for this platform as an optional dependency; found once it loads.
addon() { # name package service-workspace version-expression
  local pinned found
  pinned=$(node -p "require('$root/$3/package.json').dependencies['$2']" 2>/dev/null)
  found=$(cd "$root/$3" && node -p "$4" 2>/dev/null)
  row "$1" "$pinned" "$found" "$root/node_modules/$2"
}
addon sharp sharp services/media "require('sharp').versions.sharp"
addon argon2 @node-rs/argon2 services/user "require('@node-rs/argon2') && require('@node-rs/argon2/package.json').version"
if [[ $missing -ne 0 ]]; then echo "Something is missing: run 'npm run setup'." >&2; fi
exit $missing
