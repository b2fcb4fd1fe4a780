package main

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"soulchat/search/internal/domain"
	"soulchat/search/internal/index"
)

func TestFillWritesSearchableMessagesIntoTheGivenConversations(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	n, err := fill(dir, 12_000, conversations("real-1,real-2", 10), rand.New(rand.NewPCG(1, 7)))
	if err != nil || n != 12_000 {
		t.Fatalf("filled %d, %v", n, err)
	}
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if count, _ := x.Count(); count != 12_000 {
		t.Fatalf("%d documents", count)
	}
	for _, q := range []string{"火锅", "meeting", "🎉"} {
		page, err := x.Search(domain.Query{Text: q, Limit: 5}, []string{"real-1"})
		if err != nil || len(page.Hits) == 0 {
			t.Errorf("%s: no hits in a real conversation (%v)", q, err)
		}
	}
}
