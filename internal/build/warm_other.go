//go:build !linux

package build

const canPopulate = false

func populate([]byte) bool { return false }
