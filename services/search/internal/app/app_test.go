package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"soulchat/search/internal/platform"
)

type routesForTest struct{}

func (routesForTest) Mount(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("POST /events/x", guard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })))
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
}

func newTestApp(ready error) http.Handler {
	c := platform.Config{ServiceName: "search", AppAPIToken: "0123456789abcdef0123"}
	health := &Health{Checks: []Check{{Name: "sidecar", Check: func(context.Context) error { return ready }}}}
	return New(c, slog.New(slog.NewTextHandler(io.Discard, nil)), platform.NewMetrics("search"), health, routesForTest{})
}

func do(h http.Handler, method, path string, header map[string]string) (int, map[string]any, string) {
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Code, body, rec.Body.String()
}

func codeOf(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestEveryFailureIsOurJSONErrorModel(t *testing.T) {
	h := newTestApp(nil)
	cases := []struct {
		method, path string
		header       map[string]string
		status       int
		code         string
	}{
		{"GET", "/nowhere", nil, 404, "NOT_FOUND"},
		{"DELETE", "/healthz", nil, 405, "METHOD_NOT_ALLOWED"},
		{"POST", "/events/x", nil, 401, "UNAUTHORIZED"},
		{"POST", "/events/x", map[string]string{"dapr-api-token": "wrong-token-wrong-token"}, 401, "UNAUTHORIZED"},
		{"GET", "/boom", nil, 500, "INTERNAL"},
	}
	for _, c := range cases {
		status, body, raw := do(h, c.method, c.path, c.header)
		if status != c.status || codeOf(body) != c.code {
			t.Errorf("%s %s: got %d %s, want %d %s", c.method, c.path, status, raw, c.status, c.code)
		}
	}
	if status, _, _ := do(h, "POST", "/events/x", map[string]string{"dapr-api-token": "0123456789abcdef0123"}); status != 204 {
		t.Fatalf("the sidecar's own token was refused: %d", status)
	}
}

func TestReadinessAndMetricsByRoutePattern(t *testing.T) {
	if status, body, _ := do(newTestApp(errors.New("no sidecar")), "GET", "/readyz", nil); status != 503 || body["status"] != "not ready" {
		t.Fatalf("readyz with a failing check: %d %v", status, body)
	}
	h := newTestApp(nil)
	if status, _, _ := do(h, "GET", "/readyz", nil); status != 200 {
		t.Fatalf("readyz: %d", status)
	}
	do(h, "GET", "/nowhere/abc", nil)
	_, _, metrics := do(h, "GET", "/metrics", nil)
	for _, want := range []string{
		`http_requests_total{endpoint="/readyz",method="GET",service="search",status="200"} 1`,
		`http_requests_total{endpoint="unmatched",method="GET",service="search",status="404"} 1`,
		`http_request_duration_seconds_bucket{endpoint="/readyz",method="GET",service="search",le="0.005"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
