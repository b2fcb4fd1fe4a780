package routes

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"soulchat/search/internal/domain"
	"soulchat/search/internal/index"
)

func newConsumer(t *testing.T) (*Consumer, *http.ServeMux) {
	live, err := index.OpenLive(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close() })
	lag, events := NewConsumerMetrics()
	c := &Consumer{Index: live, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Lag: lag, Events: events}
	mux := http.NewServeMux()
	c.Mount(mux, func(h http.Handler) http.Handler { return h })
	return c, mux
}

func created(eventID, messageID, content string) map[string]any {
	return map[string]any{"id": "ce-" + eventID, "topic": "message.created", "data": map[string]any{
		"envelope":  map[string]any{"id": eventID, "type": "message.created", "occurredAt": time.Now().UTC().Format(time.RFC3339Nano)},
		"messageId": messageID, "conversationId": "c1", "seq": "3", "senderId": "u1", "kind": "text",
		"content": content, "createdAt": time.Now().UTC().Format(time.RFC3339Nano), "memberIds": []string{"u1", "u2"},
		"someFutureField": true,
	}}
}

func post(t *testing.T, mux *http.ServeMux, path string, body any) map[string]any {
	raw, _ := json.Marshal(body)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(raw)))
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s answered %d %s", path, rec.Code, rec.Body.String())
	}
	return out
}

func TestABulkDeliveryIsIndexedOnceAndABadEntryDropped(t *testing.T) {
	c, mux := newConsumer(t)
	bulk := map[string]any{"entries": []map[string]any{
		{"entryId": "1", "event": created("e1", "m1", "hello 世界")},
		{"entryId": "2", "event": map[string]any{"id": "x", "topic": "message.created", "data": map[string]any{"seq": "not a number"}}},
		{"entryId": "3", "event": created("e1", "m1", "hello 世界")},
	}}
	out := post(t, mux, "/events/message-created", bulk)
	statuses, _ := json.Marshal(out["statuses"])
	want := `[{"entryId":"1","status":"SUCCESS"},{"entryId":"2","status":"DROP"},{"entryId":"3","status":"SUCCESS"}]`
	if string(statuses) != want {
		t.Fatalf("statuses %s, want %s", statuses, want)
	}
	var count uint64
	_ = c.Index.Read(func(x *index.Index) (err error) { count, err = x.Count(); return err })
	if count != 1 {
		t.Fatalf("%d documents, want 1", count)
	}
	if n := testutil.CollectAndCount(c.Lag); n != 1 {
		t.Fatalf("lag series: %d", n)
	}
	if n := testutil.ToFloat64(c.Events.WithLabelValues("message.created", "SUCCESS")); n != 2 {
		t.Fatalf("%v successes counted, want 2", n)
	}
	post(t, mux, "/events/message-created", map[string]any{"entries": []map[string]any{{"entryId": "9", "event": created("e1", "m1", "hello 世界")}}})
	if got := lagCount(t, c); got != 1 {
		t.Fatalf("%d lag observations after a redelivery, want 1 (a skipped event is no lag)", got)
	}
}

func TestEditsAndDeletesArriveAsMessageUpdated(t *testing.T) {
	c, mux := newConsumer(t)
	post(t, mux, "/events/message-created", map[string]any{"entries": []map[string]any{{"entryId": "1", "event": created("e1", "m1", "first draft")}}})
	update := func(eventID, change, content string) string {
		out := post(t, mux, "/events/message-updated", map[string]any{"id": eventID, "topic": "message.updated", "data": map[string]any{
			"envelope":  map[string]any{"id": eventID, "occurredAt": time.Now().UTC().Format(time.RFC3339Nano)},
			"messageId": "m1", "conversationId": "c1", "seq": "3", "change": change, "content": content,
			"editedAt": time.Now().UTC().Format(time.RFC3339Nano),
		}})
		s, _ := out["status"].(string)
		return s
	}
	find := func(q string) int {
		var page domain.Page
		_ = c.Index.Read(func(x *index.Index) (err error) {
			page, err = x.Search(domain.Query{Text: q, Limit: 5}, []string{"c1"})
			return err
		})
		return len(page.Hits)
	}
	if update("u1", "edited", "final version") != "SUCCESS" || find("final") != 1 || find("draft") != 0 {
		t.Fatal("the edit did not replace the text")
	}
	if update("u2", "reactions", "") != "SUCCESS" || find("final") != 1 {
		t.Fatal("a reaction changed what is found")
	}
	if update("u3", "deleted", "") != "SUCCESS" || find("final") != 0 {
		t.Fatal("the deleted message is still found")
	}
}

func lagCount(t *testing.T, c *Consumer) uint64 {
	t.Helper()
	var m dto.Metric
	if err := c.Lag.WithLabelValues("message.created").(prometheus.Histogram).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}
