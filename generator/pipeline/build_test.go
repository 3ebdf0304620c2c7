package pipeline

import (
	"errors"

	"bytes"
	"os"
	"path/filepath"
	"policyguide/generator/output"
	"sort"
	"testing"
)

// TestSecondSite builds the small fixture site: a different plan with its own
// categories, audiences, departments and rules, through the same generator.
func TestSecondSite(t *testing.T) {
	content := miniSite(t)
	r, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "measures/a1/index.html", "measures/a3/index.html",
		"categories/startup/index.html", "departments/jobs/index.html", "audiences/firms/index.html",
		"document/index.html", "about/index.html", "calculator/index.html", "404.html", "sitemap.xml",
		"robots.txt", "feed.xml", "data/rules.json", "data/measures.json"} {
		if _, ok := r.Files[f]; !ok {
			t.Errorf("missing %s", f)
		}
	}
	home := string(r.Files["index.html"])
	for _, want := range []string{"示例市创业扶持指南", "我是居民", "我是企业", "创业扶持"} {
		if !bytes.Contains([]byte(home), []byte(want)) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if bytes.Contains([]byte(home), []byte("庆阳")) {
		t.Error("the fixture site mentions 庆阳: something site-specific leaked into the generator or theme")
	}
}

// TestDeterministic builds twice and compares every byte.
func TestDeterministic(t *testing.T) {
	content := miniSite(t)
	a, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for name, data := range a.Files {
		if !bytes.Equal(data, b.Files[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// snapshot reads a folder tree into memory.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !e.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(data)
		}
		return nil
	})
	return out
}

// TestFailedBuildKeepsOutput: a broken content edit must not touch public/.
func TestFailedBuildKeepsOutput(t *testing.T) {
	content := miniSite(t)
	opt := Options{Content: content, Out: "public", Date: testDay, NoWasm: true}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, "public")
	edit(t, "content/measures/a1.md", "(/calculator/)", "(/nowhere/)")
	if _, err := Build(opt); err == nil {
		t.Fatal("broken build succeeded")
	}
	after := snapshot(t, "public")
	if len(before) != len(after) {
		t.Fatalf("public/ had %d files, now %d", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed after a failed build", k)
		}
	}
	// No temporary folders left next to public/ (.public.folders is the
	// output's record of its folders, not a leftover).
	entries, _ := os.ReadDir(".")
	var names []string
	for _, e := range entries {
		if e.Name() != ".public.folders" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) != 2 {
		t.Errorf("leftovers next to public/: %v", names)
	}
}

// TestRefusesOutputFolders: --out never replaces a folder the generator did
// not make: the project itself, the content, a folder holding other files.
func TestRefusesOutputFolders(t *testing.T) {
	content := miniSite(t)
	if err := os.MkdirAll(".git", 0o755); err != nil { // the checkout is a repository
		t.Fatal(err)
	}
	if err := os.MkdirAll("docs-keep", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("docs-keep/notes.txt", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, ".")
	for _, out := range []string{".", "..", "content", "content/public", "docs-keep", ".git"} {
		_, err := Build(Options{Content: content, Out: out, Date: testDay, NoWasm: true})
		if !errors.Is(err, output.ErrRefused) {
			t.Errorf("--out %s: err = %v, want a refusal", out, err)
		}
	}
	if after := snapshot(t, "."); len(after) != len(before) {
		t.Errorf("the checkout changed: %d files, now %d", len(before), len(after))
	}
	if data, err := os.ReadFile("docs-keep/notes.txt"); err != nil || string(data) != "mine" {
		t.Errorf("notes.txt lost: %v", err)
	}
}
