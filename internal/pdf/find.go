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

// names are the browsers looked for on PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Install says how to get a browser, for messages.
const Install = "install Chromium (apt-get install chromium, brew install --cask chromium) or set " + EnvChrome + " to a Chromium or Chrome program"

// ErrNoBrowser is the error of a build that asks for PDFs where Find
// found no browser.
var ErrNoBrowser = errors.New("printing PDFs needs Chromium, and none was found on PATH (chromium, chromium-browser, google-chrome): " + Install)

// Find returns the browser to print with: $BRIEF_CHROME when set (an
// error when it is not a program), else the first of chromium,
// chromium-browser and google-chrome on PATH, else ErrNoBrowser.
func Find() (string, error) {
	if p := os.Getenv(EnvChrome); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("printing PDFs needs Chromium, and %s=%s is not a program (%v): %s", EnvChrome, p, errors.Unwrap(err), Install)
		}
		return path, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}
