package build

import "golang.org/x/sys/unix"

// populatePages has the kernel back b, whole pages, with memory in one call.
func populatePages(b []byte) bool {
	return unix.Madvise(b, unix.MADV_POPULATE_WRITE) == nil
}
