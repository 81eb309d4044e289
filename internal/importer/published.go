package importer

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/diag"
)

// Published is the date of the latest published briefing that shows the
// dataset id, and its file: a briefing in content/briefings/ of the project
// fsys, not a draft, dated on or before today (a briefing dated later is
// not out yet), whose blocks or inline values name the dataset. It is zero
// when none does. A briefing that does not parse is an error: what it
// shows cannot be known.
func Published(fsys fs.FS, id string, today time.Time) (time.Time, string, error) {
	const dir = "content/briefings"
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, "", nil
	}
	if err != nil {
		return time.Time{}, "", err
	}
	var latest time.Time
	file := ""
	var errs diag.List
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		name := path.Join(dir, e.Name())
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs.Add(diag.Errorf(diag.Pos{File: name}, "cannot read: %w", err))
			continue
		}
		b, err := content.Parse(name, src)
		if err != nil {
			errs.Add(err)
			continue
		}
		if b.Draft || b.Date.After(today) || !b.Date.After(latest) || !shows(b, id) {
			continue
		}
		latest, file = b.Date, name
	}
	if err := errs.Err(); err != nil {
		return time.Time{}, "", err
	}
	return latest, file, nil
}

// shows reports whether a briefing's blocks or inline values name the
// dataset.
func shows(b *content.Briefing, id string) bool {
	return slices.Contains(b.Named(), id)
}
