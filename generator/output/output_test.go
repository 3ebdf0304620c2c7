package output

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// tree reads dir back as path -> content, and path -> mode.
func tree(t *testing.T, dir string) (map[string]string, map[string]fs.FileMode) {
	t.Helper()
	files, modes := map[string]string{}, map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		modes[filepath.ToSlash(rel)] = info.Mode()
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			files[filepath.ToSlash(rel)] = "-> " + target
			return err
		}
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, modes
}

// siblings lists the parent's entries, to catch temporary leftovers.
func siblings(t *testing.T, parent string) []string {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// write is Write with no protected folders beyond the defaults.
func write(dir string, files map[string][]byte) error { return Write(dir, files, Options{}) }

// site reads dir back without the marker.
func site(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, _ := tree(t, dir)
	delete(files, MarkerName)
	return files
}

func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	first := map[string][]byte{
		"index.html":               []byte("<!doctype html>首页"),
		"measures/m1/index.html":   []byte("第1条"),
		"assets/main-ABC123.css":   []byte("body{}"),
		"old-only/page/index.html": []byte("gone next time"),
	}
	if err := write(dir, first); err != nil {
		t.Fatal(err)
	}
	second := map[string][]byte{
		"index.html":             []byte("新首页"),
		"measures/m1/index.html": []byte("第1条（新）"),
		"empty.txt":              {},
	}
	if err := write(dir, second); err != nil {
		t.Fatal(err)
	}
	files, modes := tree(t, dir)
	if !strings.HasPrefix(files[MarkerName], markerHeader) {
		t.Errorf("no marker in the output: %q", files[MarkerName])
	}
	want := map[string]string{"index.html": "新首页", "measures/m1/index.html": "第1条（新）", "empty.txt": ""}
	if got := site(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v, want %v (old files must be gone)", got, want)
	}
	for p, m := range modes {
		if m.IsDir() && m.Perm() != 0o755 || !m.IsDir() && m.Perm() != 0o644 {
			t.Errorf("%s: mode %v", p, m)
		}
	}
	if got := siblings(t, parent); !reflect.DeepEqual(got, []string{".public.folders", ".public.staging", "public"}) {
		t.Errorf("parent holds %v, want public, its staging tree and the folders file", got)
	}
	// The staging tree holds the previous site, ready to be updated next time.
	if got := site(t, filepath.Join(parent, ".public.staging")); len(got) != len(first) {
		t.Errorf("staging = %v, want the first site", got)
	}
	third := map[string][]byte{"index.html": []byte("第三版"), "a/b/c.html": []byte("深")}
	if err := write(dir, third); err != nil {
		t.Fatal(err)
	}
	if got, want := site(t, dir), map[string]string{"index.html": "第三版", "a/b/c.html": "深"}; !reflect.DeepEqual(got, want) {
		t.Errorf("third tree = %v, want %v", got, want)
	}
}

