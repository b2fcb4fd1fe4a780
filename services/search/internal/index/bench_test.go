package index

import (
	"fmt"
	"testing"

	"soulchat/search/internal/domain"
)

// Indexing 100 new messages as one batch per event (each write waits for the disk) against one
// batch for all: what the bulk message.created handler gains by batching.
func benchmarkCreated(b *testing.B, perBatch int) {
	x, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	n := 0
	for b.Loop() {
		for i := 0; i < 100; i += perBatch {
			var ids []string
			msgs := msgsFrom(n, perBatch)
			for _, m := range msgs {
				ids = append(ids, "ev-"+m.ID)
			}
			if err := x.Created(ids, msgs); err != nil {
				b.Fatal(err)
			}
			n += perBatch
		}
	}
}

func msgsFrom(start, count int) []domain.Message {
	out := make([]domain.Message, 0, count)
	for i := start; i < start+count; i++ {
		out = append(out, msg(fmt.Sprintf("m%d", i), "c", "u", "今天晚上一起去吃火锅 meeting report 🎉", t0))
	}
	return out
}

func BenchmarkCreated100OneBatchEach(b *testing.B) { benchmarkCreated(b, 1) }
func BenchmarkCreated100InOneBatch(b *testing.B)   { benchmarkCreated(b, 100) }
