// Package routes is the search service's HTTP surface: the public query, the sidecar's event
// deliveries, and the internal rebuild.
package routes

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	eventsv1 "soulchat/search/gen/soulchat/events/v1"
)

// The events the index follows, on the `pubsub` component (one consumer group for the app).
const (
	pubsub             = "pubsub"
	topicCreated       = "message.created"
	topicUpdated       = "message.updated"
	topicUserDeleted   = "user.deleted"
	createdBulkMax     = 100
	createdBulkAwaitMs = 50
)

// Outcome is what the sidecar is told per event: done, try again later, or give up on it.
type Outcome string

const (
	Success Outcome = "SUCCESS"
	Retry   Outcome = "RETRY"
	Drop    Outcome = "DROP"
)

// cloudEvent is an event as daprd delivers it; data is the contract's proto3 JSON.
type cloudEvent struct {
	ID          string          `json:"id"`
	Topic       string          `json:"topic"`
	Data        json.RawMessage `json:"data"`
	TraceParent string          `json:"traceparent"`
}

type bulkDelivery struct {
	Entries []struct {
		EntryID string     `json:"entryId"`
		Event   cloudEvent `json:"event"`
	} `json:"entries"`
}

// errMalformed: an event that cannot be decoded; retrying cannot make it better.
var errMalformed = errors.New("malformed event")

// Newer fields from a newer publisher are ignored, so a contract can grow without breaking us.
var decoder = protojson.UnmarshalOptions{DiscardUnknown: true}

// decodeReply reads another service's answer (a proto contract as JSON).
func decodeReply(body []byte, into proto.Message) error { return decoder.Unmarshal(body, into) }

func decode(data json.RawMessage, into proto.Message) error {
	if err := decoder.Unmarshal(data, into); err != nil {
		return errors.Join(errMalformed, err)
	}
	return nil
}

type subscription struct {
	PubsubName    string         `json:"pubsubname"`
	Topic         string         `json:"topic"`
	Route         string         `json:"route"`
	BulkSubscribe map[string]any `json:"bulkSubscribe,omitempty"`
}

func subscriptions() []subscription {
	return []subscription{
		{pubsub, topicCreated, "/events/message-created", map[string]any{
			"enabled": true, "maxMessagesCount": createdBulkMax, "maxAwaitDurationMs": createdBulkAwaitMs,
		}},
		{pubsub, topicUpdated, "/events/message-updated", nil},
		{pubsub, topicUserDeleted, "/events/user-deleted", nil},
	}
}

// startConsumerSpan continues the publisher's trace (the CloudEvent's traceparent) in a span.
func startConsumerSpan(ctx context.Context, e cloudEvent) (context.Context, trace.Span) {
	carrier := propagation.MapCarrier{"traceparent": e.TraceParent}
	ctx = otel.GetTextMapPropagator().Extract(ctx, carrier)
	return otel.Tracer("search").Start(ctx, "consume "+e.Topic, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.destination.name", e.Topic), attribute.String("messaging.message.id", e.ID)))
}

func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
	}
	span.End()
}

func outcomeOf(ctx context.Context, log *slog.Logger, e cloudEvent, err error) Outcome {
	switch {
	case err == nil:
		return Success
	case errors.Is(err, errMalformed):
		log.WarnContext(ctx, "dropping undeliverable event", "topic", e.Topic, "id", e.ID, "err", err)
		return Drop
	}
	log.WarnContext(ctx, "event not applied, the sidecar retries it", "topic", e.Topic, "id", e.ID, "err", err)
	return Retry
}

func lagSince(occurredAt string) (time.Duration, bool) {
	t, err := time.Parse(time.RFC3339Nano, occurredAt)
	if err != nil {
		return 0, false
	}
	return time.Since(t), true
}

func readJSON(r *http.Request, into any) error {
	return json.NewDecoder(http.MaxBytesReader(nil, r.Body, 8<<20)).Decode(into)
}

// envelopeID is the id consumers deduplicate by (the outbox keeps it across redeliveries).
func envelopeID(env *eventsv1.EventEnvelope) (string, error) {
	if env.GetId() == "" {
		return "", errors.Join(errMalformed, errors.New("no envelope id"))
	}
	return env.GetId(), nil
}
