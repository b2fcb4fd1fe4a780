// Package index is the search service's store: a Bleve index on local disk (its "database"),
// rebuilt from the chat service's history when lost.
package index

import (
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/segment"
)

const (
	wordsTokenizer = "soulchat_words"
	textAnalyzer   = "soulchat_text"
	bigramFilter   = "soulchat_cjk_bigram"
)

// wordsAndEmoji splits text at Unicode word boundaries (UAX #29) like Bleve's unicode
// tokenizer, but keeps emoji: that tokenizer drops every segment that is not a word, and
// people search for 🎉 too. Ideographs and kana are typed so the CJK bigram filter pairs them.
type wordsAndEmoji struct{}

func (wordsAndEmoji) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	seg := segment.NewWordSegmenterDirect(input)
	start, pos := 0, 1
	for seg.Segment() {
		b := seg.Bytes()
		end := start + len(b)
		if kind, ok := tokenType(seg.Type(), b); ok {
			out = append(out, &analysis.Token{Term: b, Start: start, End: end, Position: pos, Type: kind})
			pos++
		}
		start = end
	}
	return out
}

func tokenType(segType int, b []byte) (analysis.TokenType, bool) {
	switch segType {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic, true
	case segment.Number:
		return analysis.Numeric, true
	case segment.None:
		return analysis.AlphaNumeric, isEmoji(string(b))
	}
	return analysis.AlphaNumeric, true
}

// isEmoji: a segment holding a pictographic symbol (emoji, with any modifiers or joiners).
func isEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || unicode.Is(unicode.So, r) {
			return true
		}
	}
	return false
}

func init() {
	registry.RegisterTokenizer(wordsTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordsAndEmoji{}, nil
	})
}

// addTextAnalyzer: words and emoji, full-width folded, lower case, and CJK runs indexed as
// bigrams plus single characters, so a one-character query (猫) finds a longer text too.
func addTextAnalyzer(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomTokenFilter(bigramFilter, map[string]any{"type": cjk.BigramName, "output_unigram": true}); err != nil {
		return err
	}
	return m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     wordsTokenizer,
		"token_filters": []any{cjk.WidthName, lowercase.Name, bigramFilter},
	})
}

// queryAnalyzer reads a query like the text, but without the single CJK characters beside their
// bigrams: 会议项目 asks for 会议, 议项 and 项目 only (every one of which a matching text holds),
// not also for 会, 议, 项 and 目, whose long posting lists made each query several times slower.
// A lone character (吃) still comes out as itself.
var queryAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	cache := registry.NewCache()
	if _, err := cache.DefineTokenFilter("query_bigram", map[string]any{"type": cjk.BigramName, "output_unigram": false}); err != nil {
		panic(err)
	}
	a, err := cache.DefineAnalyzer("query", map[string]any{
		"type":          custom.Name,
		"tokenizer":     wordsTokenizer,
		"token_filters": []any{cjk.WidthName, lowercase.Name, "query_bigram"},
	})
	if err != nil {
		panic(err)
	}
	return a
})

// queryTerms are the distinct terms a text must all contain to match the query.
func queryTerms(text string) []string {
	var terms []string
	seen := map[string]bool{}
	for _, t := range queryAnalyzer().Analyze([]byte(text)) {
		if term := string(t.Term); !seen[term] {
			seen[term] = true
			terms = append(terms, term)
		}
	}
	return terms
}
