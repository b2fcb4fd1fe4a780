// Package domain is the search service's logic without I/O: what is indexed, what a query may
// ask, and how a page of results continues.
package domain

import "time"

// Message is what the index holds of one chat message.
type Message struct {
	ID             string
	ConversationID string
	Seq            uint64
	SenderID       string
	Kind           string
	Content        string
	CreatedAt      time.Time
	// Zero when never edited.
	EditedAt time.Time
}

// Edit is a message's new text; an older edit never replaces a newer one.
type Edit struct {
	MessageID string
	Content   string
	EditedAt  time.Time
}

// Newer says whether the edit should replace text last changed at `current` (zero: never).
func (e Edit) Newer(current time.Time) bool { return current.IsZero() || e.EditedAt.After(current) }

// Hit is one found message with its highlighted snippet (HTML: text escaped, matches in <mark>).
type Hit struct {
	Message Message
	Score   float64
	Snippet string
}

// Page is one page of hits, best first, and the cursor of the next page ("" at the end).
type Page struct {
	Hits       []Hit
	NextCursor string
}
