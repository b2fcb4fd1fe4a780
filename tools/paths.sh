#!/usr/bin/env bash
# Prints the cache layout as JSON for the TypeScript launcher, so paths are defined once.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
printf '{"cache":"%s","daprBin":"%s","kafkaHome":"%s","envoyBin":"%s","redisServer":"%s"}\n' \
  "$SOULCHAT_CACHE" "$DAPR_BIN" "$KAFKA_HOME" "$ENVOY_BIN" "$REDIS_HOME/bin/redis-server"
