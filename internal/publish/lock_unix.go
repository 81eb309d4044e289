//go:build unix

package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// Lock takes an exclusive lock on a folder, waiting for it when wait is set;
// it returns nil when the lock is held by another process and wait is not
// set. Locks are released when the process ends, however it ends.
func Lock(dir string, wait bool) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if err == unix.EWOULDBLOCK {
			return nil, nil
		}
		return nil, err
	}
	return f, nil
}

// busy reports whether a running build holds dir.
func busy(dir string) bool {
	f, err := Lock(dir, false)
	if err != nil {
		return false
	}
	if f == nil {
		return true
	}
	f.Close()
	return false
}
