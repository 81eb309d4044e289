// Package arch holds no code: its test checks the architecture of the
// module (docs/architecture.md): which package may import which, and that
// functions stay short.
package arch
