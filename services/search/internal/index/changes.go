package index

import (
	"encoding/json"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"soulchat/search/internal/domain"
)

// Internal keys (Bleve's key-value store beside the documents).
func eventKey(id string) []byte       { return []byte("event/" + id) }
func tombKey(messageID string) []byte { return []byte("tomb/" + messageID) }
func goneKey(userID string) []byte    { return []byte("gone/" + userID) }
func editKey(messageID string) []byte { return []byte("edit/" + messageID) }

// Seen says whether the event with this id was applied already.
func (x *Index) Seen(eventID string) (bool, error) {
	v, err := x.bleve.GetInternal(eventKey(eventID))
	return v != nil, err
}

// Created indexes new messages (one batch; events already applied are skipped by the caller).
func (x *Index) Created(eventIDs []string, messages []domain.Message) error {
	b := x.bleve.NewBatch()
	for i, m := range messages {
		keep, err := x.stillWanted(m)
		if err != nil {
			return err
		}
		if keep {
			if err := x.applyPendingEdit(b, &m); err != nil {
				return err
			}
			if err := b.Index(m.ID, docOf(m)); err != nil {
				return err
			}
		}
		b.SetInternal(eventKey(eventIDs[i]), stamp())
	}
	return x.bleve.Batch(b)
}

// stillWanted: not deleted before it arrived, and its sender's account not deleted.
func (x *Index) stillWanted(m domain.Message) (bool, error) {
	for _, key := range [][]byte{tombKey(m.ID), goneKey(m.SenderID)} {
		if v, err := x.bleve.GetInternal(key); err != nil || v != nil {
			return false, err
		}
	}
	return true, nil
}

func (x *Index) applyPendingEdit(b *bleve.Batch, m *domain.Message) error {
	raw, err := x.bleve.GetInternal(editKey(m.ID))
	if err != nil || raw == nil {
		return err
	}
	var e domain.Edit
	if err := json.Unmarshal(raw, &e); err != nil {
		return err
	}
	if e.Newer(m.EditedAt) {
		m.Content, m.EditedAt = e.Content, e.EditedAt
	}
	b.DeleteInternal(editKey(m.ID))
	return nil
}

// Edited replaces a message's text unless a newer edit is in; an edit that arrives before its
// message waits for it.
func (x *Index) Edited(eventID string, e domain.Edit) error {
	b := x.bleve.NewBatch()
	current, found, err := x.message(e.MessageID)
	if err != nil {
		return err
	}
	switch {
	case !found:
		raw, _ := json.Marshal(e)
		b.SetInternal(editKey(e.MessageID), raw)
	case e.Newer(current.EditedAt):
		current.Content, current.EditedAt = e.Content, e.EditedAt
		if err := b.Index(current.ID, docOf(current)); err != nil {
			return err
		}
	}
	b.SetInternal(eventKey(eventID), stamp())
	return x.bleve.Batch(b)
}

// Deleted removes a message for good.
func (x *Index) Deleted(eventID, messageID string) error {
	b := x.bleve.NewBatch()
	b.Delete(messageID)
	b.SetInternal(tombKey(messageID), stamp())
	b.SetInternal(eventKey(eventID), stamp())
	return x.bleve.Batch(b)
}

// UserDeleted removes every message the user sent, and any that arrive later.
func (x *Index) UserDeleted(eventID, userID string) error {
	for {
		ids, err := x.idsBy(fieldSender, userID, 1000)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return err
			}
			break
		}
		b := x.bleve.NewBatch()
		for _, id := range ids {
			b.Delete(id)
		}
		if err := x.bleve.Batch(b); err != nil {
			return err
		}
	}
	gone, err := x.GoneUsers()
	if err != nil {
		return err
	}
	list, _ := json.Marshal(append(gone, userID))
	b := x.bleve.NewBatch()
	b.SetInternal(goneKey(userID), stamp())
	b.SetInternal(goneListKey, list)
	b.SetInternal(eventKey(eventID), stamp())
	return x.bleve.Batch(b)
}

// goneListKey lists every deleted user, so a rebuild from the chat history (which keeps their
// messages for the other members) still leaves them out.
var goneListKey = []byte("gone-users")

// GoneUsers are the users whose account deletion the index applied.
func (x *Index) GoneUsers() ([]string, error) {
	raw, err := x.bleve.GetInternal(goneListKey)
	if err != nil || raw == nil {
		return nil, err
	}
	var users []string
	return users, json.Unmarshal(raw, &users)
}

// Restore fills a fresh index from exported messages: deleted ones become tombstones, and the
// deleted users carried over from the old index stay out.
func (x *Index) Restore(messages []domain.Message, deleted []string, gone []string) error {
	b := x.bleve.NewBatch()
	skip := map[string]bool{}
	for _, u := range gone {
		skip[u] = true
		b.SetInternal(goneKey(u), stamp())
	}
	if len(gone) > 0 {
		list, _ := json.Marshal(gone)
		b.SetInternal(goneListKey, list)
	}
	for _, m := range messages {
		if !skip[m.SenderID] {
			if err := b.Index(m.ID, docOf(m)); err != nil {
				return err
			}
		}
	}
	for _, id := range deleted {
		b.SetInternal(tombKey(id), stamp())
	}
	return x.bleve.Batch(b)
}

func (x *Index) idsBy(field, value string, size int) ([]string, error) {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	res, err := x.bleve.Search(bleve.NewSearchRequestOptions(q, size, 0, false))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids, nil
}

// message reads one indexed message back from its stored fields.
func (x *Index) message(id string) (domain.Message, bool, error) {
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = []string{"*"}
	res, err := x.bleve.Search(req)
	if err != nil || len(res.Hits) == 0 {
		return domain.Message{}, false, err
	}
	return messageOf(res.Hits[0].ID, res.Hits[0].Fields), true, nil
}

func stamp() []byte { return []byte(time.Now().UTC().Format(time.RFC3339)) }

func docOf(m domain.Message) map[string]any {
	return map[string]any{
		fieldConversation: m.ConversationID,
		fieldSender:       m.SenderID,
		fieldKind:         m.Kind,
		fieldContent:      m.Content,
		fieldCreatedAt:    m.CreatedAt.UTC(),
		fieldEditedAt:     formatTime(m.EditedAt),
		fieldSeq:          float64(m.Seq),
	}
}

func messageOf(id string, f map[string]any) domain.Message {
	str := func(name string) string { s, _ := f[name].(string); return s }
	at := func(name string) time.Time { t, _ := time.Parse(time.RFC3339Nano, str(name)); return t }
	seq, _ := f[fieldSeq].(float64)
	return domain.Message{
		ID: id, ConversationID: str(fieldConversation), SenderID: str(fieldSender), Kind: str(fieldKind),
		Content: str(fieldContent), CreatedAt: at(fieldCreatedAt), EditedAt: at(fieldEditedAt), Seq: uint64(seq),
	}
}
