package platform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// Dapr calls other apps through this app's sidecar: the only way SoulChat services talk.
type Dapr struct {
	base     string
	apiToken string
	client   *http.Client
}

func NewDapr(c Config) *Dapr {
	return &Dapr{
		base:     fmt.Sprintf("http://127.0.0.1:%d", c.DaprHTTPPort),
		apiToken: c.DaprAPIToken,
		client:   &http.Client{Timeout: 10 * time.Second},
	}
}

// DaprError is a call that did not answer 2xx: the status is the callee's (or the sidecar's).
type DaprError struct {
	Status int
	Body   string
}

func (e *DaprError) Error() string {
	return fmt.Sprintf("dapr call failed with %d: %s", e.Status, e.Body)
}

// Invoke GETs another app's route through both sidecars and returns its body (JSON; the
// caller decodes it with the contract's generated type); the active trace continues.
func (d *Dapr) Invoke(ctx context.Context, appID, path string) ([]byte, error) {
	url := fmt.Sprintf("%s/v1.0/invoke/%s/method/%s", d.base, appID, strings.TrimPrefix(path, "/"))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(req.Header))
	if d.apiToken != "" {
		req.Header.Set("dapr-api-token", d.apiToken)
	}
	res, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 300 {
		return nil, &DaprError{Status: res.StatusCode, Body: string(body)}
	}
	return body, nil
}

// Healthy says whether the sidecar answers (the readiness check).
func (d *Dapr) Healthy(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base+"/v1.0/healthz/outbound", nil)
	if err != nil {
		return err
	}
	res, err := d.client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("sidecar answered %d", res.StatusCode)
	}
	return nil
}
