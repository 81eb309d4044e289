//go:build !unix

package publish

import "io/fs"

// inode is 0: this system gives no inode numbers through os.FileInfo, so
// a reused spare's files are always compared with the previous output's.
func inode(fs.FileInfo) uint64 { return 0 }
