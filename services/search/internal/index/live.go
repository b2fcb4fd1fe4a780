package index

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// ErrRebuilding: the index is being rebuilt; an event is retried later, after the swap.
var ErrRebuilding = errors.New("index is being rebuilt")

// Live is the index the service uses now; a rebuild fills a new one beside it and swaps.
type Live struct {
	mu      sync.RWMutex
	dir     string
	current *Index
	// Set for the whole of a rebuild; checked without waiting on mu, so an event is refused
	// at once instead of queueing behind the rebuild.
	rebuilding atomic.Bool
}

func OpenLive(dir string) (*Live, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	x, err := Open(dir)
	if err != nil {
		return nil, err
	}
	return &Live{dir: dir, current: x}, nil
}

// Read runs a query against the current index.
func (l *Live) Read(run func(*Index) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return run(l.current)
}

// Write applies a change, one at a time, unless a rebuild is under way.
func (l *Live) Write(run func(*Index) error) error {
	if l.rebuilding.Load() {
		return ErrRebuilding
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rebuilding.Load() {
		return ErrRebuilding
	}
	return run(l.current)
}

// Rebuild fills a fresh index with fill and puts it in place of the current one. Meanwhile
// queries use the old index and events are refused (the sidecar redelivers them after).
func (l *Live) Rebuild(fill func(fresh *Index, old *Index) error) error {
	if !l.rebuilding.CompareAndSwap(false, true) {
		return ErrRebuilding
	}
	defer l.rebuilding.Store(false)
	// A write that started before the flag was set finishes before the old index is read.
	l.mu.Lock()
	old := l.current
	l.mu.Unlock()

	next := l.dir + ".next"
	if err := os.RemoveAll(next); err != nil {
		return err
	}
	fresh, err := Open(next)
	if err != nil {
		return err
	}
	// No write can change `old` now (the flag refuses them) and only a rebuild swaps it.
	if err := fill(fresh, old); err != nil {
		return errors.Join(err, fresh.Close(), os.RemoveAll(next))
	}
	return l.swap(fresh, next)
}

func (l *Live) swap(fresh *Index, next string) error {
	if err := fresh.Close(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.current.Close(); err != nil {
		return err
	}
	if err := os.RemoveAll(l.dir); err != nil {
		return err
	}
	if err := os.Rename(next, l.dir); err != nil {
		return err
	}
	x, err := Open(l.dir)
	if err != nil {
		return err
	}
	l.current = x
	return nil
}

// Close closes the current index.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current.Close()
}
