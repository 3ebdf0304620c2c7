// Package e2e tests the built site in a real browser: Debian's chromium,
// driven with chromedp, loading the real content and the real wasm engine
// from a local static server that sends the site's CSP.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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
	t.Run("UI", func(t *testing.T) { testUI(t, browser, srv.URL, calcURL, prog, dir) })
	t.Run("Keyboard", func(t *testing.T) { testKeyboard(t, browser, srv.URL, calcURL) })
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
	t.Run("Axe", func(t *testing.T) { testAxe(t, browser, srv.URL, calcURL) })
}

// m8Scenario is the share fragment of the m8 example (3 insured graduates,
// 2 young registered unemployed on 1-year contracts), plus two more answers
// and a bad number, so the page shows results, a follow-up and an error.
const m8Scenario = "#a=enterprises;2023-11-01;firm_type:small_micro,firm_insured:1,hires_1yr:2,hires_insured:3,m8_both:0,layoffs:-1"

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

// visibleQuestions lists the question ids the page shows, in page order.
const visibleQuestions = `[...document.querySelectorAll(".calc-q")].filter((e) => !e.hidden).map((e) => e.id.replace(/^q-/, "").replace(/-box$/, ""))`

// testUI answers the m8 scenario like a user and checks what the page shows
// against the Go engine: results, follow-up questions, errors, share link.
func testUI(t *testing.T, browser context.Context, host, calcURL string, prog *calculator.Program, dir string) {
	ctx, _ := newTab(t, browser, host)
	openCalculator(t, ctx, calcURL)

	within(t, ctx, 10*time.Second,
		chromedp.Click(chromedp.CSS(`#calc-aud-enterprises`)),
		chromedp.WaitVisible(chromedp.CSS(`#q-firm_type-box`)),
	)
	// the reference date: the browser's date picker is not ours to test
	eval[bool](t, ctx, `(() => { const d = document.getElementById("calc-date"); d.value = "2023-11-01"; d.dispatchEvent(new Event("change")); return true })()`)

	answers := map[string]any{}
	input := func() map[string]any {
		return map[string]any{"date": "2023-11-01", "audience": "enterprises", "answers": answers}
	}
	// After every answer the page shows exactly the questions the engine asks
	// plus the answered ones, in questions order.
	var visible []string
	checkQuestions := func(step string) (gone, came []string) {
		t.Helper()
		want := evalGo(t, prog, input())
		show := map[string]bool{}
		for _, id := range want.Ask {
			show[id] = true
		}
		for id := range answers {
			show[id] = true
		}
		var wantIDs []string
		for _, q := range prog.Questions {
			if show[q.ID] && slices.Contains(q.Audience, "enterprises") {
				wantIDs = append(wantIDs, q.ID)
			}
		}
		got := eval[[]string](t, ctx, visibleQuestions)
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%s: page shows questions %v, want %v", step, got, wantIDs)
		}
		for _, id := range visible {
			if !slices.Contains(got, id) {
				gone = append(gone, id)
			}
		}
		for _, id := range got {
			if !slices.Contains(visible, id) {
				came = append(came, id)
			}
		}
		visible = got
		return gone, came
	}
	checkQuestions("start")

	within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`input[name="q-firm_type"][value="small_micro"]`)))
	answers["firm_type"] = "small_micro"
	checkQuestions("firm_type")
	// An answer that makes questions pointless hides them; the answer that
	// makes them matter brings them back (the follow-ups appear).
	within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`#q-firm_insured-false`)))
	answers["firm_insured"] = false
	if gone, _ := checkQuestions("firm_insured=否"); len(gone) == 0 {
		t.Error("answering 否 to firm_insured hid no question")
	}
	within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`#q-firm_insured-true`)))
	answers["firm_insured"] = true
	if _, came := checkQuestions("firm_insured=是"); len(came) == 0 {
		t.Error("answering 是 to firm_insured brought no follow-up question")
	} else {
		t.Logf("follow-up questions after firm_insured=是: %v", came)
	}
	for _, a := range []struct{ id, v string }{{"hires_1yr", "2"}, {"hires_insured", "3"}, {"m8_both", "0"}} {
		within(t, ctx, 10*time.Second,
			chromedp.WaitVisible(chromedp.CSS(`#q-`+a.id)),
			chromedp.SendKeys(chromedp.CSS(`#q-`+a.id), a.v),
		)
		answers[a.id] = a.v
		checkQuestions(a.id)
	}

	// results: every card shows the engine's status and amount text
	want := evalGo(t, prog, input())
	checkCards(t, ctx, want)
	card := func(id string) string { return eval[string](t, ctx, `document.getElementById("r-`+id+`").innerText`) }
	for id, amount := range map[string]string{"m8-expand": "4,500元", "m8-absorb": "2,000元"} {
		if c := card(id); !strings.Contains(c, amount) || !strings.Contains(c, "符合") {
			t.Errorf("card %s = %q, want 符合 and %s", id, c, amount)
		}
	}
	total := eval[string](t, ctx, `document.querySelector(".calc-total").innerText`)
	if !strings.Contains(total, "6,500元") || !strings.Contains(total, "估算") {
		t.Errorf("total = %q, want 估算 … 6,500元", total)
	}
	notice := eval[string](t, ctx, `document.querySelector(".calc-notice").innerText`)
	if notice != want.Notice || !strings.Contains(notice, "非审批结果") {
		t.Errorf("notice = %q, want %q (with 非审批结果)", notice, want.Notice)
	}
	if live := eval[string](t, ctx, `document.querySelector(".calc-results").getAttribute("aria-live")`); live != "polite" {
		t.Errorf("results region aria-live = %q", live)
	}
	// the cited source words link to the document's paragraphs
	links := eval[[]string](t, ctx, `[...document.querySelectorAll("#r-m8-expand .calc-cite a")].map((a) => a.getAttribute("href"))`)
	if len(links) == 0 || !strings.HasPrefix(links[0], "/document/#p") {
		t.Errorf("m8-expand citation links = %v, want /document/#p…", links)
	}

	// every link of the results (source paragraphs, departments, measures)
	// leads to a page of the built site, and to an anchor that exists
	hrefs := eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll(".calc-results a")].map((a) => a.href))]`)
	checkLinks(t, host, dir, hrefs)

	// bad numbers: the engine's message next to the field, never NaN
	for _, bad := range []string{"-1", "abc", "2.5"} {
		within(t, ctx, 10*time.Second, chromedp.SendKeys(chromedp.CSS(`#q-hires_1yr`), kb.End+strings.Repeat(kb.Backspace, 8)+bad))
		answers["hires_1yr"] = bad
		msg := ""
		for _, e := range evalGo(t, prog, input()).Errors {
			if e.Question == "hires_1yr" {
				msg = e.Message
			}
		}
		if msg == "" {
			t.Fatalf("the engine gives no error for hires_1yr=%q", bad)
		}
		got := eval[string](t, ctx, `document.getElementById("q-hires_1yr-err").innerText`)
		if !strings.Contains(got, msg) {
			t.Errorf("hires_1yr=%q: error shown %q, want %q", bad, got, msg)
		}
		if inv := eval[string](t, ctx, `document.getElementById("q-hires_1yr").getAttribute("aria-invalid")`); inv != "true" {
			t.Errorf("hires_1yr=%q: aria-invalid = %q", bad, inv)
		}
		if desc := eval[string](t, ctx, `document.getElementById("q-hires_1yr").getAttribute("aria-describedby")`); !strings.Contains(desc, "q-hires_1yr-err") {
			t.Errorf("hires_1yr: aria-describedby = %q, want the error's id", desc)
		}
		if text := eval[string](t, ctx, `document.body.innerText`); strings.Contains(text, "NaN") || strings.Contains(text, "undefined") {
			t.Errorf("hires_1yr=%q: the page shows NaN or undefined", bad)
		}
	}
	within(t, ctx, 10*time.Second, chromedp.SendKeys(chromedp.CSS(`#q-hires_1yr`), kb.End+strings.Repeat(kb.Backspace, 8)+"2"))
	answers["hires_1yr"] = "2"
	if got := eval[bool](t, ctx, `document.getElementById("q-hires_1yr-err").hidden`); !got {
		t.Error("the error stays after a valid answer")
	}

	// share link: a fresh load of the URL restores answers, date and results
	href := eval[string](t, ctx, `location.href`)
	if !strings.Contains(href, "#a=") {
		t.Fatalf("no answers in the URL fragment: %s", href)
	}
	before := eval[string](t, ctx, `document.querySelector(".calc-results").innerText`)
	within(t, ctx, 10*time.Second, chromedp.Navigate("about:blank"))
	openCalculator(t, ctx, href)
	within(t, ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`#r-m8-expand`)))
	restored := eval[map[string]string](t, ctx, `({date: document.getElementById("calc-date").value,
		aud: document.querySelector('input[name="calc-audience"]:checked')?.value,
		firm: document.querySelector('input[name="q-firm_type"]:checked')?.value,
		h1: document.getElementById("q-hires_1yr").value, hi: document.getElementById("q-hires_insured").value,
		both: document.getElementById("q-m8_both").value})`)
	wantRestored := map[string]string{"date": "2023-11-01", "aud": "enterprises", "firm": "small_micro", "h1": "2", "hi": "3", "both": "0"}
	for k, v := range wantRestored {
		if restored[k] != v {
			t.Errorf("share link restored %s = %q, want %q (%s)", k, restored[k], v, href)
		}
	}
	if after := eval[string](t, ctx, `document.querySelector(".calc-results").innerText`); after != before {
		t.Errorf("share link: results differ after reload\nbefore: %s\nafter:  %s", before, after)
	}

	// a later reference date: the m8 benefits have expired; the cards say so
	// and still show what the amount would have been
	eval[bool](t, ctx, `(() => { const d = document.getElementById("calc-date"); d.value = "2024-03-01"; d.dispatchEvent(new Event("change")); return true })()`)
	later := input()
	later["date"] = "2024-03-01"
	want = evalGo(t, prog, later)
	checkCards(t, ctx, want)
	for _, r := range want.Results {
		if r.Benefit == "m8-expand" && (r.Status != "expired" || r.Expiry == "") {
			t.Errorf("m8-expand on 2024-03-01: status %q, expiry %q; want expired", r.Status, r.Expiry)
		}
	}
	if !strings.Contains(eval[string](t, ctx, `location.hash`), ";2024-03-01;") {
		t.Error("the changed date is not in the share fragment")
	}
}

