// Package e2e tests the built site in a real browser: Debian's chromium,
// driven with chromedp, loading the real content and the real wasm engine
// from a local static server that sends the site's CSP.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"policyguide/calculator"
)

// TestBrowser runs every browser check against one build, one server and
// one browser, so the whole suite costs one wasm build (cached) and one
// chromium start.
func TestBrowser(t *testing.T) {
	needBrowser(t)
	root := repoRoot(t)
	res, dir := buildSite(t, root)
	prog := res.Program
	srv := serveSite(t, dir, "")
	browser := startBrowser(t)
	calcURL := srv.URL + "/calculator/"

	t.Run("Examples", func(t *testing.T) { testExamples(t, browser, srv.URL, calcURL, prog) })
	t.Run("FirmKeyboard", func(t *testing.T) { testFirmKeyboard(t, browser, srv.URL, calcURL, prog, dir) })
	t.Run("IndividualKeyboard", func(t *testing.T) { testIndividualKeyboard(t, browser, srv.URL, calcURL) })
	t.Run("BackAndChange", func(t *testing.T) { testBackAndChange(t, browser, srv.URL, calcURL) })
	t.Run("ShareLink", func(t *testing.T) { testShareLink(t, browser, srv.URL, calcURL) })
	t.Run("WasmBlocked", func(t *testing.T) { testWasmBlocked(t, browser, srv.URL, calcURL) })
	t.Run("Pages", func(t *testing.T) { testPages(t, browser, srv.URL) })
	t.Run("NoWasm", func(t *testing.T) { testNoWasm(t, browser, srv.URL, calcURL) })
	t.Run("WasmMIME", func(t *testing.T) {
		// a static host that sends the wasm as application/octet-stream:
		// the page falls back from streaming compilation
		bad := serveSite(t, dir, "application/octet-stream")
		ctx, _ := newTab(t, browser, bad.URL)
		openCalculator(t, ctx, bad.URL+"/calculator/")
	})
	t.Run("Timing", func(t *testing.T) { testTiming(t, browser, srv.URL, calcURL, prog) })
	t.Run("Screenshots", func(t *testing.T) { testScreenshots(t, browser, srv.URL, calcURL) })
	t.Run("Print", func(t *testing.T) { testPrint(t, browser, srv.URL, calcURL) })
	t.Run("Axe", func(t *testing.T) { testAxe(t, browser, srv.URL, calcURL) })
}

// firmScenario is the share fragment of a typical small firm on
// 2023-11-01 asking about 稳岗: the results step with one 符合.
const firmScenario = "#s=results&aud=enterprises&need=stable&d=2023-11-01&a.firm_type=small_micro&a.firm_insured=1&a.layoffs=0&a.staff=25&a.premiums=30%2C000"

// exampleInput is the JSON the page would send for a content example.
func exampleInput(ex *calculator.Example) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	if ex.Date != 0 {
		b.WriteString(`"date":` + jsString(ex.Date.String()) + ",")
	}
	if ex.Audience != "" {
		b.WriteString(`"audience":` + jsString(ex.Audience) + ",")
	}
	b.WriteString(`"answers":`)
	if ex.Answers.Kind == calculator.Object {
		b.Write(ex.Answers.JSON())
	} else {
		b.WriteString("{}")
	}
	b.WriteString("}")
	return b.Bytes()
}

// testExamples: every content example, evaluated by the wasm in the page,
// gives byte for byte the JSON that the Go engine gives.
func testExamples(t *testing.T, browser context.Context, host, calcURL string, prog *calculator.Program) {
	if len(prog.Examples) == 0 {
		t.Fatal("the content has no examples")
	}
	ctx, _ := newTab(t, browser, host)
	openCalculator(t, ctx, calcURL)
	var inputs []string
	for _, ex := range prog.Examples {
		inputs = append(inputs, string(exampleInput(ex)))
	}
	arg, _ := json.Marshal(inputs)
	got := eval[[]string](t, ctx, `(`+string(arg)+`).map((s) => policyguideEvaluate(s))`)
	if len(got) != len(inputs) {
		t.Fatalf("got %d results for %d examples", len(got), len(inputs))
	}
	for i, ex := range prog.Examples {
		want := string(calculator.Evaluate(prog, []byte(inputs[i])))
		if got[i] != want {
			t.Errorf("%s example %d %q: browser and Go differ\ninput:   %s\nbrowser: %s\ngo:      %s", ex.File, ex.Index, ex.Name, inputs[i], got[i], want)
		}
	}
	t.Logf("%d examples identical in the browser and in Go", len(prog.Examples))
}

