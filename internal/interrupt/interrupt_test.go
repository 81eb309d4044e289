package interrupt

import (
	"context"
	"errors"
	"testing"
)

// TestWait: work that ends first gives its result; work that blocks gives
// way to the context, and what it made is released when it ends.
func TestWait(t *testing.T) {
	v, err := Wait(context.Background(), func() (int, error) { return 7, nil }, nil)
	if v != 7 || err != nil {
		t.Errorf("got %d, %v; want 7, nil", v, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	unblock, released := make(chan struct{}), make(chan int, 1)
	go cancel()
	_, err = Wait(ctx, func() (int, error) { <-unblock; return 9, nil }, func(v int) { released <- v })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("blocked work: %v, want context.Canceled", err)
	}
	close(unblock)
	if v := <-released; v != 9 {
		t.Errorf("released %d, want 9", v)
	}
}
