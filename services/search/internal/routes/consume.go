package routes

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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

// created takes message.created in bulk: new messages of one request go into one index batch.
func (c *Consumer) created(w http.ResponseWriter, r *http.Request) {
	var bulk bulkDelivery
	if err := readJSON(r, &bulk); err != nil {
		platform.WriteError(w, platform.BadRequest("body is not a bulk delivery"))
		return
	}
	statuses := make([]map[string]string, 0, len(bulk.Entries))
	for _, entry := range bulk.Entries {
		err := inConsumerSpan(r.Context(), entry.Event, func(ctx context.Context) error { return c.createdOne(ctx, entry.Event) })
		outcome := c.count(r.Context(), entry.Event, err)
		statuses = append(statuses, map[string]string{"entryId": entry.EntryID, "status": string(outcome)})
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"statuses": statuses})
}

func (c *Consumer) createdOne(_ context.Context, e cloudEvent) error {
	var ev eventsv1.MessageCreated
	if err := decode(e.Data, &ev); err != nil {
		return err
	}
	id, err := envelopeID(ev.GetEnvelope())
	if err != nil {
		return err
	}
	created, err := time.Parse(time.RFC3339Nano, ev.GetCreatedAt())
	if err != nil || ev.GetMessageId() == "" || ev.GetConversationId() == "" {
		return errMalformed
	}
	m := domain.Message{
		ID: ev.GetMessageId(), ConversationID: ev.GetConversationId(), Seq: ev.GetSeq(), SenderID: ev.GetSenderId(),
		Kind: ev.GetKind(), Content: ev.GetContent(), CreatedAt: created,
	}
	return c.applyOnce(id, topicCreated, ev.GetEnvelope(), func(x *index.Index) error { return x.Created([]string{id}, []domain.Message{m}) })
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

// applyOnce runs change unless the event was applied before, then records the lag.
func (c *Consumer) applyOnce(eventID, topic string, env *eventsv1.EventEnvelope, change func(*index.Index) error) error {
	err := c.Index.Write(func(x *index.Index) error {
		seen, err := x.Seen(eventID)
		if err != nil || seen {
			return err
		}
		return change(x)
	})
	if err == nil {
		if lag, ok := lagSince(env.GetOccurredAt()); ok {
			c.Lag.WithLabelValues(topic).Observe(lag.Seconds())
		}
	}
	return err
}

func (c *Consumer) single(apply func(context.Context, cloudEvent) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var e cloudEvent
		if err := readJSON(r, &e); err != nil {
			platform.WriteError(w, platform.BadRequest("body is not a CloudEvent"))
			return
		}
		err := inConsumerSpan(r.Context(), e, func(ctx context.Context) error { return apply(ctx, e) })
		platform.WriteJSON(w, http.StatusOK, map[string]string{"status": string(c.count(r.Context(), e, err))})
	}
}

func (c *Consumer) count(ctx context.Context, e cloudEvent, err error) Outcome {
	outcome := outcomeOf(ctx, c.Log, e, err)
	c.Events.WithLabelValues(e.Topic, string(outcome)).Inc()
	return outcome
}
