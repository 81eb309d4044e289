//go:build !unix

package projectfs

// nonBlock is not needed where named pipes are not files in folders.
const nonBlock = 0
