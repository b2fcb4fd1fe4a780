//go:build tools

// Package tools pins the control-plane binaries built from the same dapr module as daprd.
package tools

import (
	_ "github.com/dapr/dapr/cmd/placement"
	_ "github.com/dapr/dapr/cmd/scheduler"
	_ "github.com/dapr/dapr/cmd/sentry"
)
