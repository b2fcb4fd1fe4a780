// Package app wires the search service's routes into one HTTP handler with the platform's
// middleware: metrics by route pattern, a server span per request, JSON errors for everything.
package app

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"soulchat/search/internal/platform"
)

// Mounter is a group of routes; guard admits only the sidecar (it sends APP_API_TOKEN).
type Mounter interface {
	Mount(mux *http.ServeMux, guard func(http.Handler) http.Handler)
}

// New builds the handler: health, metrics and OpenAPI, then each group of routes.
func New(c platform.Config, log *slog.Logger, metrics *platform.Metrics, health *Health, groups ...Mounter) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", health.live)
	mux.HandleFunc("GET /readyz", health.ready)
	mux.Handle("GET /metrics", metrics.Handler())
	mux.HandleFunc("GET /openapi/search.json", serveOpenAPI)
	guard := sidecarOnly(c.AppAPIToken)
	for _, g := range groups {
		g.Mount(mux, guard)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { platform.WriteError(w, notFoundOrMethod(mux, r)) })
	return observe(log, metrics, recoverPanics(log, mux))
}

// notFoundOrMethod: a path some route serves with another method is a 405, anything else a 404.
func notFoundOrMethod(mux *http.ServeMux, r *http.Request) error {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" && method != r.Method {
			return platform.MethodNotAllowed()
		}
	}
	return platform.NotFound("route")
}

func sidecarOnly(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent := r.Header.Get("dapr-api-token")
			if token != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				platform.WriteError(w, platform.Unauthorized("missing or wrong app token"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// observe continues the caller's trace in a server span and counts the request by route pattern.
func observe(log *slog.Logger, metrics *platform.Metrics, next http.Handler) http.Handler {
	tracer := otel.Tracer("search")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		ctx := otel.GetTextMapPropagator().Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		metrics.Observe(r.Method, endpointOf(r), sw.status, time.Since(started))
		if sw.status >= 500 {
			log.ErrorContext(ctx, "request failed", "method", r.Method, "path", r.URL.Path, "status", sw.status)
		}
	})
}

// endpointOf is the matched route pattern ("/search"), never the raw path.
func endpointOf(r *http.Request) string {
	_, pattern, _ := strings.Cut(r.Pattern, " ")
	if pattern == "" || pattern == "/" {
		return "unmatched"
	}
	return pattern
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(r.Context(), "handler panicked", "panic", p)
				platform.WriteError(w, nil)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
