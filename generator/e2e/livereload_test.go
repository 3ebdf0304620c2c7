package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"policyguide/generator/fixture"
	"policyguide/generator/pipeline"
	"policyguide/generator/serve"
)

// TestLiveReload is the preview as staff use it: a page open in the
// browser shows an edit by itself (the server's incremental update sends
// "reload" as soon as the page can be rendered); a broken link, found by the
// finishing stages after the reload, appears on the page; fixing it clears it.
func TestLiveReload(t *testing.T) {
	needBrowser(t)
	content := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, "../pipeline/testdata/mini/content", content)
	s := serve.New(pipeline.Options{Content: content, NoWasm: true, Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ctx, _ := newTab(t, startBrowser(t), srv.URL)
	within(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL+"/measures/a1/"),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	// The page's EventSource is open before the first edit.
	time.Sleep(500 * time.Millisecond)

	page := filepath.Join(content, "measures", "a1.md")
	change := func(old, new string) {
		t.Helper()
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(page, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(); err != nil {
			t.Fatal(err)
		}
	}
	// waitFor polls expr until it is true; a reload in between makes an
	// evaluation fail, which is tried again.
	waitFor := func(what, expr string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			c, cancel := context.WithTimeout(ctx, 2*time.Second)
			ok, err := chromedp.Run(c, chromedp.Evaluate[bool](expr))
			cancel()
			if err == nil && ok {
				return
			}
		}
		t.Fatalf("after 20 s, still not: %s", what)
	}

	start := time.Now()
	change(`title = "发放创业补贴"`, `title = "发放创业补贴（预览中修改）"`)
	waitFor("edited title shown", `document.querySelector("h1").textContent.includes("预览中修改")`)
	t.Logf("update → page shows the edit: %v", time.Since(start).Round(time.Millisecond))

	change("见[原文](/document/#p4)", "见[原文](/document/#p4)和[一个不存在的页](/nowhere/)")
	// The error may reach the old page just before it reloads; what must
	// hold in the end is the edited page with the error on it.
	waitFor("the edited page shown with the broken link reported",
		`(document.querySelector(".lr-overlay pre")||{textContent:""}).textContent.includes("/nowhere/") && document.querySelector(".prose").textContent.includes("一个不存在的页")`)

	change("和[一个不存在的页](/nowhere/)", "")
	waitFor("fixed page without the error", `!document.querySelector(".lr-overlay") && !document.querySelector(".prose").textContent.includes("一个不存在的页")`)
}
