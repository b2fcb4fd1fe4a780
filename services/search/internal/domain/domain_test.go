package domain

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseQueryAcceptsEveryFilter(t *testing.T) {
	q, err := ParseQuery(url.Values{
		"q": {" 你好 🎉 "}, "conversationId": {"c-1"}, "senderId": {"u_2"},
		"from": {"2026-01-01T00:00:00Z"}, "to": {"2026-02-01T00:00:00.5Z"}, "limit": {"7"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "你好 🎉" || q.ConversationID != "c-1" || q.SenderID != "u_2" || q.Limit != 7 {
		t.Fatalf("unexpected query %+v", q)
	}
	if !q.To.Equal(time.Date(2026, 2, 1, 0, 0, 0, 5e8, time.UTC)) {
		t.Fatalf("to parsed as %v", q.To)
	}
}

func TestParseQueryRefusesBadInputByField(t *testing.T) {
	cases := map[string]url.Values{
		"q":              {"q": {"   "}},
		"limit":          {"q": {"x"}, "limit": {"51"}},
		"from":           {"q": {"x"}, "from": {"yesterday"}},
		"to":             {"q": {"x"}, "from": {"2026-02-01T00:00:00Z"}, "to": {"2026-01-01T00:00:00Z"}},
		"conversationId": {"q": {"x"}, "conversationId": {"a/b"}},
		"cursor":         {"q": {"x"}, "cursor": {"!!"}},
	}
	cases["q"] = url.Values{"q": {strings.Repeat("字", MaxQueryRunes+1)}}

	cases["senderId"] = url.Values{"q": {"x"}, "senderId": {"x", "y"}}
	for field, values := range cases {
		_, err := ParseQuery(values)
		var bad *InvalidInput
		if !errors.As(err, &bad) || bad.Field != field {
			t.Errorf("%s: want an InvalidInput naming %s, got %v", field, field, err)
		}
	}
}

func TestCursorRoundTripsAndRefusesForgeries(t *testing.T) {
	keys, err := DecodeCursor(EncodeCursor(1.25, "m-1"))
	if err != nil || keys[0] != "1.25" || keys[1] != "m-1" {
		t.Fatalf("round trip gave %v, %v", keys, err)
	}
	for _, forged := range []string{
		EncodeCursorRaw(`["x","m-1"]`), EncodeCursorRaw(`["1"]`), EncodeCursorRaw(`["1","a b"]`), EncodeCursorRaw(`{}`),
		strings.Repeat("A", maxCursorLen+1),
	} {
		if _, err := DecodeCursor(forged); err == nil {
			t.Errorf("cursor %q was accepted", forged)
		}
	}
}

func TestAnOlderEditNeverReplacesANewerOne(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := Edit{EditedAt: at}
	if !e.Newer(time.Time{}) || !e.Newer(at.Add(-time.Second)) || e.Newer(at) || e.Newer(at.Add(time.Second)) {
		t.Fatal("Edit.Newer ordered edits wrongly")
	}
}

// Found by the fuzzer: a year the index cannot hold (int64 nanoseconds) was a 500.
func TestYearsTheIndexCannotHoldAreRefused(t *testing.T) {
	for field, value := range map[string]string{"to": "1125-09-19T22:10:44.473722Z", "from": "9999-01-01T00:00:00Z"} {
		_, err := ParseQuery(url.Values{"q": {"x"}, field: {value}})
		var bad *InvalidInput
		if !errors.As(err, &bad) || bad.Field != field {
			t.Errorf("%s=%s: want an InvalidInput, got %v", field, value, err)
		}
	}
}
