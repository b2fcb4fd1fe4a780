package routes

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	eventsv1 "soulchat/search/gen/soulchat/events/v1"
	"soulchat/search/internal/domain"
	"soulchat/search/internal/index"
	"soulchat/search/internal/platform"
)

// Consumer applies the chat and user events to the index, each event once (by envelope id).
type Consumer struct {
	Index *index.Live
	Log   *slog.Logger
	// Seconds from the change (the envelope's occurred_at) to searchable, per topic.
	Lag    *prometheus.HistogramVec
	Events *prometheus.CounterVec
}

// NewConsumerMetrics makes the index-lag histogram and the events counter.
func NewConsumerMetrics() (*prometheus.HistogramVec, *prometheus.CounterVec) {
	lag := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "search_index_lag_seconds",
		Help:    "Seconds from a change (event time) until it is searchable, by topic",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"topic"})
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "search_events_total",
		Help: "Events delivered to the search index, by topic and outcome",
	}, []string{"topic", "outcome"})
	return lag, events
}

func (c *Consumer) Mount(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("GET /dapr/subscribe", guard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		platform.WriteJSON(w, http.StatusOK, subscriptions())
	})))
	mux.Handle("POST /events/message-created", guard(http.HandlerFunc(c.created)))
	mux.Handle("POST /events/message-updated", guard(c.single(c.updated)))
	mux.Handle("POST /events/user-deleted", guard(c.single(c.userDeleted)))
}

// created takes message.created in bulk: the new messages of one request go into one index
// batch (one write to disk for up to 100 events, instead of one each).
func (c *Consumer) created(w http.ResponseWriter, r *http.Request) {
	var bulk bulkDelivery
	if err := readJSON(r, &bulk); err != nil {
		platform.WriteError(w, platform.BadRequest("body is not a bulk delivery"))
		return
	}
	outcomes := make([]Outcome, len(bulk.Entries))
	spans := make([]trace.Span, len(bulk.Entries))
	var batch createdBatch
	for i, entry := range bulk.Entries {
		ctx, span := startConsumerSpan(r.Context(), entry.Event)
		spans[i] = span
		m, eventID, occurred, err := decodeCreated(entry.Event)
		if err != nil {
			outcomes[i] = c.count(ctx, entry.Event, err)
			endSpan(span, err)
			continue
		}
		batch.add(i, eventID, m, occurred)
	}
	err := c.applyCreated(&batch)
	for _, i := range batch.entries {
		outcomes[i] = c.count(r.Context(), bulk.Entries[i].Event, err)
		endSpan(spans[i], err)
	}
	statuses := make([]map[string]string, len(bulk.Entries))
	for i, entry := range bulk.Entries {
		statuses[i] = map[string]string{"entryId": entry.EntryID, "status": string(outcomes[i])}
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"statuses": statuses})
}

// createdBatch is the decodable part of one bulk delivery.
type createdBatch struct {
	entries  []int
	eventIDs []string
	messages []domain.Message
	occurred []string
}

func (b *createdBatch) add(entry int, eventID string, m domain.Message, occurredAt string) {
	b.entries = append(b.entries, entry)
	b.eventIDs = append(b.eventIDs, eventID)
	b.messages = append(b.messages, m)
	b.occurred = append(b.occurred, occurredAt)
}

