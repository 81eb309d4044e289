package pdf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"mime"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// Document is a page to print and what its PDF says about itself.
type Document struct {
	// Root is the site's address (base_url, ending in /): the page is
	// printed as if at Root+Path, so its relative links are the site's
	// addresses in the PDF. Nothing is fetched from there: the browser's
	// requests for Root are answered with HTML and Files.
	Root  string
	Path  string                           // the page's slash path from the site root: briefings/x/index.html
	HTML  []byte                           // the page
	Files func(path string) ([]byte, bool) // the files it loads, by slash path from the site root

	Title, Author, Subject string    // the PDF's Info dictionary
	Date                   time.Time // in the running head
	Stamp                  time.Time // the PDF's creation and modification dates
	Head                   string    // the running head's name: the site's
	Logo                   []byte    // shown before Head when not nil
	LogoType               string    // Logo's media type: image/png, image/svg+xml
	Paper                  Paper
}

// defaultRoot is the address a Document without a Root is printed at: a
// name that never resolves (RFC 2606), whose requests are all answered
// from memory.
const defaultRoot = "https://print.invalid/"

// printTimeout bounds the printing of one page, once the browser runs: a
// page whose charts never say they are drawn fails instead of hanging.
const printTimeout = 60 * time.Second

// trace, when not nil, is told how long each phase of a print took: set by
// the package's profile test (export_test.go), nil otherwise.
var trace func(phase string, d time.Duration)

// traced reports the time since start to trace under phase.
func traced(phase string, start time.Time) {
	if trace != nil {
		trace(phase, time.Since(start))
	}
}

// Browser is one headless Chromium, started on the first Print and
// stopped by Close. Print may be called from many goroutines: at most
// Tabs pages print at once, each on a tab of its own.
type Browser struct {
	exe    string
	parent context.Context

	startOnce sync.Once
	startErr  error
	ctx       context.Context // the browser's
	cancel    context.CancelFunc

	tabs chan *tab // idle tabs, made as needed up to cap(tabs)
	made chan struct{}

	mu      sync.Mutex
	printed int
	started bool
}

type tab struct {
	ctx    context.Context
	cancel context.CancelFunc // nil for the first
	first  bool               // the browser's own first tab
	paper  Paper              // the paper its viewport was set up for
	ready  bool               // its viewport set up at all

	mu  sync.Mutex
	doc *Document // being printed: its requests are answered from memory
}

// New returns a browser that runs exe (see Find) once something is
// printed, until Close or until ctx is done.
func New(ctx context.Context, exe string) *Browser {
	n := min(4, max(2, runtime.GOMAXPROCS(0)))
	return &Browser{exe: exe, parent: ctx, tabs: make(chan *tab, n), made: make(chan struct{}, n)}
}

// Started says whether the browser was started: not until a page is to
// be printed.
func (b *Browser) Started() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.started
}

// Printed is how many pages the browser printed.
func (b *Browser) Printed() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.printed
}

