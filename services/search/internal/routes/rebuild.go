package routes

import (
	"context"
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

const exportPageSize = 1000

// Rebuilder refills the index from the chat service's history (its internal export).
type Rebuilder struct {
	Index *index.Live
	Dapr  *platform.Dapr
	Log   *slog.Logger
}

func (b *Rebuilder) Mount(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("POST /internal/rebuild", guard(http.HandlerFunc(b.rebuild)))
}

func (b *Rebuilder) rebuild(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	indexed := 0
	err := b.Index.Rebuild(func(fresh, old *index.Index) error {
		gone, err := old.GoneUsers()
		if err != nil {
			return err
		}
		indexed, err = b.fill(r.Context(), fresh, gone)
		return err
	})
	if err == index.ErrRebuilding {
		platform.WriteError(w, &platform.AppError{Status: http.StatusConflict, Code: "CONFLICT", Message: "a rebuild is already running"})
		return
	}
	if err != nil {
		b.Log.ErrorContext(r.Context(), "rebuild failed; the old index stays", "err", err)
		platform.WriteError(w, platform.Unavailable("rebuild failed: "+err.Error()))
		return
	}
	b.Log.InfoContext(r.Context(), "index rebuilt", "messages", indexed, "seconds", time.Since(started).Seconds())
	platform.WriteJSON(w, http.StatusOK, map[string]any{"messages": indexed, "seconds": time.Since(started).Seconds()})
}

func (b *Rebuilder) fill(ctx context.Context, fresh *index.Index, gone []string) (int, error) {
	total, cursor := 0, ""
	for first := true; first || cursor != ""; first = false {
		page, err := b.page(ctx, cursor)
		if err != nil {
			return total, err
		}
		messages, deleted := split(page.GetMessages())
		if err := fresh.Restore(messages, deleted, gone); err != nil {
			return total, err
		}
		total += len(messages)
		cursor = page.GetNextCursor()
	}
	return total, nil
}

func (b *Rebuilder) page(ctx context.Context, after string) (*chatv1.MessageExportPage, error) {
	path := fmt.Sprintf("internal/messages/export?limit=%d&after=%s", exportPageSize, url.QueryEscape(after))
	body, err := b.Dapr.Invoke(ctx, "chat", path)
	if err != nil {
		return nil, err
	}
	var page chatv1.MessageExportPage
	return &page, decodeReply(body, &page)
}

func split(exported []*chatv1.ExportedMessage) (messages []domain.Message, deleted []string) {
	for _, e := range exported {
		if e.GetDeleted() {
			deleted = append(deleted, e.GetMessageId())
			continue
		}
		created, _ := time.Parse(time.RFC3339Nano, e.GetCreatedAt())
		edited, _ := time.Parse(time.RFC3339Nano, e.GetEditedAt())
		messages = append(messages, domain.Message{
			ID: e.GetMessageId(), ConversationID: e.GetConversationId(), Seq: e.GetSeq(), SenderID: e.GetSenderId(),
			Kind: e.GetKind(), Content: e.GetContent(), CreatedAt: created, EditedAt: edited,
		})
	}
	return messages, deleted
}
