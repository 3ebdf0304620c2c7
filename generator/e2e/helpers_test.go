package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"policyguide/generator/pipeline"
	"policyguide/generator/serve"
)

const chromiumPath = "/usr/bin/chromium"

// needBrowser skips the test when Debian's chromium is missing, except in CI
// (POLICYGUIDE_REQUIRE_BROWSER=1), where a missing browser is a failure.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	msg := chromiumPath + " not found: browser tests need Debian's chromium (apt-get install chromium)"
	if os.Getenv("POLICYGUIDE_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// repoRoot is the module root: the tests build the real content/ and the
// real calculator/wasm from it.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	return root
}

// buildSite builds the real site with its wasm into a temporary folder.
// The wasm cache (the user cache folder) keeps later runs fast.
func buildSite(t *testing.T, root string) (*pipeline.Result, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	start := time.Now()
	res, err := pipeline.Build(pipeline.Options{
		Content:    filepath.Join(root, "content"),
		Out:        out,
		Date:       time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC),
		ModuleRoot: root,
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if res.Program == nil {
		t.Fatal("the content has no calculator rules")
	}
	t.Logf("site built in %v", time.Since(start).Round(time.Millisecond))
	return res, out
}

// serveSite serves the folder like a static host, with the site's headers
// (CSP included), so a CSP problem fails here as it would in production.
// wasmType, when not empty, replaces the Content-Type of .wasm files, to
// test a host that gets it wrong.
func serveSite(t *testing.T, dir string, wasmType string) *httptest.Server {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range serve.Headers {
			w.Header().Set(k, v)
		}
		if wasmType != "" && strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", wasmType) // FileServer keeps a type already set
		}
		if r.URL.Path == "/favicon.ico" {
			if _, err := os.Stat(filepath.Join(dir, "favicon.ico")); err != nil {
				w.Header().Set("Content-Type", "image/x-icon")
				return // an empty icon: headless Chromium always asks for one
			}
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// startBrowser starts one headless chromium for all subtests.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // the tests may run as root (CI containers)
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 800),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelB()
		cancelA()
	})
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// watch records what a tab does that a test must check: every request URL,
// console errors and exceptions, and CSP violations.
type watch struct {
	mu       sync.Mutex
	requests []string
	problems []string
}

func (w *watch) add(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		w.requests = append(w.requests, e.Request.URL)
	case *runtime.EventConsoleAPICalled:
		// errors, and warnings: the page warns when the engine fails to load
		// or to evaluate, and the CSP probe below warns on a violation
		switch e.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			w.problems = append(w.problems, "console."+string(e.Type)+": "+argsText(e.Args))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		w.problems = append(w.problems, "exception: "+msg)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Source == log.EntrySourceSecurity {
			w.problems = append(w.problems, fmt.Sprintf("log %s/%s: %s %s", e.Entry.Source, e.Entry.Level, e.Entry.Text, e.Entry.URL))
		}
	}
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if len(a.Value) > 0 {
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// cspProbe runs in every page before its own scripts (it is injected by the
// test through the DevTools protocol, so the page's CSP does not apply to it).
const cspProbe = `document.addEventListener("securitypolicyviolation", (e) => {
  console.warn("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// newTab opens a tab in the shared browser that records requests, console
// errors and CSP violations; at the end of the test it fails on any of them
// and on any request to a host other than the test server's.
func newTab(t *testing.T, browser context.Context, base string) (context.Context, *watch) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	w := &watch{}
	if err := chromedp.Do(ctx); err != nil { // open the tab before listening
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, w.add); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		t.Fatal(err)
	}
	host := mustHost(t, base)
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, p := range w.problems {
			t.Errorf("browser: %s", p)
		}
		for _, r := range w.requests {
			u, err := url.Parse(r)
			if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != host) {
				t.Errorf("request to another host: %s", r)
			}
		}
	})
	return ctx, w
}

func mustHost(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// within runs the steps with a time limit (the tab's context has run, so a
// timeout on a child context does not stop the browser).
func within(t *testing.T, ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.200s: %v", expr, err)
	}
	return v
}

// openCalculator loads the calculator page and waits for the wasm engine.
func openCalculator(t *testing.T, ctx context.Context, pageURL string) {
	t.Helper()
	within(t, ctx, 60*time.Second,
		chromedp.Navigate(pageURL),
		chromedp.WaitReady(chromedp.CSS(`html[data-calc="ready"] #calc-form`)),
	)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
