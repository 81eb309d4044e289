// Package atomicfile replaces a file in one step: the new bytes go into a
// new file beside it, which is renamed over it only when complete, so a
// reader (or an interrupted command) finds the old file or the new one,
// never part of one. Until then the new file can be dropped and the old
// one stays as it was.
//
// On Unix it is github.com/google/renameio's pending file, which also
// syncs the new file before the rename. renameio does not build on
// Windows; there the file is made with os.CreateTemp beside its target
// and renamed with os.Rename, which replaces an existing file
// (MoveFileEx), synced first as on Unix.
package atomicfile

// Pending is a file being written beside its target; Commit renames it
// over the target, Discard removes it. A file's mode is that of a
// project's files: 0644, less the umask.
type Pending struct {
	f    pendingFile
	done bool
}

// New starts a file that is to replace path.
func New(path string) (*Pending, error) {
	f, err := newPending(path)
	if err != nil {
		return nil, err
	}
	return &Pending{f: f}, nil
}

// Write adds b to the new file.
func (p *Pending) Write(b []byte) (int, error) { return p.f.Write(b) }

// Commit syncs and closes the new file and renames it over the target.
// Committing again does nothing.
func (p *Pending) Commit() error {
	if p.done {
		return nil
	}
	if err := p.f.replace(); err != nil {
		return err
	}
	p.done = true
	return nil
}

// Discard removes the new file unless it was committed: the target stays
// as it was. It may be deferred beside Commit.
func (p *Pending) Discard() {
	if !p.done {
		p.f.discard()
	}
}

// WriteFile replaces path with data in one step (New, Write, Commit).
func WriteFile(path string, data []byte) error {
	p, err := New(path)
	if err != nil {
		return err
	}
	defer p.Discard()
	if _, err := p.Write(data); err != nil {
		return err
	}
	return p.Commit()
}
