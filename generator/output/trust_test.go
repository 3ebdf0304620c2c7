package output

import (
	"crypto/sha256"
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

// TestStaleFoldersFile: a folders file that does not match a tree's
// manifest (an older one put back, say) is ignored: a foreign file is
// refused even in a folder whose mtime equals the stale record's.
func TestStaleFoldersFile(t *testing.T) {
	slowFinish(t, nil)
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	var stale []byte
	for v := range 4 {
		if err := write(out, trustSite(v)); err != nil {
			t.Fatal(err)
		}
		if v == 1 {
			b, err := os.ReadFile(filepath.Join(parent, ".public.folders"))
			if err != nil {
				t.Fatal(err)
			}
			stale = b
		}
	}
	// public is the tree written by builds 1 and 3; put back build 1's
	// record of it, whose manifest (index.html "home 1") is not today's.
	m1 := filepath.Join(out, "m", "1")
	var rec int64
	for _, r := range readFolders(filepath.Join(parent, ".public.folders")) {
		if r.times["m/1"] != 0 {
			rec = r.times["m/1"]
		}
	}
	if err := os.WriteFile(filepath.Join(parent, ".public.folders"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	var old int64
	for _, r := range readFolders(filepath.Join(parent, ".public.folders")) {
		if st, err := os.Lstat(out); err == nil && r.id == rootID(st) {
			old = r.times["m/1"]
		}
	}
	if old == 0 || rec == 0 {
		t.Fatalf("no recorded mtime for m/1 (stale %d, current %d)", old, rec)
	}
	mkfiles(t, out, map[string]string{"m/1/mine.txt": "mine"})
	if err := os.Chtimes(m1, time.Unix(0, old), time.Unix(0, old)); err != nil {
		t.Fatal(err)
	}
	err := write(out, trustSite(4))
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "m/1/mine.txt") {
		t.Fatalf("err = %v, want a refusal naming m/1/mine.txt", err)
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

// TestSums: sums the caller gives are recorded as Write's own would be,
// so a later build sees the files as unchanged.
func TestSums(t *testing.T) {
	parent := t.TempDir()
	a, b := filepath.Join(parent, "a"), filepath.Join(parent, "b")
	files := trustSite(0)
	sums := map[string][16]byte{}
	for name, data := range files {
		full := sha256.Sum256(data)
		sums[name] = [16]byte(full[:16])
	}
	if err := write(a, files); err != nil {
		t.Fatal(err)
	}
	p, err := Check(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(files, sums); err != nil {
		t.Fatal(err)
	}
	ma, _ := os.ReadFile(filepath.Join(a, MarkerName))
	mb, _ := os.ReadFile(filepath.Join(b, MarkerName))
	hashLines := func(m []byte) (out []string) {
		for _, l := range strings.Split(string(m), "\n") {
			if !strings.HasPrefix(l, "t") {
				out = append(out, l)
			}
		}
		return out
	}
	if !reflect.DeepEqual(hashLines(ma), hashLines(mb)) || len(hashLines(ma)) < len(files) {
		t.Errorf("manifests differ:\n%s\n%s", ma, mb)
	}
}

// TestForeignFoldersFileKept: a file named like the folders file (or its
// temporary file) that the generator did not write is never replaced or
// removed; the build still succeeds, without the folder records.
func TestForeignFoldersFileKept(t *testing.T) {
	for _, name := range []string{".public.folders", ".public.folders.tmp"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			mine := filepath.Join(parent, name)
			if err := os.WriteFile(mine, []byte("my notes\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(parent, "public")
			for v := range 2 {
				if err := Write(out, trustSite(v), Options{}); err != nil {
					t.Fatal(err)
				}
			}
			if b, err := os.ReadFile(mine); err != nil || string(b) != "my notes\n" {
				t.Errorf("%s: %q, %v; want it unchanged", name, b, err)
			}
			if b, err := os.ReadFile(filepath.Join(out, "index.html")); err != nil || string(b) != "home 1" {
				t.Errorf("the site was not written: %q, %v", b, err)
			}
		})
	}
}
