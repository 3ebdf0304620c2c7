package serve

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchRebuildsOnSave: saving a content file reloads open pages, with
// the change; nothing is rebuilt while nothing changes (no polling).
func TestWatchRebuildsOnSave(t *testing.T) {
	s, content, ch := editableServer(t)
	var log strings.Builder
	go s.watch(content, &log, io.Discard)
	time.Sleep(300 * time.Millisecond) // the watches are in place

	select {
	case msg := <-ch:
		t.Fatalf("a rebuild without a change: %q", msg)
	case <-time.After(500 * time.Millisecond):
	}

	page := filepath.Join(content, "measures", "a1.md")
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "保存后自动更新的一句话。"
	start := time.Now()
	if err := os.WriteFile(page, append(b, "\n"+marker+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-ch:
		if msg != "reload" {
			t.Fatalf("message %q, want reload", msg)
		}
		t.Logf("save → reload message in %v (fixture site)", time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("no reload after a save")
	}
	if got := get(t, s, "/measures/a1/"); !strings.Contains(got, marker) {
		t.Error("the rebuilt page lacks the saved change")
	}
	// A file in a folder created after the start is watched too.
	extra := filepath.Join(content, "pages")
	if err := os.MkdirAll(extra, 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	drain(ch)
	if err := os.WriteFile(filepath.Join(extra, "x.md"), []byte("+++\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-ch:
		if !strings.HasPrefix(msg, "error:") && msg != "reload" {
			t.Fatalf("message %q", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a file in a new folder did not trigger a rebuild")
	}
}

// get is the body of a GET of path from s.
func get(t *testing.T, s *Server, path string) string {
	t.Helper()
	return getB(s, path)
}

func getB(s *Server, path string) string {
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "localhost"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Body.String()
}

func drain(ch chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
