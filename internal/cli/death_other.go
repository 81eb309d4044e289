//go:build !linux

package cli

import "syscall"

// deathSignal: only Linux can tell a program that brief died.
func deathSignal() *syscall.SysProcAttr { return nil }