// checkCards compares each result card with the engine's result.
func checkCards(t *testing.T, ctx context.Context, want engineResult) {
	t.Helper()
	type card struct{ Badge, Amount, Text string }
	got := eval[map[string]card](t, ctx, `Object.fromEntries([...document.querySelectorAll(".calc-card")].map((c) => [c.id.slice(2),
		{badge: c.querySelector(".calc-badge").innerText, amount: c.querySelector(".calc-amount strong")?.innerText || "", text: c.innerText}]))`)
	for _, r := range want.Results {
		c, ok := got[r.Benefit]
		if !ok {
			t.Errorf("no card for %s", r.Benefit)
			continue
		}
		// the badge has the status word; the detail of a label such as
		// "可能符合，取决于：…" or "已到期（有效期内…）" has lines of its own
		label := r.StatusLabel
		if i := strings.IndexAny(label, "，（"); i > 0 {
			label = label[:i]
		}
		if !strings.Contains(c.Badge, label) {
			t.Errorf("card %s: badge %q, want %q", r.Benefit, c.Badge, label)
		}
		if r.Expiry != "" && !strings.Contains(c.Text, r.Expiry) {
			t.Errorf("card %s does not say %q", r.Benefit, r.Expiry)
		}
		for _, m := range r.Missing {
			if !strings.Contains(c.Text, m.Label) {
				t.Errorf("card %s does not name the missing answer %q", r.Benefit, m.Label)
			}
		}
		if r.Amount.Form != "none" && r.Amount.Text != "" && c.Amount != r.Amount.Text {
			t.Errorf("card %s: amount %q, want %q", r.Benefit, c.Amount, r.Amount.Text)
		}
	}
	if len(got) != len(want.Results) {
		t.Errorf("page shows %d cards, engine gives %d results", len(got), len(want.Results))
	}
}

