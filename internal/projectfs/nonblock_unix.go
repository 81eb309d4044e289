//go:build unix

package projectfs

import "syscall"

const nonBlock = syscall.O_NONBLOCK
