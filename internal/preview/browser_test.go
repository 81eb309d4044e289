package preview_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/preview"
	"github.com/brief-desk/brief/internal/sitetest"
)

// TestBrowserEmailView opens the sample briefing in the preview in a real
// Chromium, follows its link to the email view, and checks the email as a
// reader's screen shows it, on a desktop and on a phone: every chart image
// loads (from the page itself), nothing else is requested, nothing is
// wider than the screen. BRIEF_KEEP_IMAGES=DIR keeps screenshots.
func TestBrowserEmailView(t *testing.T) {
	sitetest.Chromium(t)
	srv := preview.New(build.Options{Src: "../.."}, io.Discard)
	if !srv.Rebuild(context.Background()) {
		t.Fatal("the sample site does not build")
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	const slug = "2026-01-02-miners-turn-ai-landlords"

	for _, screen := range []struct {
		name          string
		width, height int
		mobile        bool
	}{
		{"desktop", 1366, 900, false},
		{"phone", 390, 844, true},
	} {
		p := sitetest.BrowserSized(t, screen.width, screen.height)
		if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(screen.width), Height: int64(screen.height), DeviceScaleFactor: 2, Mobile: screen.mobile}); err != nil {
			t.Fatal(err)
		}
		p.Open(t, ts.URL+"/briefings/"+slug+"/")
		// The briefing's page links to its email, on screen.
		if !sitetest.Eval[bool](t, p, `(() => { const a = document.getElementById('brief-email'); if (!a) return false;
			const r = a.getBoundingClientRect(); return r.width > 0 && r.bottom <= innerHeight && r.right <= innerWidth; })()`) {
			t.Fatalf("%s: no visible link to the email view", screen.name)
		}
		keep(t, p, "page-"+screen.name, chromedp.CaptureScreenshot())
		p.Open(t, ts.URL+sitetest.Eval[string](t, p, `document.getElementById('brief-email').getAttribute('href')`))
		loaded := `Array.from(document.images).filter(i => i.complete && i.naturalWidth >= 1000).length`
		n := sitetest.Eval[int](t, p, loaded)
		for deadline := time.Now().Add(20 * time.Second); n < 5 && time.Now().Before(deadline); n = sitetest.Eval[int](t, p, loaded) {
			time.Sleep(50 * time.Millisecond)
		}
		if path := sitetest.Eval[string](t, p, `location.pathname`); path != "/__brief/email/"+slug+"/" {
			t.Fatalf("%s: the link led to %s", screen.name, path)
		}
		if n != 5 {
			t.Errorf("%s: %d of the 5 charts loaded", screen.name, n)
		}
		// A phone widens its layout to fit what is too wide: compare with
		// the screen (clientWidth), not innerWidth. A wide data table may
		// scroll inside its own box.
		if wide := sitetest.Eval[[]string](t, p, `Array.from(document.querySelectorAll('img, table')).filter(e => !e.closest('div[style*="overflow-x:auto"]') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().width) + ' px: ' + e.textContent.trim().slice(0, 30))`); len(wide) > 0 {
			t.Errorf("%s (%d px): wider than the screen: %v", screen.name, screen.width, wide)
		}
		if sitetest.Eval[bool](t, p, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`) {
			t.Errorf("%s: the email is wider than the screen", screen.name)
		}
		// One column of at most 600 px, as in a mail client.
		if w := sitetest.Eval[float64](t, p, `document.querySelector('table table').getBoundingClientRect().width`); w > 600 || w < min(600, float64(screen.width)-40) {
			t.Errorf("%s: the email's column is %.0f px wide", screen.name, w)
		}
		for _, u := range p.Foreign() {
			if !strings.HasPrefix(u, ts.URL+"/") {
				t.Errorf("%s: the email view requested %s", screen.name, u)
			}
		}
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("%s: console errors:\n%s", screen.name, strings.Join(errs, "\n"))
		}
		keep(t, p, "email-view-"+screen.name, chromedp.FullScreenshot(100))
	}
}

// keep writes a screenshot into $BRIEF_KEEP_IMAGES, when set, to look at.
func keep(t *testing.T, p *sitetest.Page, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	dir := os.Getenv("BRIEF_KEEP_IMAGES")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.Ctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
