package routes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	chatv1 "soulchat/search/gen/soulchat/chat/v1"
	"soulchat/search/internal/domain"
	"soulchat/search/internal/index"
	"soulchat/search/internal/platform"
)

// Searcher answers GET /search for the caller named by the access token.
type Searcher struct {
	Index  *index.Live
	Tokens *platform.TokenVerifier
	Dapr   *platform.Dapr
	Log    *slog.Logger
}

type hitView struct {
	MessageID      string  `json:"messageId"`
	ConversationID string  `json:"conversationId"`
	Seq            uint64  `json:"seq"`
	SenderID       string  `json:"senderId"`
	Kind           string  `json:"kind"`
	CreatedAt      string  `json:"createdAt"`
	EditedAt       *string `json:"editedAt"`
	Score          float64 `json:"score"`
	// HTML: the text escaped, the matched words in <mark>.
	Snippet string `json:"snippet"`
}

type pageView struct {
	Results    []hitView `json:"results"`
	NextCursor *string   `json:"nextCursor"`
}

func (s *Searcher) Mount(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("GET /search", guard(http.HandlerFunc(s.search)))
}

func (s *Searcher) search(w http.ResponseWriter, r *http.Request) {
	userID, err := s.Tokens.Verify(r.Context(), r.Header.Get("authorization"))
	if err != nil {
		platform.WriteError(w, err)
		return
	}
	q, err := domain.ParseQuery(r.URL.Query())
	var bad *domain.InvalidInput
	if errors.As(err, &bad) {
		platform.WriteError(w, platform.BadRequest(bad.Error()))
		return
	}
	conversations, err := s.conversationsOf(r.Context(), userID)
	if err != nil {
		s.Log.WarnContext(r.Context(), "cannot ask chat for the caller's conversations", "err", err)
		platform.WriteError(w, platform.Unavailable("cannot check your conversations now; retry shortly"))
		return
	}
	var page domain.Page
	if err := s.Index.Read(func(x *index.Index) (e error) { page, e = x.Search(q, conversations); return e }); err != nil {
		s.Log.ErrorContext(r.Context(), "search failed", "err", err)
		platform.WriteError(w, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, viewOf(page))
}

// conversationsOf asks the chat service at query time, so leaving a group hides it at once.
func (s *Searcher) conversationsOf(ctx context.Context, userID string) ([]string, error) {
	body, err := s.Dapr.Invoke(ctx, "chat", fmt.Sprintf("internal/users/%s/conversations", url.PathEscape(userID)))
	if err != nil {
		return nil, err
	}
	var res chatv1.UserConversationsResponse
	if err := decodeReply(body, &res); err != nil {
		return nil, err
	}
	return res.GetConversationIds(), nil
}

func viewOf(page domain.Page) pageView {
	out := pageView{Results: make([]hitView, 0, len(page.Hits))}
	for _, h := range page.Hits {
		m := h.Message
		v := hitView{
			MessageID: m.ID, ConversationID: m.ConversationID, Seq: m.Seq, SenderID: m.SenderID, Kind: m.Kind,
			CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339Nano), Score: h.Score, Snippet: h.Snippet,
		}
		if !m.EditedAt.IsZero() {
			edited := m.EditedAt.UTC().Format(time.RFC3339Nano)
			v.EditedAt = &edited
		}
		out.Results = append(out.Results, v)
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return out
}
