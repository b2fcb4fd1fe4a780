#!/usr/bin/env bash
# Prints the cache layout as JSON for the TypeScript launcher, so paths are defined once.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
printf '{"cache":"%s","daprBin":"%s","kafkaHome":"%s","s3proxyHome":"%s","envoyBin":"%s","redisServer":"%s",' \
  "$SOULCHAT_CACHE" "$DAPR_BIN" "$KAFKA_HOME" "$S3PROXY_HOME" "$ENVOY_BIN" "$REDIS_HOME/bin/redis-server"
printf '"tiltBin":"%s","helmBin":"%s","kubeconformBin":"%s","kubeValidateHome":"%s","aiosmtpdHome":"%s",' \
  "$TILT_BIN" "$HELM_BIN" "$KUBECONFORM_BIN" "$KUBE_VALIDATE_HOME" "$AIOSMTPD_HOME"
printf '"jaegerBin":"%s","prometheusBin":"%s","promtoolBin":"%s","schemathesisHome":"%s",' \
  "$JAEGER_BIN" "$PROMETHEUS_BIN" "$PROMTOOL_BIN" "$SCHEMATHESIS_HOME"
printf '"imageSuite":"%s","imageNodeVersion":"%s","containersConf":"%s",' \
  "$IMAGE_SUITE" "$IMAGE_NODE_VERSION" "$CONTAINERS_CONF"
printf '"daprCrdSchemas":"%s","kubeVersion":"%s","searchBin":"%s"}\n' "$DAPR_CRD_SCHEMAS" "$KUBE_VERSION" "$SEARCH_BIN"
