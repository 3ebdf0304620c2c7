package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policyguide/generator/fixture"
	"policyguide/generator/pipeline"
)

// editableServer is a server over a copy of the mini fixture, built once,
// with a subscriber channel for the messages open pages get.
func editableServer(t *testing.T) (*Server, string, chan string) {
	t.Helper()
	content := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, "../pipeline/testdata/mini/content", content)
	s := New(pipeline.Options{Content: content, NoWasm: true, Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 8)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	return s, content, ch
}

// edit replaces old with new in a content file.
func edit(t *testing.T, content, file, old, new string) {
	t.Helper()
	p := filepath.Join(content, filepath.FromSlash(file))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q", file, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func next(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message")
		return ""
	}
}

// TestUpdateDraftFirst: an edit is on the page as soon as Update returns
// (open pages are told to reload then), and in the files only the whole
// build makes (open data) once it is done.
func TestUpdateDraftFirst(t *testing.T) {
	s, content, ch := editableServer(t)
	edit(t, content, "measures/a1.md", `title = "发放创业补贴"`, `title = "发放创业补贴（已修改）"`)
	done, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	if m := next(t, ch); m != "reload" {
		t.Fatalf("message %q, want reload", m)
	}
	if got := get(t, s, "/measures/a1/"); !strings.Contains(got, "发放创业补贴（已修改）") {
		t.Error("the page lacks the edit right after Update")
	}
	if got := get(t, s, "/measures/"); !strings.Contains(got, "发放创业补贴（已修改）") {
		t.Error("the list of measures lacks the edit right after Update")
	}
	// Open data comes from the whole build: a GET waits for it.
	if got := get(t, s, "/data/measures.json"); !strings.Contains(got, "发放创业补贴（已修改）") {
		t.Error("measures.json lacks the edit")
	}
	<-done
	if err := s.buildErr(); err != "" {
		t.Fatal(err)
	}
	if got := get(t, s, "/measures/a1/"); !strings.Contains(got, "发放创业补贴（已修改）") {
		t.Error("the finished page lacks the edit")
	}
	select {
	case m := <-ch:
		t.Errorf("a second message %q for one good build", m)
	default:
	}
}

// TestUpdateLinkError: a broken link is found by the finishing stages; open
// pages get the error after the reload, and the edited page stays shown.
func TestUpdateLinkError(t *testing.T) {
	s, content, ch := editableServer(t)
	edit(t, content, "measures/a1.md", "见[原文](/document/#p4)", "见[原文](/document/#p4)和[不存在的页](/nowhere/)")
	done, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if m := next(t, ch); m != "reload" {
		t.Fatalf("first message %q, want reload", m)
	}
	if m := next(t, ch); !strings.HasPrefix(m, "error:") || !strings.Contains(m, "/nowhere/") {
		t.Fatalf("second message %q, want the link error", m)
	}
	if err := s.Rebuild(); err == nil || !strings.Contains(err.Error(), "/nowhere/") {
		t.Fatalf("Rebuild: %v, want the link error", err)
	}
	if got := get(t, s, "/measures/a1/"); !strings.Contains(got, "不存在的页") {
		t.Error("the edited page is not shown with its error")
	}
}

// TestUpdateContentError: content that does not load keeps the last good
// site and tells open pages why.
func TestUpdateContentError(t *testing.T) {
	s, content, ch := editableServer(t)
	before := get(t, s, "/measures/a1/")
	edit(t, content, "measures/a1.md", `order = 1`, `order = "one"`)
	if _, err := s.Update(); err == nil || !strings.Contains(err.Error(), "a1.md:3") {
		t.Fatalf("Update: %v, want an error at a1.md:3", err)
	}
	if m := next(t, ch); !strings.HasPrefix(m, "error:") {
		t.Fatalf("message %q, want an error", m)
	}
	if got := get(t, s, "/measures/a1/"); got != before {
		t.Error("the last good page is not served")
	}
	// Fixed again: served anew, and the error is gone.
	edit(t, content, "measures/a1.md", `order = "one"`, `order = 1`)
	done, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if err := s.buildErr(); err != "" {
		t.Fatal(err)
	}
}

// TestUpdateSupersedes: of two quick updates, the second one's site is
// what stays, whatever order their background stages end in.
func TestUpdateSupersedes(t *testing.T) {
	s, content, _ := editableServer(t)
	edit(t, content, "measures/a1.md", `title = "发放创业补贴"`, `title = "第一次修改"`)
	done1, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	edit(t, content, "measures/a1.md", `title = "第一次修改"`, `title = "第二次修改"`)
	done2, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	<-done1
	<-done2
	if err := s.buildErr(); err != "" {
		t.Fatal(err)
	}
	for _, p := range []string{"/measures/a1/", "/data/measures.json"} {
		if got := get(t, s, p); !strings.Contains(got, "第二次修改") || strings.Contains(got, "第一次修改") {
			t.Errorf("%s is not the second update's", p)
		}
	}
}

// TestUpdateClearsOldError: after a failed build, a good draft clears the
// error, so a page that connects while the new build finishes is not shown
// the old one.
func TestUpdateClearsOldError(t *testing.T) {
	s, content, _ := editableServer(t)
	edit(t, content, "measures/a1.md", `order = 1`, `order = "one"`)
	if _, err := s.Update(); err == nil {
		t.Fatal("no error for a bad order")
	}
	edit(t, content, "measures/a1.md", `order = "one"`, `order = 1`)
	done, err := s.Update()
	if err != nil {
		t.Fatal(err)
	}
	if e := s.buildErr(); e != "" {
		t.Errorf("the old error stays while the new build finishes: %s", e)
	}
	<-done
}