// TestWriteOnlyChanged: a rebuild rewrites only the files whose bytes
// changed; the others keep their modification time.
func TestWriteOnlyChanged(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	files := map[string][]byte{"index.html": []byte("a"), "m/1/index.html": []byte("b"), "m/2/index.html": []byte("c")}
	for range 2 { // public and staging both hold the site
		if err := write(dir, files); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for name := range files {
		if err := os.Chtimes(filepath.Join(parent, ".public.staging", name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	files["m/2/index.html"] = []byte("changed")
	if err := write(dir, files); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if rewritten := !info.ModTime().Equal(old); rewritten != (name == "m/2/index.html") {
			t.Errorf("%s: rewritten = %v", name, rewritten)
		}
	}
	if got := site(t, dir)["m/2/index.html"]; got != "changed" {
		t.Errorf("changed file = %q", got)
	}
}

func TestWriteFailureKeepsOldTree(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	old := map[string][]byte{"index.html": []byte("old"), "a/b.html": []byte("old b")}
	if err := write(dir, old); err != nil {
		t.Fatal(err)
	}
	before, _ := tree(t, dir)
	beside := siblings(t, parent)

	for name, files := range map[string]map[string][]byte{
		"dotdot":       {"index.html": []byte("new"), "../escape.html": []byte("x")},
		"inner dotdot": {"a/../../escape.html": []byte("x")},
		"absolute":     {"/etc/passwd": []byte("x")},
		"backslash":    {`a\..\..\x`: []byte("x")},
		"dot":          {"./index.html": []byte("x")},
		"empty elem":   {"a//b.html": []byte("x")},
		"trailing":     {"a/": []byte("x")},
		"empty":        {"": []byte("x")},
		"marker":       {MarkerName: []byte("x")},
		"file and dir": {"index.html": []byte("new"), "x": []byte("file"), "x/y.html": []byte("under a file")},
	} {
		if err := write(dir, files); err == nil {
			t.Errorf("%s: no error", name)
		}
		after, _ := tree(t, dir)
		if !reflect.DeepEqual(after, before) {
			t.Errorf("%s: old tree changed: %v", name, after)
		}
		if got := siblings(t, parent); !reflect.DeepEqual(got, beside) {
			t.Errorf("%s: leftovers: %v", name, got)
		}
	}
	if _, err := os.Stat(filepath.Join(parent, "escape.html")); err == nil {
		t.Error("a file was written outside the directory")
	}
}

func TestWriteNewDirAndRefusals(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "deep", "public") // parent does not exist yet
	if err := write(dir, map[string][]byte{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if got := site(t, dir); got["index.html"] != "x" {
		t.Fatalf("tree = %v", got)
	}
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := write(empty, map[string][]byte{"index.html": []byte("x")}); err != nil {
		t.Errorf("an existing empty folder: %v", err)
	}
	if err := write("/", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("accepted /: %v", err)
	}
}

// mkfiles creates files (path → content) under root.
func mkfiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRefusals: every folder the generator did not make, or that holds
// something precious, is refused with a message saying why, and nothing in
// it changes.
func TestRefusals(t *testing.T) {
	page := map[string][]byte{"index.html": []byte("site")}
	cases := []struct {
		name    string
		setup   func(t *testing.T, root string) (out string, opt Options)
		message string
	}{
		{"foreign folder", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"docs-keep/notes.txt": "mine"})
			return filepath.Join(root, "docs-keep"), Options{}
		}, "was not made by this generator"},
		{"project checkout", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"proj/content/site.toml": "x", "proj/.git/HEAD": "ref", "proj/go.mod": "module x"})
			return filepath.Join(root, "proj"), Options{Content: filepath.Join(root, "proj", "content")}
		}, "contains"},
		{"content folder itself", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"c/site.toml": "x"})
			return filepath.Join(root, "c"), Options{Content: filepath.Join(root, "c")}
		}, "content folder"},
		{"inside the content", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"c/site.toml": "x"})
			return filepath.Join(root, "c", "public"), Options{Content: filepath.Join(root, "c")}
		}, "inside the content folder"},
		{"repository around the content", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"repo/.git/HEAD": "ref", "repo/site/content/site.toml": "x"})
			return filepath.Join(root, "repo"), Options{Content: filepath.Join(root, "repo", "site", "content")}
		}, "contains"},
		{"holds a repository", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"out/.git/HEAD": "ref"})
			return filepath.Join(root, "out"), Options{}
		}, ".git"},
		{"protected", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"home/me/keep.txt": "mine"})
			return filepath.Join(root, "home"), Options{Protect: []string{filepath.Join(root, "home", "me")}}
		}, "contains"},
		{"symlink", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"real/keep.txt": "mine"})
			if err := os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "link")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(root, "link"), Options{}
		}, "symbolic link"},
		{"a file", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"file": "keep"})
			return filepath.Join(root, "file"), Options{}
		}, "not a folder"},
		{"added by a person", func(t *testing.T, root string) (string, Options) {
			out := filepath.Join(root, "public")
			if err := write(out, page); err != nil {
				t.Fatal(err)
			}
			mkfiles(t, out, map[string]string{"notes/todo.txt": "mine"})
			return out, Options{}
		}, "notes/todo.txt"},
		{"forged marker", func(t *testing.T, root string) (string, Options) {
			mkfiles(t, root, map[string]string{"out/" + MarkerName: "hello", "out/keep.txt": "mine"})
			return filepath.Join(root, "out"), Options{}
		}, "not the generator's manifest"},
		{"foreign staging folder", func(t *testing.T, root string) (string, Options) {
			out := filepath.Join(root, "public")
			if err := write(out, page); err != nil {
				t.Fatal(err)
			}
			mkfiles(t, root, map[string]string{".public.staging/keep.txt": "mine"})
			return out, Options{}
		}, ".public.staging"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			out, opt := c.setup(t, root)
			before, _ := tree(t, root)
			err := Write(out, page, opt)
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.message) {
				t.Fatalf("err = %v, want a refusal mentioning %q", err, c.message)
			}
			if after, _ := tree(t, root); !reflect.DeepEqual(after, before) {
				t.Errorf("something changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestRefuseWorkingFolder: "--out ." in a checkout is refused; the checkout
// is untouched.
func TestRefuseWorkingFolder(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, map[string]string{"content/site.toml": "x", "generator/main.go": "package main", "go.mod": "module x"})
	t.Chdir(root)
	before, _ := tree(t, root)
	for _, out := range []string{".", "..", root, "content/..", "generator/.."} {
		if err := Write(out, map[string][]byte{"index.html": []byte("x")}, Options{Content: "content"}); !errors.Is(err, ErrRefused) {
			t.Errorf("--out %s: err = %v, want a refusal", out, err)
		}
	}
	if after, _ := tree(t, root); !reflect.DeepEqual(after, before) {
		t.Errorf("checkout changed")
	}
	// public/ inside the checkout is the normal case.
	if err := Write("public", map[string][]byte{"index.html": []byte("x")}, Options{Content: "content"}); err != nil {
		t.Errorf("public: %v", err)
	}
}

// TestRemovesDebris: the temporary folders an earlier version of the
// generator left after a kill are removed; look-alikes are not.
func TestRemovesDebris(t *testing.T) {
	parent := t.TempDir()
	mkfiles(t, parent, map[string]string{
		".public.new-123/index.html":             "debris",
		".public.new-45.old/index.html":          "debris",
		".public.new-abc/keep.txt":               "not ours",
		".other.new-1/keep.txt":                  "not ours",
		".public.staging/" + MarkerName + ".tmp": "half-written marker",
	})
	if err := os.Remove(filepath.Join(parent, ".public.staging", MarkerName+".tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(parent, ".public.staging")); err != nil {
		t.Fatal(err)
	}
	if err := write(filepath.Join(parent, "public"), map[string][]byte{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if got, want := siblings(t, parent), []string{".other.new-1", ".public.folders", ".public.new-abc", "public"}; !reflect.DeepEqual(got, want) {
		t.Errorf("parent = %v, want %v", got, want)
	}
}
