package dataset

import (
	"errors"
	"io/fs"
	"runtime"
)

func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func limit() int { return max(runtime.GOMAXPROCS(0), 1) }
