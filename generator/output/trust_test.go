package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// trustSite is a site of a few folders two levels deep.
func trustSite(v int) map[string][]byte {
	files := map[string][]byte{"index.html": []byte(fmt.Sprintf("home %d", v))}
	for i := range 5 {
		files[fmt.Sprintf("m/%d/index.html", i)] = []byte(fmt.Sprintf("page %d", i))
	}
	return files
}

// slowFinish makes the folders' mtimes older than the manifest's time stamp
// (the file system's clock ticks every few ms), so finish records them.
func slowFinish(t *testing.T, also func()) {
	t.Helper()
	old := step
	step = func(name string) {
		if name == "written" {
			if also != nil {
				also()
			}
			time.Sleep(30 * time.Millisecond)
		}
	}
	t.Cleanup(func() { step = old })
}

// countReads records the folders inspect reads (relative to parent).
func countReads(t *testing.T, parent string) func() []string {
	t.Helper()
	var mu sync.Mutex
	var read []string
	old := readDir
	readDir = func(name string) ([]os.DirEntry, error) {
		mu.Lock()
		rel, _ := filepath.Rel(parent, name)
		read = append(read, filepath.ToSlash(rel))
		mu.Unlock()
		return old(name)
	}
	t.Cleanup(func() { readDir = old })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		r := read
		read = nil
		return r
	}
}

// TestUnchangedFoldersAreNotRead: on a rebuild, a folder whose mtime is the
// one recorded in the manifest is not read (only the two roots are), and a
// file a person adds to such a folder is still refused, in the output and
// in the staging tree.
func TestUnchangedFoldersAreNotRead(t *testing.T) {
	for _, where := range []string{"public", ".public.staging"} {
		t.Run(where, func(t *testing.T) {
			slowFinish(t, nil)
			parent := t.TempDir()
			out := filepath.Join(parent, "public")
			for v := range 3 {
				if err := write(out, trustSite(v)); err != nil {
					t.Fatal(err)
				}
			}
			reads := countReads(t, parent)
			if err := write(out, trustSite(3)); err != nil {
				t.Fatal(err)
			}
			for _, r := range reads() {
				if r != "public" && r != ".public.staging" {
					t.Errorf("read %s, whose mtime is unchanged", r)
				}
			}
			if got := site(t, out); !reflect.DeepEqual(got, asStrings(trustSite(3))) {
				t.Fatalf("site = %v", got)
			}
			mkfiles(t, filepath.Join(parent, where), map[string]string{"m/3/mine.txt": "mine"})
			err := write(out, trustSite(4))
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "m/3/mine.txt") {
				t.Fatalf("err = %v, want a refusal naming m/3/mine.txt", err)
			}
			if got := reads(); !contains(got, where+"/m/3") {
				t.Errorf("m/3 changed but was not read: %v", got)
			}
			if err := os.Remove(filepath.Join(parent, where, "m", "3", "mine.txt")); err != nil {
				t.Fatal(err)
			}
			if err := write(out, trustSite(4)); err != nil {
				t.Fatalf("after removing the foreign file: %v", err)
			}
		})
	}
}

// TestFileAddedDuringBuild: a file a person adds to a folder of the tree
// being written, after the build wrote its files, is refused by the next
// build (its folder's mtime is not trusted).
func TestFileAddedDuringBuild(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	slowFinish(t, nil)
	for v := range 3 {
		if err := write(out, trustSite(v)); err != nil {
			t.Fatal(err)
		}
	}
	slowFinish(t, func() {
		mkfiles(t, filepath.Join(parent, ".public.staging"), map[string]string{"m/2/mine.txt": "mine"})
	})
	if err := write(out, trustSite(3)); err != nil {
		t.Fatal(err)
	}
	err := write(out, trustSite(4))
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "m/2/mine.txt") {
		t.Fatalf("err = %v, want a refusal naming m/2/mine.txt", err)
	}
}

// TestManifestWithoutFolderTimes: a manifest without folder lines (written
// by an earlier version) is accepted, and unchanged files are not rewritten.
func TestManifestWithoutFolderTimes(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	for v := range 2 {
		if err := write(out, trustSite(v)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tree := range []string{"public", ".public.staging"} {
		m := filepath.Join(parent, tree, MarkerName)
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		var keep []string
		for _, line := range strings.SplitAfter(string(b), "\n") {
			if !strings.HasPrefix(line, "t") {
				keep = append(keep, line)
			}
		}
		if len(keep) == len(strings.SplitAfter(string(b), "\n")) {
			t.Fatalf("%s: no folder lines in the manifest", tree)
		}
		if err := os.WriteFile(m, []byte(strings.Join(keep, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkfiles(t, parent, map[string]string{"public/m/1/mine.txt": "mine"})
	if err := write(out, trustSite(2)); !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	os.Remove(filepath.Join(parent, "public", "m", "1", "mine.txt"))
	if err := write(out, trustSite(2)); err != nil {
		t.Fatal(err)
	}
	if got := site(t, out); !reflect.DeepEqual(got, asStrings(trustSite(2))) {
		t.Fatalf("site = %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
