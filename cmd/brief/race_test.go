//go:build race

package main

// raceEnabled makes the crash test smaller: under the race detector every
// build is several times slower.
const raceEnabled = true
