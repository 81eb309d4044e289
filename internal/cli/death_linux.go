package cli

import "syscall"

// deathSignal has the kernel interrupt a program brief runs when brief
// dies (SIGTERM: it stops as on Ctrl-C).
func deathSignal() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