// applyCreated indexes the batch's events not applied before (a redelivery, or the same event
// twice in one request, is skipped), in one write.
func (c *Consumer) applyCreated(b *createdBatch) error {
	if len(b.entries) == 0 {
		return nil
	}
	var applied []int
	err := c.Index.Write(func(x *index.Index) error {
		var ids []string
		var fresh []domain.Message
		taken := map[string]bool{}
		for i, id := range b.eventIDs {
			seen, err := x.Seen(id)
			if err != nil {
				return err
			}
			if !seen && !taken[id] {
				taken[id] = true
				ids, fresh, applied = append(ids, id), append(fresh, b.messages[i]), append(applied, i)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		return x.Created(ids, fresh)
	})
	if err == nil {
		for _, i := range applied {
			c.observeLag(topicCreated, b.occurred[i])
		}
	}
	return err
}

func decodeCreated(e cloudEvent) (domain.Message, string, string, error) {
	var ev eventsv1.MessageCreated
	if err := decode(e.Data, &ev); err != nil {
		return domain.Message{}, "", "", err
	}
	id, err := envelopeID(ev.GetEnvelope())
	if err != nil {
		return domain.Message{}, "", "", err
	}
	created, err := time.Parse(time.RFC3339Nano, ev.GetCreatedAt())
	if err != nil || ev.GetMessageId() == "" || ev.GetConversationId() == "" {
		return domain.Message{}, "", "", errMalformed
	}
	m := domain.Message{
		ID: ev.GetMessageId(), ConversationID: ev.GetConversationId(), Seq: ev.GetSeq(), SenderID: ev.GetSenderId(),
		Kind: ev.GetKind(), Content: ev.GetContent(), CreatedAt: created,
	}
	return m, id, ev.GetEnvelope().GetOccurredAt(), nil
}

func (c *Consumer) updated(_ context.Context, e cloudEvent) error {
	var ev eventsv1.MessageUpdated
	if err := decode(e.Data, &ev); err != nil {
		return err
	}
	id, err := envelopeID(ev.GetEnvelope())
	if err != nil {
		return err
	}
	switch ev.GetChange() {
	case "deleted":
		return c.applyOnce(id, topicUpdated, ev.GetEnvelope(), func(x *index.Index) error { return x.Deleted(id, ev.GetMessageId()) })
	case "edited":
		at, err := time.Parse(time.RFC3339Nano, ev.GetEditedAt())
		if err != nil {
			return errMalformed
		}
		edit := domain.Edit{MessageID: ev.GetMessageId(), Content: ev.GetContent(), EditedAt: at}
		return c.applyOnce(id, topicUpdated, ev.GetEnvelope(), func(x *index.Index) error { return x.Edited(id, edit) })
	}
	return nil // reactions do not change what is found
}

func (c *Consumer) userDeleted(_ context.Context, e cloudEvent) error {
	var ev eventsv1.UserDeleted
	if err := decode(e.Data, &ev); err != nil {
		return err
	}
	id, err := envelopeID(ev.GetEnvelope())
	if err != nil || ev.GetUserId() == "" {
		return errMalformed
	}
	return c.applyOnce(id, topicUserDeleted, ev.GetEnvelope(), func(x *index.Index) error { return x.UserDeleted(id, ev.GetUserId()) })
}

// applyOnce runs change unless the event was applied before; only a change that ran counts
// toward the lag (a redelivery hours later is not hours of lag).
func (c *Consumer) applyOnce(eventID, topic string, env *eventsv1.EventEnvelope, change func(*index.Index) error) error {
	applied := false
	err := c.Index.Write(func(x *index.Index) error {
		seen, err := x.Seen(eventID)
		if err != nil || seen {
			return err
		}
		applied = true
		return change(x)
	})
	if err == nil && applied {
		c.observeLag(topic, env.GetOccurredAt())
	}
	return err
}

func (c *Consumer) observeLag(topic, occurredAt string) {
	if lag, ok := lagSince(occurredAt); ok {
		c.Lag.WithLabelValues(topic).Observe(lag.Seconds())
	}
}

func (c *Consumer) single(apply func(context.Context, cloudEvent) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var e cloudEvent
		if err := readJSON(r, &e); err != nil {
			platform.WriteError(w, platform.BadRequest("body is not a CloudEvent"))
			return
		}
		ctx, span := startConsumerSpan(r.Context(), e)
		err := apply(ctx, e)
		endSpan(span, err)
		platform.WriteJSON(w, http.StatusOK, map[string]string{"status": string(c.count(ctx, e, err))})
	}
}

func (c *Consumer) count(ctx context.Context, e cloudEvent, err error) Outcome {
	outcome := outcomeOf(ctx, c.Log, e, err)
	c.Events.WithLabelValues(e.Topic, string(outcome)).Inc()
	return outcome
}
