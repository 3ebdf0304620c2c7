package output

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
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

func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	first := map[string][]byte{
		"index.html":               []byte("<!doctype html>首页"),
		"measures/m1/index.html":   []byte("第1条"),
		"assets/main-ABC123.css":   []byte("body{}"),
		"old-only/page/index.html": []byte("gone next time"),
	}
	if err := Write(dir, first); err != nil {
		t.Fatal(err)
	}
	second := map[string][]byte{
		"index.html":             []byte("新首页"),
		"measures/m1/index.html": []byte("第1条（新）"),
		"empty.txt":              {},
	}
	if err := Write(dir, second); err != nil {
		t.Fatal(err)
	}
	files, modes := tree(t, dir)
	want := map[string]string{"index.html": "新首页", "measures/m1/index.html": "第1条（新）", "empty.txt": ""}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("tree = %v, want %v (old files must be gone)", files, want)
	}
	for p, m := range modes {
		if m.IsDir() && m.Perm() != 0o755 || !m.IsDir() && m.Perm() != 0o644 {
			t.Errorf("%s: mode %v", p, m)
		}
	}
	if got := siblings(t, parent); !reflect.DeepEqual(got, []string{"public"}) {
		t.Errorf("parent holds %v, want only public", got)
	}
}

func TestWriteFailureKeepsOldTree(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	old := map[string][]byte{"index.html": []byte("old"), "a/b.html": []byte("old b")}
	if err := Write(dir, old); err != nil {
		t.Fatal(err)
	}
	before, _ := tree(t, dir)

	for name, files := range map[string]map[string][]byte{
		"dotdot":       {"index.html": []byte("new"), "../escape.html": []byte("x")},
		"inner dotdot": {"a/../../escape.html": []byte("x")},
		"absolute":     {"/etc/passwd": []byte("x")},
		"backslash":    {`a\..\..\x`: []byte("x")},
		"dot":          {"./index.html": []byte("x")},
		"empty elem":   {"a//b.html": []byte("x")},
		"trailing":     {"a/": []byte("x")},
		"empty":        {"": []byte("x")},
		// Valid names that cannot both exist: fails in the middle of writing.
		"file and dir": {"index.html": []byte("new"), "x": []byte("file"), "x/y.html": []byte("under a file")},
	} {
		if err := Write(dir, files); err == nil {
			t.Errorf("%s: no error", name)
		} else if name != "file and dir" && !strings.Contains(err.Error(), "invalid path") {
			t.Errorf("%s: %v", name, err)
		}
		after, _ := tree(t, dir)
		if !reflect.DeepEqual(after, before) {
			t.Errorf("%s: old tree changed: %v", name, after)
		}
		if got := siblings(t, parent); !reflect.DeepEqual(got, []string{"public"}) {
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
	if err := Write(dir, map[string][]byte{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if files, _ := tree(t, dir); files["index.html"] != "x" {
		t.Fatalf("tree = %v", files)
	}
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(file, map[string][]byte{"index.html": []byte("x")}); err == nil {
		t.Error("replaced a regular file")
	}
	if data, _ := os.ReadFile(file); string(data) != "keep" {
		t.Error("regular file changed")
	}
	if err := Write("/", nil); err == nil {
		t.Error("accepted /")
	}
}
