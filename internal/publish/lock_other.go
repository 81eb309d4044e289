//go:build !unix

package publish

import "os"

// Lock opens dir; this system has no advisory folder locks, so concurrent
// builds into one output are not kept apart.
func Lock(dir string, wait bool) (*os.File, error) { return os.Open(dir) }

// busy cannot tell: leftovers are removed by the next build.
func busy(dir string) bool { return false }
