package domain

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	MaxQueryRunes = 200
	DefaultLimit  = 20
	MaxLimit      = 50
	maxCursorLen  = 512
)

var (
	earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

var idRule = regexp.MustCompile(`^[A-Za-z0-9_-]{1,36}$`)

// Query is one validated search request.
type Query struct {
	Text           string
	ConversationID string
	SenderID       string
	From, To       time.Time
	Limit          int
	// The score and id of the last hit of the previous page; nil for the first page.
	After []string
}

// InvalidInput is a query a client must change; Field names the parameter.
type InvalidInput struct{ Field, Reason string }

func (e *InvalidInput) Error() string { return e.Field + ": " + e.Reason }

func invalid(field, reason string) error { return &InvalidInput{field, reason} }

// ParseQuery reads GET /search's parameters: q (required), conversationId, senderId, from, to
// (RFC 3339), limit (1-50) and cursor (from the previous page).
func ParseQuery(v url.Values) (Query, error) {
	for name, values := range v {
		if len(values) > 1 {
			return Query{}, invalid(name, "given more than once")
		}
	}
	q := Query{Text: strings.TrimSpace(v.Get("q")), ConversationID: v.Get("conversationId"), SenderID: v.Get("senderId")}
	if q.Text == "" || !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > MaxQueryRunes {
		return Query{}, invalid("q", fmt.Sprintf("required, 1 to %d characters of valid UTF-8", MaxQueryRunes))
	}
	for field, id := range map[string]string{"conversationId": q.ConversationID, "senderId": q.SenderID} {
		if id != "" && !idRule.MatchString(id) {
			return Query{}, invalid(field, "must be 1 to 36 letters, digits, - or _")
		}
	}
	var err error
	if q.From, err = timeParam(v, "from"); err != nil {
		return Query{}, err
	}
	if q.To, err = timeParam(v, "to"); err != nil {
		return Query{}, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return Query{}, invalid("to", "is before from")
	}
	if q.Limit, err = limitParam(v.Get("limit")); err != nil {
		return Query{}, err
	}
	if q.After, err = DecodeCursor(v.Get("cursor")); err != nil {
		return Query{}, err
	}
	return q, nil
}

func timeParam(v url.Values, name string) (time.Time, error) {
	s := v.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, invalid(name, "must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
	}
	// The index stores times as nanoseconds since 1970 in an int64 (years 1678 to 2262).
	if t.Before(earliest) || t.After(latest) {
		return time.Time{}, invalid(name, "must be between 1970 and 2200")
	}
	return t, nil
}

func limitParam(s string) (int, error) {
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxLimit))
	}
	return n, nil
}

// EncodeCursor makes the opaque cursor of the page after a hit: its score and id, the two
// sort keys (relevance, then id so equal scores keep one order).
func EncodeCursor(score float64, id string) string {
	b, _ := json.Marshal([]string{strconv.FormatFloat(score, 'g', -1, 64), id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reverses EncodeCursor; anything else is a client error, never a crash.
func DecodeCursor(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	bad := invalid("cursor", "not a cursor this service gave out")
	if len(s) > maxCursorLen {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var keys []string
	if json.Unmarshal(b, &keys) != nil || len(keys) != 2 || keys[1] == "" {
		return nil, bad
	}
	if _, err := strconv.ParseFloat(keys[0], 64); err != nil || !idRule.MatchString(keys[1]) {
		return nil, bad
	}
	return keys, nil
}