// engineResult is the part of the engine's JSON the UI test compares.
type engineResult struct {
	Errors []struct {
		Question, Field, Message string
	}
	Ask     []string
	Results []struct {
		Benefit     string
		Status      string
		StatusLabel string `json:"status_label"`
		Amount      struct{ Form, Value, Text string }
		Missing     []struct{ ID, Label string }
		Expiry      string
	}
	Notice string
}

func evalGo(t *testing.T, prog *calculator.Program, input map[string]any) engineResult {
	t.Helper()
	in, _ := json.Marshal(input)
	var r engineResult
	if err := json.Unmarshal(calculator.Evaluate(prog, in), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func testPages(t *testing.T, browser context.Context, host string) {
	ctx, _ := newTab(t, browser, host)
	for _, p := range []string{"/", "/measures/", "/measures/m8/", "/document/", "/departments/"} {
		within(t, ctx, 20*time.Second, chromedp.Navigate(host+p), chromedp.WaitReady(chromedp.CSS("body")))
	}
}

// testTiming: evaluating every rule (no audience filter) for one set of
// answers, 200 times in the page; the median must be ≤ 1 ms.
func testTiming(t *testing.T, browser context.Context, host, calcURL string, prog *calculator.Program) {
	ctx, _ := newTab(t, browser, host)
	openCalculator(t, ctx, calcURL)
	// one answer set over all audiences: the answers of every example merged
	answers := map[string]json.RawMessage{}
	for _, ex := range prog.Examples {
		for _, m := range ex.Answers.Members {
			answers[m.Key] = m.Value.JSON()
		}
	}
	in, _ := json.Marshal(map[string]any{"date": "2023-11-01", "answers": answers})
	type timing struct{ Median, Mean, Max float64 }
	// Up to three rounds: "go test ./..." runs other packages on the same
	// cores, and one busy moment must not fail the engine's budget. Every
	// round is logged.
	for round := 1; round <= 3; round++ {
		r := eval[timing](t, ctx, `(() => {
			const input = `+jsString(string(in))+`;
			for (let i = 0; i < 20; i++) policyguideEvaluate(input); // warm up
			const ts = [];
			const t0 = performance.now();
			for (let i = 0; i < 200; i++) { const s = performance.now(); policyguideEvaluate(input); ts.push(performance.now() - s); }
			const mean = (performance.now() - t0) / 200;
			ts.sort((a, b) => a - b);
			return { median: (ts[99] + ts[100]) / 2, mean, max: ts[199] };
		})()`)
		t.Logf("round %d: in-browser evaluation of all %d benefits: median %.3f ms, mean %.3f ms, max %.3f ms (200 calls; timer resolution ~0.1 ms)", round, len(prog.Benefits), r.Median, r.Mean, r.Max)
		if r.Median <= 1 {
			return
		}
	}
	t.Error("median evaluation time > 1 ms in three rounds")
}

// checkLinks checks that each absolute URL of the test server names a file
// of the built site and, with a fragment, an element id in that file.
func checkLinks(t *testing.T, host, dir string, hrefs []string) {
	t.Helper()
	if len(hrefs) == 0 {
		t.Error("the results have no links")
	}
	pages := map[string]string{}
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || !strings.HasPrefix(h, host+"/") {
			t.Errorf("link %q is not a page of the site", h)
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(u.Path))
		if strings.HasSuffix(u.Path, "/") {
			p = filepath.Join(p, "index.html")
		}
		html, ok := pages[p]
		if !ok {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("link %s: no such page in the built site", h)
				continue
			}
			html = string(b)
			pages[p] = html
		}
		if u.Fragment != "" && !strings.Contains(html, `id="`+u.Fragment+`"`) {
			t.Errorf("link %s: no element with id %q on that page", h, u.Fragment)
		}
	}
	t.Logf("%d links from the results resolve", len(hrefs))
}
