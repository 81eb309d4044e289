//go:build race

package sitetest

// raceDetector says the tests run under the race detector (make race).
const raceDetector = true
