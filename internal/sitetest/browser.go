package sitetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// RequireTools is the environment variable that turns a skip for a missing
// Chromium or LibreOffice into a failure; .ci/run sets it.
const RequireTools = "BRIEF_REQUIRE_TOOLS"

// SkipWithout skips the test when a tool is missing, or fails it when
// BRIEF_REQUIRE_TOOLS is set.
func SkipWithout(t testing.TB, tool, install string) {
	t.Helper()
	msg := tool + " is not installed (" + install + "); set " + RequireTools + "=1 to make this a failure"
	if os.Getenv(RequireTools) != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Chromium returns the path of a Chromium or Chrome binary, skipping the test
// when there is none. Under the race detector it skips: the browser's work
// is checked by make test, which CI runs first, and the race run only
// repeats it at several times the cost (a skip BRIEF_REQUIRE_TOOLS does not
// turn into a failure: nothing is missing).
func Chromium(t testing.TB) string {
	t.Helper()
	if raceDetector {
		t.Skip("browser tests run in make test, not again under the race detector")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	SkipWithout(t, "Chromium", "apt-get install chromium")
	return ""
}

// Page records what a browser tab did: console errors, uncaught exceptions
// and every URL it requested.
type Page struct {
	Ctx      context.Context
	mu       sync.Mutex
	errors   []string
	requests []string
}

// Browser starts a headless Chromium for the test and returns a tab, in a
// window of 1200 by 900 pixels.
func Browser(t testing.TB) *Page {
	t.Helper()
	return BrowserSized(t, 1200, 900)
}

// BrowserSized is Browser with a window of the given size, as a phone's.
func BrowserSized(t testing.TB, width, height int) *Page {
	t.Helper()
	path := Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("allow-file-access-from-files", false),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	p := &Page{Ctx: tab}
	err := chromedp.Listen(tab, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			p.errors = append(p.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.errors = append(p.errors, string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, ev.Request.URL)
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if _, err := chromedp.Call(tab, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return p
}

// Open loads a URL and waits until every chart on the page has been drawn
// (or the page has none).
func (p *Page) Open(t testing.TB, url string) {
	t.Helper()
	err := chromedp.Do(p.Ctx,
		chromedp.Navigate(url),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			// On a loaded machine the poll can start in the page being left,
			// whose JavaScript context the navigation then destroys: ask again
			// in the new page's.
			for try := 0; ; try++ {
				_, err := chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
				if err == nil || try == 4 || !strings.Contains(err.Error(), "Cannot find context with specified id") {
					return chromedp.Void{}, err
				}
				time.Sleep(50 * time.Millisecond)
			}
		},
	)
	if err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// Errors returns the console errors and exceptions so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Foreign returns requested URLs that are not file:, data: or blob: URLs.
func (p *Page) Foreign() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, u := range p.requests {
		if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			out = append(out, u)
		}
	}
	return out
}
