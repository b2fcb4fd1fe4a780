// The search service: full-text search over chat messages, in Go, joined to SoulChat only
// through proto/ contracts and its Dapr sidecar. This file wires; the logic is in internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"soulchat/search/internal/app"
	"soulchat/search/internal/index"
	"soulchat/search/internal/platform"
	"soulchat/search/internal/routes"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck())
	}
	c, err := platform.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	log := platform.NewLogger(os.Stdout, c.ServiceName, c.LogLevel)
	if err := run(c, log); err != nil {
		log.Error("search service stopped", "err", err)
		os.Exit(1)
	}
}

func run(c platform.Config, log *slog.Logger) error {
	ctx := context.Background()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	stopTracing, err := platform.StartTracing(ctx, c)
	if err != nil {
		return err
	}
	indexDir := filepath.Join(c.DataDir, "index")
	live, err := index.OpenLive(indexDir)
	if err != nil {
		return fmt.Errorf("open index %s: %w", indexDir, err)
	}
	server := &http.Server{Addr: fmt.Sprintf("127.0.0.1:%d", c.Port), Handler: handler(c, log, live), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.ListenAndServe() }()
	log.Info("listening", "port", c.Port, "index", indexDir)
	var sig os.Signal
	select {
	case err := <-served:
		return err
	case sig = <-signals:
	}
	log.Info("shutting down", "signal", map[os.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[sig])
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownGrace)
	defer cancel()
	err = server.Shutdown(shutdownCtx)
	return errors.Join(err, live.Close(), stopTracing(shutdownCtx))
}

func handler(c platform.Config, log *slog.Logger, live *index.Live) http.Handler {
	dapr := platform.NewDapr(c)
	metrics := platform.NewMetrics(c.ServiceName)
	lag, events := routes.NewConsumerMetrics()
	metrics.Register(c.ServiceName, lag, events)
	tokens := platform.NewTokenVerifier(func(ctx context.Context) ([]byte, error) {
		return dapr.Invoke(ctx, "user", ".well-known/jwks.json")
	})
	health := &app.Health{Checks: []app.Check{
		{Name: "sidecar", Check: dapr.Healthy},
		{Name: "index", Check: func(context.Context) error {
			return live.Read(func(x *index.Index) error { _, err := x.Count(); return err })
		}},
	}}
	return app.New(c, log, metrics, health,
		&routes.Searcher{Index: live, Tokens: tokens, Dapr: dapr, Log: log},
		&routes.Consumer{Index: live, Log: log, Lag: lag, Events: events},
		&routes.Rebuilder{Index: live, Dapr: dapr, Log: log},
	)
}

// healthcheck is the container's HEALTHCHECK: GET /healthz on PORT, no shell needed.
func healthcheck() int {
	res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%s/healthz", os.Getenv("PORT")))
	if err != nil || res.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