func (b *Browser) start() error {
	b.startOnce.Do(func() {
		defer traced("browser start", time.Now())
		b.mu.Lock()
		b.started = true
		b.mu.Unlock()
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(b.exe),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("hide-scrollbars", true),
			chromedp.Flag("font-render-hinting", "none"),
		)
		if os.Geteuid() == 0 {
			opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(b.parent, opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		b.ctx = ctx
		b.cancel = func() { cancel(); cancelAlloc() }
		// The browser's first run attaches to the tab it opens with, which
		// is the first to print on: opening another would cost a target.
		first := &tab{ctx: ctx, first: true}
		if err := first.intercept(); err != nil {
			b.startErr = fmt.Errorf("starting %s: %w", b.exe, err)
			return
		}
		b.made <- struct{}{}
		b.tabs <- first
	})
	return b.startErr
}

// Start starts the browser in the background, for a caller that knows it
// will print: the first Print waits for the start under way, and an error
// of the start is Print's.
func (b *Browser) Start() { go b.start() }

// Close stops the browser, if it started, and waits for it to exit.
func (b *Browser) Close() error {
	b.startOnce.Do(func() { b.startErr = errors.New("closed") })
	if b.cancel != nil {
		defer traced("browser close", time.Now())
		b.cancel()
	}
	return nil
}

// get returns an idle tab, or a new one while there are fewer than the
// limit, or waits for one.
func (b *Browser) get() (*tab, error) {
	select {
	case t := <-b.tabs:
		return t, nil
	default:
	}
	select {
	case t := <-b.tabs:
		return t, nil
	case b.made <- struct{}{}:
		ctx, cancel := chromedp.NewContext(b.ctx)
		t := &tab{ctx: ctx, cancel: cancel}
		start := time.Now()
		if err := t.intercept(); err != nil {
			cancel()
			<-b.made
			return nil, fmt.Errorf("opening a tab: %w", err)
		}
		traced("new tab + fetch enable", start)
		return t, nil
	case <-b.ctx.Done():
		return nil, b.ctx.Err()
	}
}

// put gives a tab back; a tab that failed is closed, making room for a
// new one (the browser's first tab is left open and unused: closing it
// would close the browser).
func (b *Browser) put(t *tab, failed bool) {
	if failed {
		if !t.first {
			t.cancel()
		}
		<-b.made
		return
	}
	b.tabs <- t
}

// Print prints a document: the page loaded with print styles at the
// paper's width, its charts drawn, then printed with the running head and
// the page numbers, and the PDF's Info dictionary written (see fixInfo).
func (b *Browser) Print(doc *Document) ([]byte, error) {
	if err := b.start(); err != nil {
		return nil, err
	}
	if doc.Root == "" || !strings.HasSuffix(doc.Root, "/") {
		d := *doc
		d.Root = strings.TrimSuffix(cmp.Or(doc.Root, defaultRoot), "/") + "/"
		doc = &d
	}
	t, err := b.get()
	if err != nil {
		return nil, err
	}
	defer traced("print total (after start)", time.Now())
	data, err := b.print(t, doc)
	b.put(t, err != nil)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.printed++
	b.mu.Unlock()
	defer traced("info rewrite", time.Now())
	return fixInfo(data, doc)
}

func (b *Browser) print(t *tab, doc *Document) ([]byte, error) {
	paper := doc.Paper.size()
	if !t.ready || t.paper != doc.Paper {
		width := int64((paper.width - 2*marginSide) * 96)
		setup := time.Now()
		err := chromedp.Do(t.ctx,
			chromedp.EmulateViewport(width, int64((paper.height-marginTop-marginBottom)*96)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Media:    "print",
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}},
				})
				return err
			}),
		)
		traced("viewport + media", setup)
		if err != nil {
			return nil, fmt.Errorf("opening a tab: %w", err)
		}
		t.paper, t.ready = doc.Paper, true
	}
	t.mu.Lock()
	t.doc = doc
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.doc = nil
		t.mu.Unlock()
	}()
	url := doc.Root + doc.Path
	ctx, cancel := context.WithTimeout(t.ctx, printTimeout)
	defer cancel()
	// brief.js sets window.briefDrawn, a promise of every chart's
	// "finished" event; a page without charts has no script.
	const ready = `Promise.all([window.briefDrawn, document.fonts.ready]).then(function () { return true; })`
	data, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		start := time.Now()
		if _, err := chromedp.Navigate(url)(ctx, tg); err != nil {
			return nil, err
		}
		traced("navigate (to load event)", start)
		start = time.Now()
		if _, err := chromedp.Evaluate[bool](ready, chromedp.EvalAwaitPromise)(ctx, tg); err != nil {
			return nil, fmt.Errorf("waiting for the charts: %w", err)
		}
		traced("charts finished + fonts ready", start)
		defer traced("Page.printToPDF", time.Now())
		return chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperSize{Width: paper.width, Height: paper.height}),
			chromedp.PDFMargins(marginTop, marginSide, marginBottom, marginSide),
			chromedp.PDFPrintBackground(),
			chromedp.PDFHeaderTemplate(head(doc)),
			chromedp.PDFFooterTemplate(foot(doc)),
			chromedp.PDFOutlineAndTagged(),
		)(ctx, tg)
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("printing %s: not drawn within %v", doc.Path, printTimeout)
		}
		return nil, fmt.Errorf("printing %s: %w", doc.Path, err)
	}
	return data, nil
}

// intercept has the tab's requests answered by answer: the first call on
// the tab, which opens it (and, on the first tab, starts the browser;
// without a timeout, which would close the tab when it ends).
func (t *tab) intercept() error {
	if err := chromedp.Listen(t.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			go t.answer(ev) // a listener must not call the browser
		}
	}); err != nil {
		return err
	}
	_, err := chromedp.Call(t.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
	return err
}

// answer answers a request of the page being printed: an address under
// its Root with its HTML or one of its Files (404 for any other), from
// memory; any other address (a chart library from a CDN, an image the
// prose links) from the network, as the page on the web would.
func (t *tab) answer(ev *fetch.EventRequestPaused) {
	if trace != nil { // the phase's name is made only for the profile test
		defer traced("answer "+path.Base(ev.Request.URL), time.Now())
	}
	t.mu.Lock()
	doc := t.doc
	t.mu.Unlock()
	u := ev.Request.URL
	if doc == nil || !strings.HasPrefix(u, doc.Root) {
		chromedp.Call(t.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID}) //nolint:errcheck // the tab went away
		return
	}
	rel := strings.TrimPrefix(u, doc.Root)
	if i := strings.IndexAny(rel, "?#"); i >= 0 {
		rel = rel[:i]
	}
	var data []byte
	ok := false
	switch {
	case rel == doc.Path:
		data, ok = doc.HTML, true
	case doc.Files != nil:
		data, ok = doc.Files(rel)
	}
	p := fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 404}
	if ok {
		ct := mime.TypeByExtension(path.Ext(rel))
		if rel == doc.Path {
			ct = "text/html; charset=utf-8"
		}
		p.ResponseCode, p.Body = 200, data
		if ct != "" {
			p.ResponseHeaders = []*fetch.HeaderEntry{{Name: "Content-Type", Value: ct}}
		}
		if rel != doc.Path { // named by their content: the browser keeps them between pages
			p.ResponseHeaders = append(p.ResponseHeaders, &fetch.HeaderEntry{Name: "Cache-Control", Value: "public, max-age=31536000, immutable"})
		}
	}
	chromedp.Call(t.ctx, fetch.FulfillRequest, p) //nolint:errcheck // the tab went away
}