// testKeyboard: with the keyboard only, choose an audience and answer a
// question; the focused control has a visible focus indicator.
func testKeyboard(t *testing.T, browser context.Context, host, calcURL string) {
	ctx, _ := newTab(t, browser, host)
	openCalculator(t, ctx, calcURL)
	active := func() string {
		return eval[string](t, ctx, `(document.activeElement.name || document.activeElement.id || document.activeElement.tagName) + ""`)
	}
	tabTo := func(name string) {
		t.Helper()
		for range 80 {
			within(t, ctx, 5*time.Second, chromedp.KeyEvent(kb.Tab))
			if active() == name {
				return
			}
		}
		t.Fatalf("Tab never reached %s", name)
	}
	tabTo("calc-audience")
	for range 6 {
		if eval[bool](t, ctx, `document.getElementById("calc-aud-enterprises").checked`) {
			break
		}
		within(t, ctx, 5*time.Second, chromedp.KeyEvent(kb.ArrowDown))
	}
	if !eval[bool](t, ctx, `document.getElementById("calc-aud-enterprises").checked`) {
		t.Fatal("the arrow keys did not choose 企业和单位")
	}
	outline := eval[string](t, ctx, `getComputedStyle(document.activeElement.closest("label") || document.activeElement).outlineStyle`)
	if outline == "none" {
		t.Error("the focused audience choice has no visible outline")
	}
	tabTo("q-firm_type")
	within(t, ctx, 5*time.Second, chromedp.KeyEvent(kb.ArrowDown))
	picked := eval[string](t, ctx, `document.querySelector('input[name="q-firm_type"]:checked').value`)
	if picked == "unknown" {
		t.Fatal("the arrow key did not answer the question")
	}
	if hash := eval[string](t, ctx, `location.hash`); !strings.Contains(hash, "firm_type:"+picked) {
		t.Errorf("answer %s not in the share fragment %q", picked, hash)
	}
	// a number with the keyboard
	tabTo("q-firm_insured")
	for range 40 {
		if strings.HasPrefix(active(), "q-") && eval[string](t, ctx, `document.activeElement.type`) == "text" {
			break
		}
		within(t, ctx, 5*time.Second, chromedp.KeyEvent(kb.Tab))
	}
	id := active()
	within(t, ctx, 5*time.Second, chromedp.KeyEvent("5"))
	if v := eval[string](t, ctx, `document.activeElement.value`); v != "5" {
		t.Errorf("typed 5 into %s, value is %q", id, v)
	}
}

