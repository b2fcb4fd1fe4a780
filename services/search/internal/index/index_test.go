package index

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"soulchat/search/internal/domain"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func msg(id, conv, sender, content string, at time.Time) domain.Message {
	return domain.Message{ID: id, ConversationID: conv, SenderID: sender, Kind: "text", Content: content, CreatedAt: at, Seq: 1}
}

func create(t *testing.T, x *Index, ms ...domain.Message) {
	t.Helper()
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = "ev-" + m.ID
	}
	if err := x.Created(ids, ms); err != nil {
		t.Fatal(err)
	}
}

func ids(t *testing.T, x *Index, q domain.Query, convs ...string) []string {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 50
	}
	page, err := x.Search(q, convs)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, h := range page.Hits {
		out = append(out, h.Message.ID)
	}
	sort.Strings(out)
	return out
}

func same(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestFindsChineseJapaneseEmojiAndWordsInTheCallersConversations(t *testing.T) {
	x := openTemp(t)
	create(t, x,
		msg("zh", "c1", "u1", "今天晚上我们一起去吃火锅", t0),
		msg("ja", "c1", "u2", "明日は東京で会議があります", t0),
		msg("emoji", "c1", "u1", "party time 🎉 tonight", t0),
		msg("en", "c1", "u2", "The Quarterly REPORT is ready", t0),
		msg("other", "c2", "u3", "火锅 in another conversation", t0),
	)
	same(t, "two-character Chinese", ids(t, x, domain.Query{Text: "火锅"}, "c1"), "zh")
	same(t, "one Chinese character", ids(t, x, domain.Query{Text: "吃"}, "c1"), "zh")
	same(t, "Japanese", ids(t, x, domain.Query{Text: "東京"}, "c1"), "ja")
	same(t, "emoji", ids(t, x, domain.Query{Text: "🎉"}, "c1"), "emoji")
	same(t, "words in any case", ids(t, x, domain.Query{Text: "quarterly report"}, "c1"), "en")
	same(t, "every word must match", ids(t, x, domain.Query{Text: "report tonight"}, "c1"))
	same(t, "both conversations", ids(t, x, domain.Query{Text: "火锅"}, "c1", "c2"), "zh", "other")
	same(t, "no conversations, no hits", ids(t, x, domain.Query{Text: "火锅"}))
	same(t, "punctuation finds nothing, not everything", ids(t, x, domain.Query{Text: "?! @ ,"}, "c1"))
	same(t, "a conversation the caller is not in", ids(t, x, domain.Query{Text: "火锅", ConversationID: "c2"}, "c1"))
}

func TestFiltersBySenderAndTime(t *testing.T) {
	x := openTemp(t)
	create(t, x, msg("a", "c", "u1", "lunch", t0), msg("b", "c", "u2", "lunch", t0.Add(time.Hour)))
	same(t, "sender", ids(t, x, domain.Query{Text: "lunch", SenderID: "u2"}, "c"), "b")
	same(t, "from", ids(t, x, domain.Query{Text: "lunch", From: t0.Add(time.Minute)}, "c"), "b")
	same(t, "to", ids(t, x, domain.Query{Text: "lunch", To: t0.Add(time.Minute)}, "c"), "a")
}

func TestPagesVisitEveryHitOnceInRelevanceOrder(t *testing.T) {
	x := openTemp(t)
	var all []domain.Message
	for i := range 7 {
		content := "tea"
		for range i {
			content += " tea"
		}
		all = append(all, msg(fmt.Sprintf("m%d", i), "c", "u", content+" and cake", t0))
	}
	create(t, x, all...)
	var seen []string
	q := domain.Query{Text: "tea", Limit: 3}
	for pages := 0; pages < 5; pages++ {
		page, err := x.Search(q, []string{"c"})
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range page.Hits {
			if i > 0 && h.Score > page.Hits[i-1].Score {
				t.Fatalf("page not in relevance order: %v", page.Hits)
			}
			seen = append(seen, h.Message.ID)
		}
		if page.NextCursor == "" {
			break
		}
		if q.After, err = domain.DecodeCursor(page.NextCursor); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(seen)
	same(t, "all pages", seen, "m0", "m1", "m2", "m3", "m4", "m5", "m6")
}

func TestHighlightsTheMatchAndEscapesTheText(t *testing.T) {
	x := openTemp(t)
	create(t, x, msg("h", "c", "u", "<b>bold</b> claim about pizza", t0))
	page, err := x.Search(domain.Query{Text: "pizza", Limit: 5}, []string{"c"})
	if err != nil || len(page.Hits) != 1 {
		t.Fatalf("want one hit, got %v %v", page.Hits, err)
	}
	want := "&lt;b&gt;bold&lt;/b&gt; claim about <mark>pizza</mark>"
	if page.Hits[0].Snippet != want {
		t.Fatalf("snippet %q, want %q", page.Hits[0].Snippet, want)
	}
}

func TestACJKMatchIsOneMarkEveryTime(t *testing.T) {
	x := openTemp(t)
	for i := range 20 {
		create(t, x, msg(fmt.Sprintf("m%d", i), "c", "u", fmt.Sprintf("第%d次 停机期间 通知", i), t0))
	}
	page, err := x.Search(domain.Query{Text: "停机期间", Limit: 50}, []string{"c"})
	if err != nil || len(page.Hits) != 20 {
		t.Fatalf("want 20 hits, got %d %v", len(page.Hits), err)
	}
	for _, h := range page.Hits {
		if !strings.Contains(h.Snippet, "<mark>停机期间</mark>") {
			t.Errorf("snippet %q does not mark the match as one", h.Snippet)
		}
	}
}

func TestEditsDeletesAndRedeliveries(t *testing.T) {
	x := openTemp(t)
	create(t, x, msg("m", "c", "u", "old words", t0))
	edit := func(id, content string, at time.Time, event string) {
		t.Helper()
		if err := x.Edited(event, domain.Edit{MessageID: id, Content: content, EditedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	edit("m", "newer words", t0.Add(2*time.Minute), "e2")
	edit("m", "stale words", t0.Add(time.Minute), "e1")
	same(t, "the newest edit wins", ids(t, x, domain.Query{Text: "newer"}, "c"), "m")
	same(t, "old text gone", ids(t, x, domain.Query{Text: "old"}, "c"))
	same(t, "a late older edit ignored", ids(t, x, domain.Query{Text: "stale"}, "c"))

	edit("early", "edited first", t0.Add(time.Minute), "e3")
	create(t, x, msg("early", "c", "u", "created later", t0))
	same(t, "an edit that came before its message applies", ids(t, x, domain.Query{Text: "edited"}, "c"), "early")

	if err := x.Deleted("d1", "m"); err != nil {
		t.Fatal(err)
	}
	create(t, x, msg("m", "c", "u", "newer words", t0))
	same(t, "a redelivered create cannot undelete", ids(t, x, domain.Query{Text: "newer"}, "c"))
	if seen, _ := x.Seen("d1"); !seen {
		t.Fatal("the delete event is not recorded as applied")
	}
}

func TestUserDeletedRemovesTheirMessagesNowAndLater(t *testing.T) {
	x := openTemp(t)
	var theirs []domain.Message
	for i := range 1200 { // more than one removal batch
		theirs = append(theirs, msg(fmt.Sprintf("t%d", i), "c", "gone", "hello there", t0))
	}
	create(t, x, append(theirs, msg("mine", "c", "me", "hello there", t0))...)
	if err := x.UserDeleted("ud", "gone"); err != nil {
		t.Fatal(err)
	}
	same(t, "only the others' messages", ids(t, x, domain.Query{Text: "hello"}, "c"), "mine")
	create(t, x, msg("late", "c", "gone", "hello late", t0))
	same(t, "a late message of theirs stays out", ids(t, x, domain.Query{Text: "late"}, "c"))
	gone, err := x.GoneUsers()
	if err != nil || fmt.Sprint(gone) != "[gone]" {
		t.Fatalf("gone users %v %v", gone, err)
	}
}

func TestRebuildSwapsInAFreshIndexAndKeepsDeletedUsersOut(t *testing.T) {
	live, err := OpenLive(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	_ = live.Write(func(x *Index) error { return x.UserDeleted("ud", "gone") })
	_ = live.Write(func(x *Index) error {
		return x.Created([]string{"e"}, []domain.Message{msg("stale", "c", "u", "only in the old index", t0)})
	})
	err = live.Rebuild(func(fresh, old *Index) error {
		gone, err := old.GoneUsers()
		if err != nil {
			return err
		}
		if err := live.Write(func(*Index) error { return nil }); err != ErrRebuilding {
			t.Errorf("an event during a rebuild: want ErrRebuilding, got %v", err)
		}
		return fresh.Restore([]domain.Message{msg("a", "c", "u", "restored text", t0), msg("b", "c", "gone", "restored text", t0)},
			[]string{"deleted-one"}, gone)
	})
	if err != nil {
		t.Fatal(err)
	}
	var found, stale []string
	_ = live.Read(func(x *Index) error {
		found = ids(t, x, domain.Query{Text: "restored"}, "c")
		stale = ids(t, x, domain.Query{Text: "old"}, "c")
		return nil
	})
	same(t, "restored without the deleted user", found, "a")
	same(t, "the old index is gone", stale)
	_ = live.Write(func(x *Index) error {
		return x.Created([]string{"late"}, []domain.Message{msg("deleted-one", "c", "u", "restored text", t0)})
	})
	_ = live.Read(func(x *Index) error {
		same(t, "tombstone kept", ids(t, x, domain.Query{Text: "restored"}, "c"), "a")
		return nil
	})
}

func TestAQueryAsksForCJKBigramsOnlyAndALoneCharacterAsItself(t *testing.T) {
	cases := map[string]string{
		"会议项目":        "[会议 议项 项目]",
		"吃":           "[吃]",
		"Ｒｅｐｏｒｔ 🎉 东京": "[report 🎉 东京]",
		"火锅 火锅":       "[火锅]",
	}
	for text, want := range cases {
		if got := fmt.Sprint(queryTerms(text)); got != want {
			t.Errorf("%s: terms %s, want %s", text, got, want)
		}
	}
}
