package app

import (
	"context"
	"net/http"
	"time"

	"soulchat/search/internal/platform"
)

// Check is a named dependency check: nil when it answers.
type Check struct {
	Name  string
	Check func(context.Context) error
}

// Health: /healthz says the process is alive; /readyz says every dependency answers now.
type Health struct {
	Checks []Check
}

func (h *Health) live(w http.ResponseWriter, _ *http.Request) {
	platform.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (h *Health) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	results, ready := map[string]string{}, true
	for _, c := range h.Checks {
		results[c.Name] = "ok"
		if err := c.Check(ctx); err != nil {
			results[c.Name], ready = err.Error(), false
		}
	}
	status, word := http.StatusOK, "ready"
	if !ready {
		status, word = http.StatusServiceUnavailable, "not ready"
	}
	platform.WriteJSON(w, status, map[string]any{"status": word, "checks": results})
}
