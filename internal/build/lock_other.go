//go:build !unix

package build

import "os"

// lock opens dir; this system has no advisory folder locks, so concurrent
// builds into one output are not kept apart.
func lock(dir string, wait bool) (*os.File, error) { return os.Open(dir) }

// busy cannot tell: leftovers are removed by the next build.
func busy(dir string) bool { return false }
