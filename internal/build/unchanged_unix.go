//go:build unix

package build

import (
	"io/fs"
	"syscall"
)

// sysID adds the device, inode and change time of fi to id.
func sysID(fi fs.FileInfo, id *fileID) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.Dev, id.Ino = uint64(st.Dev), uint64(st.Ino)
		id.CTime = ctime(st)
	}
}
