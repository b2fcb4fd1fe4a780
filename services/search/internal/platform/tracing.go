package platform

import (
	"context"
	"net/url"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// StartTracing registers W3C trace context in and out (a trace continues through Dapr) and
// exports spans over OTLP/HTTP when an endpoint is configured, as the TypeScript services do.
func StartTracing(ctx context.Context, c Config) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(c.SampleRatio))),
		sdktrace.WithResource(resource.NewSchemaless(
			semconv.ServiceName(c.ServiceName),
			semconv.ServiceInstanceID(c.InstanceName),
		)),
	}
	if c.OTLPEndpoint != "" {
		u, _ := url.Parse(c.OTLPEndpoint)
		exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u.String()+"/v1/traces"))
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exporter))
	}
	provider := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(provider)
	return provider.Shutdown, nil
}
