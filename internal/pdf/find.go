// Package pdf prints web pages to PDF in headless Chromium through the
// DevTools protocol (chromedp): one browser for a whole build, started on
// the first page to print, a few tabs printing in parallel. A page is
// loaded at its site's address, and the browser's requests for that
// address are answered from memory (the Fetch domain), so a site built in
// memory prints as one written to disk and the PDF's links are the site's
// addresses; nothing listens on a port. The
// printed file's Info dictionary is rewritten with the document's own
// title, author and dates, so that two prints of a page are byte for byte
// the same. It knows nothing of briefings: package render gives it a
// Document.
package pdf

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// EnvChrome names the browser to print with, when set.
const EnvChrome = "BRIEF_CHROME"

// shells are Chromium's headless shell, looked for first: the old headless
// mode as a program of its own, without the full browser's windowing,
// extensions and profile, which starts, prints and exits in about a
// quarter of the full browser's time (docs/performance.md). Debian's
// package puts a shell script on PATH that runs the program in
// /usr/lib/chromium without exec, so the program itself comes first: the
// browser is then brief's child, and dies with it.
var shells = []string{"/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell", "chrome-headless-shell"}

// names are the browsers looked for on PATH after the headless shell, in
// order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Install says how to get a browser, for messages.
const Install = "install Chromium (apt-get install chromium-headless-shell, or chromium; brew install --cask chromium) or set " + EnvChrome + " to a Chromium or Chrome program"

// ErrNoBrowser is the error of a build that asks for PDFs where Find
// found no browser.
var ErrNoBrowser = errors.New("printing PDFs needs Chromium, and none was found on PATH (chromium-headless-shell, chromium, chromium-browser, google-chrome): " + Install)

// Find returns the browser to print with: $BRIEF_CHROME when set (an
// error when it is not a program), else Chromium's headless shell, else
// the first of chromium, chromium-browser and google-chrome on PATH, else
// ErrNoBrowser.
func Find() (string, error) {
	if p := os.Getenv(EnvChrome); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("printing PDFs needs Chromium, and %s=%s is not a program (%v): %s", EnvChrome, p, errors.Unwrap(err), Install)
		}
		return path, nil
	}
	for _, n := range append(shells[:len(shells):len(shells)], names...) {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}
