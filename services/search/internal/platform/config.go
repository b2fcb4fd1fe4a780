// Package platform holds what every SoulChat service shares, in Go: configuration, logs,
// errors, metrics, tracing, token checks and the Dapr sidecar's HTTP API.
package platform

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the environment, read once at start-up (nothing else reads os.Getenv).
type Config struct {
	ServiceName   string
	InstanceName  string
	Port          int
	LogLevel      string
	DaprHTTPPort  int
	DaprAPIToken  string
	AppAPIToken   string
	ShutdownGrace time.Duration
	OTLPEndpoint  string
	SampleRatio   float64
	DataDir       string
}

// LoadConfig parses the environment and names every problem at once, like the TypeScript
// services' zod schema does.
func LoadConfig(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		ServiceName:   p.str("SERVICE_NAME", ""),
		InstanceName:  p.optional("INSTANCE_NAME"),
		Port:          p.port("PORT"),
		LogLevel:      p.oneOf("LOG_LEVEL", "info", "fatal", "error", "warn", "info", "debug", "trace", "silent"),
		DaprHTTPPort:  p.port("DAPR_HTTP_PORT"),
		DaprAPIToken:  p.secret("DAPR_API_TOKEN"),
		AppAPIToken:   p.secret("APP_API_TOKEN"),
		ShutdownGrace: time.Duration(p.int("SHUTDOWN_GRACE_MS", "10000", 0, 600_000)) * time.Millisecond,
		OTLPEndpoint:  p.url("OTEL_EXPORTER_OTLP_ENDPOINT"),
		SampleRatio:   p.ratio("TRACE_SAMPLE_RATIO", "1"),
		DataDir:       p.str("DATA_DIR", ""),
	}
	if c.InstanceName == "" {
		c.InstanceName = c.ServiceName
	}
	if len(p.problems) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n  %s", strings.Join(p.problems, "\n  "))
	}
	return c, nil
}

type parser struct {
	getenv   func(string) string
	problems []string
}

func (p *parser) fail(name, why string) { p.problems = append(p.problems, name+": "+why) }

func (p *parser) optional(name string) string { return strings.TrimSpace(p.getenv(name)) }

func (p *parser) str(name, fallback string) string {
	v := p.optional(name)
	if v == "" {
		v = fallback
	}
	if v == "" {
		p.fail(name, "required")
	}
	return v
}

func (p *parser) int(name, fallback string, min, max int) int {
	v := p.optional(name)
	if v == "" {
		v = fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		p.fail(name, fmt.Sprintf("expected an integer from %d to %d, got %q", min, max, v))
	}
	return n
}

func (p *parser) port(name string) int { return p.int(name, "", 1, 65535) }

func (p *parser) secret(name string) string {
	v := p.optional(name)
	if v != "" && len(v) < 16 {
		p.fail(name, "too short (at least 16 characters)")
	}
	return v
}

func (p *parser) url(name string) string {
	v := p.optional(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		p.fail(name, "not a URL")
	}
	return strings.TrimRight(v, "/")
}

func (p *parser) ratio(name, fallback string) float64 {
	v := p.optional(name)
	if v == "" {
		v = fallback
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		p.fail(name, "expected a number from 0 to 1")
	}
	return f
}

func (p *parser) oneOf(name, fallback string, allowed ...string) string {
	v := p.optional(name)
	if v == "" {
		v = fallback
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "expected one of "+strings.Join(allowed, ", "))
	return fallback
}
