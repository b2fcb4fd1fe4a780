// searchfill writes generated messages straight into a search index directory, for the search
// benchmark (npm run bench -- search): a million messages cannot be sent through chat quickly.
// The text mixes English, Chinese and emoji; the conversations are the given (real) ids plus
// made-up ones, so a real member's queries run against the whole index.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"soulchat/search/internal/domain"
	"soulchat/search/internal/index"
)

var english = strings.Fields("meeting lunch report deploy coffee weekend project release design review budget " +
	"travel ticket photo music movie game dinner party birthday school homework doctor weather rain sunny " +
	"train flight hotel beach mountain garden kitchen recipe market price order delivery invoice contract")

var chinese = []string{"今天", "明天", "晚上", "会议", "项目", "报告", "午饭", "咖啡", "周末", "旅行", "火锅", "电影",
	"音乐", "生日", "学校", "作业", "医生", "天气", "下雨", "晴天", "火车", "航班", "酒店", "海边", "爬山", "花园",
	"厨房", "菜谱", "市场", "价格", "订单", "快递", "发票", "合同", "朋友", "家人", "工作", "休息", "问题", "办法"}

var emoji = []string{"🎉", "😂", "👍", "❤️", "🔥", "🙏", "😅", "🚀"}

func main() {
	dir := flag.String("dir", "", "index directory (created; must not exist)")
	count := flag.Int("count", 1_000_000, "messages to generate")
	real := flag.String("conversations", "", "comma-separated real conversation ids to spread messages over")
	fake := flag.Int("fake-conversations", 1000, "made-up conversations beside the real ones")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: searchfill -dir DIR [-count N] [-conversations a,b] [-fake-conversations N]")
		os.Exit(2)
	}
	started := time.Now()
	n, err := fill(*dir, *count, conversations(*real, *fake), rand.New(rand.NewPCG(*seed, 7)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]any{"messages": n, "seconds": time.Since(started).Seconds(), "bytes": dirBytes(*dir)})
	fmt.Println(string(out))
}

func conversations(real string, fake int) []string {
	var ids []string
	for _, id := range strings.Split(real, ",") {
		if id != "" {
			ids = append(ids, id)
		}
	}
	for i := range fake {
		ids = append(ids, fmt.Sprintf("bench-conversation-%d", i))
	}
	return ids
}

func fill(dir string, count int, convs []string, r *rand.Rand) (int, error) {
	x, err := index.Open(dir)
	if err != nil {
		return 0, err
	}
	defer x.Close()
	const batch = 5000
	start := time.Now().Add(-365 * 24 * time.Hour)
	for done := 0; done < count; done += batch {
		msgs := make([]domain.Message, 0, batch)
		for i := done; i < min(done+batch, count); i++ {
			msgs = append(msgs, domain.Message{
				ID: fmt.Sprintf("bench-%d", i), ConversationID: convs[r.IntN(len(convs))], Seq: uint64(i + 1),
				SenderID: fmt.Sprintf("bench-user-%d", r.IntN(5000)), Kind: "text", Content: text(r),
				CreatedAt: start.Add(time.Duration(i) * 30 * time.Second),
			})
		}
		if err := x.Restore(msgs, nil, nil); err != nil {
			return done, err
		}
	}
	return count, nil
}

func text(r *rand.Rand) string {
	words := make([]string, 0, 16)
	for range 4 + r.IntN(10) {
		switch p := r.IntN(20); {
		case p < 10:
			words = append(words, english[r.IntN(len(english))])
		case p < 19:
			words = append(words, chinese[r.IntN(len(chinese))]+chinese[r.IntN(len(chinese))])
		default:
			words = append(words, emoji[r.IntN(len(emoji))])
		}
	}
	return strings.Join(words, " ")
}

func dirBytes(dir string) int64 {
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return total
}