// testPages: the other pages load without errors, CSP violations or
// requests to other hosts (newTab's checks).
func testPages(t *testing.T, browser context.Context, host string) {
	ctx, _ := newTab(t, browser, host)
	for _, p := range []string{"/", "/measures/", "/measures/m8/", "/document/", "/departments/"} {
		within(t, ctx, 20*time.Second, chromedp.Navigate(host+p), chromedp.WaitReady(chromedp.CSS("body")))
	}
}

// testNoWasm: a browser without WebAssembly gets a clear message.
func testNoWasm(t *testing.T, browser context.Context, host, calcURL string) {
	ctx, _ := newTab(t, browser, host)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `delete globalThis.WebAssembly`}); err != nil {
		t.Fatal(err)
	}
	within(t, ctx, 20*time.Second, chromedp.Navigate(calcURL), chromedp.WaitVisible(chromedp.CSS(".calc-failed")))
	if msg := eval[string](t, ctx, `document.querySelector(".calc-failed").innerText`); !strings.Contains(msg, "不支持 WebAssembly") {
		t.Errorf("message without wasm: %q", msg)
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

// testScreenshots: the calculator with results at phone widths; no
// horizontal scrolling. The images go to a temporary folder (with -v to
// /tmp/policyguide-e2e so they can be looked at).
func testScreenshots(t *testing.T, browser context.Context, host, calcURL string) {
	out := t.TempDir()
	if testing.Verbose() {
		out = filepath.Join(os.TempDir(), "policyguide-e2e")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	scenario := calcURL + m8Scenario
	for _, v := range []struct {
		width int64
		large bool // the theme's large-text mode (html.mode-large)
	}{{320, false}, {390, false}, {320, true}} {
		ctx, _ := newTab(t, browser, host)
		within(t, ctx, 10*time.Second, chromedp.EmulateViewport(v.width, 800, chromedp.EmulateMobile))
		openCalculator(t, ctx, scenario)
		within(t, ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`#r-m8-expand`)))
		suffix := ""
		if v.large {
			eval[bool](t, ctx, `(document.documentElement.classList.add("mode-large"), true)`)
			suffix = "-large"
		}
		if over := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`); over {
			wide := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((e) => e.tagName + "." + e.className)`)
			t.Errorf("%d px%s: the page scrolls sideways; too wide: %v", v.width, suffix, wide)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(out, fmt.Sprintf("calculator-%d%s.png", v.width, suffix))
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", name)
	}

	// The printed 申领清单: only eligible and possible results, no form.
	ctx, _ := newTab(t, browser, host)
	within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile))
	openCalculator(t, ctx, scenario)
	within(t, ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`#r-m8-expand`)))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shown := eval[map[string]bool](t, ctx, `(() => {
		const vis = (e) => !!e && e.getClientRects().length > 0;
		const cards = [...document.querySelectorAll(".calc-card")];
		return {
			form: vis(document.querySelector(".calc-form")),
			actions: vis(document.querySelector(".calc-actions")),
			notice: vis(document.querySelector(".calc-notice")),
			m8: vis(document.getElementById("r-m8-expand")),
			departments: vis(document.querySelector("#r-m8-expand .calc-facts")),
			others: cards.some((c) => vis(c) && !/calc-(eligible|possible)\b/.test(c.className)),
		};
	})()`)
	want := map[string]bool{"form": false, "actions": false, "notice": true, "m8": true, "departments": true, "others": false}
	for k, v := range want {
		if shown[k] != v {
			t.Errorf("print: %s shown = %v, want %v", k, shown[k], v)
		}
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(out, "calculator-print.png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", name)
}

