// Package interrupt runs blocking work that takes no context (a read of a
// file that may be a pipe, a library call that parses a workbook, a wait
// on a mail server) so that a command still returns at once on Ctrl-C: the
// caller gets the context's error, and the work goes on, unobserved, until
// it ends or the process exits. Work that owns a resource hands it to
// Release, which gets it once the abandoned work ends.
package interrupt

import "context"

// Wait runs f and returns what it returns, or ctx's error as soon as ctx
// is done. When ctx wins, release (if not nil) is called with f's result
// once f ends, to close what f opened.
func Wait[T any](ctx context.Context, f func() (T, error), release func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		if release != nil {
			go func() {
				if r := <-done; r.err == nil {
					release(r.v)
				}
			}()
		}
		var zero T
		return zero, ctx.Err()
	}
}
