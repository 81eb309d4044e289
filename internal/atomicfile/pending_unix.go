//go:build !windows

package atomicfile

import "github.com/google/renameio/v2"

type pendingFile struct{ *renameio.PendingFile }

func newPending(path string) (pendingFile, error) {
	f, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644))
	return pendingFile{f}, err
}

func (f pendingFile) replace() error { return f.CloseAtomicallyReplace() }

func (f pendingFile) discard() { _ = f.Cleanup() }
