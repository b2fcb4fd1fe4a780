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

DAPR_BIN="$SOULCHAT_CACHE/dapr-$DAPR_VERSION-$(dapr_source_hash)/bin"
KAFKA_HOME="$SOULCHAT_CACHE/kafka-$KAFKA_VERSION"
ENVOY_HOME="$SOULCHAT_CACHE/envoy-$ENVOY_VERSION"
ENVOY_BIN="$ENVOY_HOME/envoy/_bin/envoy"
REDIS_HOME="$SOULCHAT_CACHE/redis-$REDIS_VERSION"
export SOULCHAT_CACHE DAPR_BIN KAFKA_HOME ENVOY_HOME ENVOY_BIN REDIS_HOME