// testAxe runs axe-core on the calculator with results when
// POLICYGUIDE_AXE names a copy of axe.min.js (npm's axe-core, ~650 KB, so it
// is not vendored and CI does not need npm).
func testAxe(t *testing.T, browser context.Context, host, calcURL string) {
	path := os.Getenv("POLICYGUIDE_AXE")
	if path == "" {
		t.Skip("set POLICYGUIDE_AXE=/path/to/axe.min.js (npm install axe-core) to run the accessibility check")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, _ := newTab(t, browser, host)
	openCalculator(t, ctx, calcURL+m8Scenario)
	within(t, ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`#r-m8-expand`)))
	eval[bool](t, ctx, string(src)+";true")
	// open the collapsed ineligible results too, so they are checked
	eval[bool](t, ctx, `(document.querySelectorAll("details").forEach((d) => (d.open = true)), true)`)
	type violation struct {
		ID, Impact, Help string
		Nodes            []struct{ Target []string }
	}
	type report struct {
		Passes     int
		Violations []violation
	}
	r := eval[report](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}}).then((r) => ({
		passes: r.passes.length,
		violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({target: n.target.map(String)}))}))}))`)
	t.Logf("axe: %d rules pass, %d violated", r.Passes, len(r.Violations))
	for _, v := range r.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " "))
		}
		t.Errorf("axe %s (%s): %s at %v", v.ID, v.Impact, v.Help, where)
	}
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
