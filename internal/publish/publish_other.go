//go:build !linux

package publish

// renameExchange is not available: swap falls back to two renames.
func renameExchange(a, b string) error { return errNoExchange }
