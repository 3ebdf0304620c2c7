package load

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"policyguide/generator/fixture"
)

// copyDir copies the fixture content folder to a temporary one.
func copyDir(t *testing.T, from string) string {
	to := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, from, to)
	return to
}

// TestLoadCached: after each change to the folder, a load with the cache
// gives exactly what a fresh Load gives (values, errors and their order),
// and an unchanged measure comes from the cache.
func TestLoadCached(t *testing.T) {
	dir := copyDir(t, "../pipeline/testdata/mini/content")
	a1 := filepath.Join(dir, "measures", "a1.md")
	a2 := filepath.Join(dir, "measures", "a2.md")
	orig, err := os.ReadFile(a1)
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache()
	var prev *Content
	step := func(what string, wantErrs bool) *Content {
		t.Helper()
		got, gotErrs := LoadCached(dir, cache)
		want, wantList := Load(dir)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: LoadCached differs from Load", what)
		}
		if !reflect.DeepEqual(gotErrs, wantList) {
			t.Fatalf("%s: errors differ:\ncached: %v\nfresh:  %v", what, gotErrs, wantList)
		}
		if (len(gotErrs) > 0) != wantErrs {
			t.Fatalf("%s: errors %v", what, gotErrs)
		}
		return got
	}
	measure := func(c *Content, name string) *MeasureFile {
		for i := range c.Measures {
			if strings.HasSuffix(c.Measures[i].Name, name) {
				return &c.Measures[i]
			}
		}
		t.Fatalf("no measure %s", name)
		return nil
	}
	sameKeys := func(a, b *MeasureFile) bool {
		return reflect.ValueOf(a.Keys).UnsafePointer() == reflect.ValueOf(b.Keys).UnsafePointer()
	}

	prev = step("first load", false)
	c := step("unchanged", false)
	if !sameKeys(measure(prev, "a2.md"), measure(c, "a2.md")) {
		t.Fatal("an unchanged measure was decoded again")
	}
	prev = c

	write := func(file string, data string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(a1, strings.Replace(string(orig), "发放创业补贴", "发放一次性创业补贴", 1))
	c = step("a1 changed", false)
	if measure(c, "a1.md").Title != "发放一次性创业补贴" {
		t.Fatalf("a1's new title not loaded: %q", measure(c, "a1.md").Title)
	}
	if sameKeys(measure(prev, "a1.md"), measure(c, "a1.md")) || !sameKeys(measure(prev, "a2.md"), measure(c, "a2.md")) {
		t.Fatal("the cache did not decode exactly the changed file again")
	}

	// Errors: an unknown key, a missing required key, a syntax error,
	// invalid UTF-8; then back to the original.
	write(a1, strings.Replace(string(orig), "order = 1", "order = 1\nordre = 2", 1))
	step("unknown key", true)
	step("unknown key, unchanged", true)
	write(a1, strings.Replace(string(orig), "label = \"第1条\"\n", "", 1))
	step("missing label", true)
	write(a1, strings.Replace(string(orig), "order = 1", "order = ", 1))
	step("syntax error", true)
	write(a2, "+++\nid = \"a2\xff\"\n+++\n")
	step("invalid UTF-8", true)
	step("invalid UTF-8, unchanged", true)
	write(a1, string(orig))
	if err := os.Remove(a2); err != nil {
		t.Fatal(err)
	}
	step("a2 removed", false)
}
