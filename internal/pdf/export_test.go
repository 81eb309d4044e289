package pdf

import "time"

// SetTrace sets the hook told each phase of a print, for the profile test;
// nil removes it.
func SetTrace(f func(phase string, d time.Duration)) { trace = f }
