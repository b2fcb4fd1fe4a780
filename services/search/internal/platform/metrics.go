package platform

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the app's own registry with the HTTP metrics every SoulChat service exports
// (same names and labels as the TypeScript services), plus the service's domain metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func NewMetrics(service string) *Metrics {
	reg := prometheus.NewRegistry()
	labels := prometheus.Labels{"service": service}
	wrapped := prometheus.WrapRegistererWith(labels, reg)
	wrapped.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests handled, by method, route pattern and status",
		}, []string{"method", "endpoint", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request duration in seconds, by method and route pattern",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}, []string{"method", "endpoint"}),
	}
	wrapped.MustRegister(m.requests, m.duration)
	return m
}

// Register adds domain metrics, labelled with the service like the HTTP ones.
func (m *Metrics) Register(service string, cs ...prometheus.Collector) {
	prometheus.WrapRegistererWith(prometheus.Labels{"service": service}, m.Registry).MustRegister(cs...)
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Observe records one request under its route pattern (never the raw path).
func (m *Metrics) Observe(method, endpoint string, status int, took time.Duration) {
	m.requests.WithLabelValues(method, endpoint, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, endpoint).Observe(took.Seconds())
}
