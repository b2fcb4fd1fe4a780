package index

import (
	"errors"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Index holds the searchable messages. Besides documents it keeps, in Bleve's internal store
// and in the same batch as the change: the ids of applied events (a redelivery changes
// nothing), tombstones of deleted messages and users (a late create cannot bring them back),
// and edits that arrived before their message.
type Index struct {
	bleve bleve.Index
}

// Field names of an indexed message.
const (
	fieldConversation = "conversationId"
	fieldSender       = "senderId"
	fieldKind         = "kind"
	fieldContent      = "content"
	fieldCreatedAt    = "createdAt"
	fieldEditedAt     = "editedAt"
	fieldSeq          = "seq"
)

// Open opens the index at dir, creating it when there is none.
func Open(dir string) (*Index, error) {
	idx, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, mErr := newMapping()
		if mErr != nil {
			return nil, mErr
		}
		idx, err = bleve.New(dir, m)
	}
	if err != nil {
		return nil, err
	}
	return &Index{bleve: idx}, nil
}

// Close persists what is pending and releases the files.
func (x *Index) Close() error { return x.bleve.Close() }

// Count is how many messages are indexed.
func (x *Index) Count() (uint64, error) { return x.bleve.DocCount() }

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addTextAnalyzer(m); err != nil {
		return nil, err
	}
	keyword := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.DocValues = true, false, true
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index, f.Store, f.IncludeInAll = false, true, false
		return f
	}
	content := bleve.NewTextFieldMapping()
	content.Analyzer, content.Store, content.IncludeTermVectors = textAnalyzer, true, true
	created := bleve.NewDateTimeFieldMapping()
	created.Store, created.IncludeInAll = true, false
	seq := bleve.NewNumericFieldMapping()
	seq.Index, seq.Store, seq.IncludeInAll = false, true, false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldConversation, keyword())
	doc.AddFieldMappingsAt(fieldSender, keyword())
	doc.AddFieldMappingsAt(fieldKind, keyword())
	doc.AddFieldMappingsAt(fieldContent, content)
	doc.AddFieldMappingsAt(fieldCreatedAt, created)
	doc.AddFieldMappingsAt(fieldEditedAt, stored())
	doc.AddFieldMappingsAt(fieldSeq, seq)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = textAnalyzer
	return m, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
