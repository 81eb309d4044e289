// Package sitetest builds small projects written inline as txtar archives, in
// process, for integration tests of the whole pipeline.
package sitetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/brief-desk/brief/internal/build"
)

// Write unpacks a txtar archive into a new temporary project folder.
func Write(t testing.TB, archive string) string {
	t.Helper()
	dir := t.TempDir()
	a := txtar.Parse([]byte(archive))
	for _, f := range a.Files {
		full := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Build builds the project in dir into dir/public.
func Build(t testing.TB, dir string, opts build.Options) (*build.Result, error) {
	t.Helper()
	opts.Src = dir
	return build.Build(context.Background(), opts)
}

// MustBuild writes and builds an archive, failing the test on any error, and
// returns the project folder.
func MustBuild(t testing.TB, archive string) string {
	t.Helper()
	dir := Write(t, archive)
	if _, err := Build(t, dir, build.Options{}); err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	return dir
}

// Read returns a file of the built site.
func Read(t testing.TB, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ReadFile returns the text of a file, failing the test when it cannot.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Tree hashes every file under root, keyed by slash path, to compare builds.
func Tree(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Lines splits an error's text into lines.
func Lines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// Edit replaces the first old in the project file rel (a slash path under
// dir) with new, failing the test when the file does not hold old: an edit
// that silently changed nothing would let a test pass for no reason.
func Edit(t testing.TB, dir, rel, old, new string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	if err := os.WriteFile(full, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
