//go:build windows

package atomicfile

import (
	"os"
	"path/filepath"
)

type pendingFile struct {
	*os.File
	target string
}

func newPending(path string) (pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"*.tmp")
	return pendingFile{File: f, target: path}, err
}

func (f pendingFile) replace() error {
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), f.target)
}

func (f pendingFile) discard() {
	_ = f.Close()
	_ = os.Remove(f.Name())
}
