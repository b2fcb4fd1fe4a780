# Shared by setup.sh and doctor.sh: pinned versions and the cache layout.
# shellcheck shell=bash
_lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
set -a
# shellcheck source=tools/versions.env
source "$_lib_root/tools/versions.env"
set +a

SOULCHAT_CACHE=${SOULCHAT_CACHE:-$HOME/.cache/soulchat}

# The Dapr build is keyed by version and by a hash of our runtime module, so registering
# another component rebuilds it instead of reusing a stale binary.
dapr_source_hash() {
  (cd "$_lib_root/dapr/runtime" && cat go.mod go.sum cmd/daprd/*.go tools.go | sha256sum | cut -c1-12)
}

# Jaeger and Prometheus are built from our small modules under tools/observability/; keyed like
# Dapr, so a changed go.mod or go.sum (a bumped dependency, a replace) rebuilds.
observability_hash() { # module folder name
  (cd "$_lib_root/tools/observability/$1" && cat go.mod go.sum | sha256sum | cut -c1-12)
}

# The Go search service (services/search), keyed by its sources: an edit rebuilds it, a second
# clone of the same code reuses the binary.
search_source_hash() {
  (cd "$_lib_root/services/search" && { cat go.mod go.sum; find . -name '*.go' -o -name openapi.json | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-12)
}

DAPR_BIN="$SOULCHAT_CACHE/dapr-$DAPR_VERSION-$(dapr_source_hash)/bin"
KAFKA_HOME="$SOULCHAT_CACHE/kafka-$KAFKA_VERSION"
S3PROXY_HOME="$SOULCHAT_CACHE/s3proxy-$S3PROXY_VERSION"
ENVOY_HOME="$SOULCHAT_CACHE/envoy-$ENVOY_VERSION"
ENVOY_BIN="$ENVOY_HOME/envoy/_bin/envoy"
REDIS_HOME="$SOULCHAT_CACHE/redis-$REDIS_VERSION"
TILT_HOME="$SOULCHAT_CACHE/tilt-$TILT_VERSION"
TILT_BIN="$TILT_HOME/bin/tilt"
HELM_BIN="$SOULCHAT_CACHE/helm-$HELM_VERSION/bin/helm"
KUBECONFORM_BIN="$SOULCHAT_CACHE/kubeconform-$KUBECONFORM_VERSION/bin/kubeconform"
# buf finds it on PATH: tools/generate-contracts.sh puts its folder there.
PROTOC_GEN_GO_BIN="$SOULCHAT_CACHE/protoc-gen-go-$PROTOC_GEN_GO_VERSION/bin/protoc-gen-go"
JAEGER_BIN="$SOULCHAT_CACHE/jaeger-$JAEGER_VERSION-$(observability_hash jaeger)/bin/jaeger"
PROMETHEUS_BIN="$SOULCHAT_CACHE/prometheus-$PROMETHEUS_VERSION-$(observability_hash prometheus)/bin/prometheus"
PROMTOOL_BIN="$(dirname "$PROMETHEUS_BIN")/promtool"
SEARCH_BIN="$SOULCHAT_CACHE/search-$(search_source_hash)/bin/search"
# pip --target folders: run with PYTHONPATH set to them (see tools/deploy/ and tests/profiles/).
KUBE_VALIDATE_HOME="$SOULCHAT_CACHE/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
AIOSMTPD_HOME="$SOULCHAT_CACHE/aiosmtpd-$AIOSMTPD_VERSION"
SCHEMATHESIS_HOME="$SOULCHAT_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
# Dapr's CRDs (from the same github.com/dapr/dapr module as daprd) as JSON schemas for kubeconform.
DAPR_CRD_SCHEMAS="$SOULCHAT_CACHE/dapr-crd-schemas-$DAPR_VERSION"
export SOULCHAT_CACHE DAPR_BIN KAFKA_HOME S3PROXY_HOME ENVOY_HOME ENVOY_BIN REDIS_HOME
export TILT_HOME TILT_BIN HELM_BIN KUBECONFORM_BIN PROTOC_GEN_GO_BIN KUBE_VALIDATE_HOME AIOSMTPD_HOME SCHEMATHESIS_HOME DAPR_CRD_SCHEMAS
export JAEGER_BIN PROMETHEUS_BIN PROMTOOL_BIN SEARCH_BIN
# podman's settings for our images (tools/setup.sh --images writes it): the runc runtime and no
# default ulimits, which is what runs on hosts whose cgroup layout crun rejects.
CONTAINERS_CONF="$SOULCHAT_CACHE/containers/containers.conf"
