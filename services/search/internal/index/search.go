package index

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"soulchat/search/internal/domain"
)

// Search finds messages in the given conversations (the caller's, asked at query time) that
// contain every word of the query, best first, a page at a time.
func (x *Index) Search(q domain.Query, conversations []string) (domain.Page, error) {
	allowed := conversations
	if q.ConversationID != "" {
		allowed = intersect(conversations, q.ConversationID)
	}
	terms := queryTerms(q.Text)
	// Punctuation alone has no words to find: nothing matches, not everything.
	if len(allowed) == 0 || len(terms) == 0 {
		return domain.Page{Hits: []domain.Hit{}}, nil
	}
	req := bleve.NewSearchRequestOptions(buildQuery(q, terms, allowed), q.Limit+1, 0, false)
	req.Fields = []string{"*"}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldContent)
	req.SortBy([]string{"-_score", "_id"})
	if q.After != nil {
		req.SetSearchAfter(q.After)
	}
	res, err := x.bleve.Search(req)
	if err != nil {
		return domain.Page{}, err
	}
	page := domain.Page{Hits: make([]domain.Hit, 0, len(res.Hits))}
	for i, h := range res.Hits {
		if i == q.Limit {
			last := page.Hits[len(page.Hits)-1]
			page.NextCursor = domain.EncodeCursor(last.Score, last.Message.ID)
			break
		}
		// CJK text matches as overlapping bigrams and single characters, which the highlighter
		// marks piece by piece in no fixed order: adjacent marks are one match.
		snippet := strings.ReplaceAll(strings.Join(h.Fragments[fieldContent], " … "), "</mark><mark>", "")
		page.Hits = append(page.Hits, domain.Hit{Message: messageOf(h.ID, h.Fields), Score: h.Score, Snippet: snippet})
	}
	return page, nil
}

func buildQuery(q domain.Query, terms, conversations []string) query.Query {
	must := []query.Query{termsQuery(fieldConversation, conversations)}
	for _, term := range terms {
		t := bleve.NewTermQuery(term)
		t.SetField(fieldContent)
		must = append(must, t)
	}
	if q.SenderID != "" {
		must = append(must, termsQuery(fieldSender, []string{q.SenderID}))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		inclusive := true
		dates := bleve.NewDateRangeInclusiveQuery(q.From, q.To, &inclusive, &inclusive)
		dates.SetField(fieldCreatedAt)
		must = append(must, dates)
	}
	conj := bleve.NewConjunctionQuery(must...)
	return conj
}

// termsQuery matches any of the values, unscored: Bleve then unions their posting lists into
// one bitmap, which a conjunction steps through far faster than a heap of term searchers.
func termsQuery(field string, values []string) query.Query {
	terms := make([]query.Query, 0, len(values))
	for _, v := range values {
		t := bleve.NewTermQuery(v)
		t.SetField(field)
		terms = append(terms, t)
	}
	return unscored{bleve.NewDisjunctionQuery(terms...)}
}

// unscored is a filter inside a scored query: it decides what matches, not how well.
type unscored struct{ query.Query }

func (u unscored) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, _ search.SearcherOptions) (search.Searcher, error) {
	return u.Query.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
}

func intersect(values []string, want string) []string {
	for _, v := range values {
		if v == want {
			return []string{want}
		}
	}
	return nil
}
