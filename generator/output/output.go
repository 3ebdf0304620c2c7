// Package output publishes a built site as a folder on disk: a reader (a web
// server, rsync) sees either the whole old site or the whole new one, and the
// generator never deletes or overwrites anything it did not write itself.
//
// Two trees take turns. The new site is written into a staging folder next to
// the output folder (".public.staging" for "public"), which holds the site of
// the build before last: only the files whose bytes changed are rewritten,
// files the new site lacks are removed. Then staging and output are exchanged
// in one atomic step (Linux renameat2 RENAME_EXCHANGE), so the old site is the
// next build's staging tree. Each tree carries a manifest (MarkerName) listing
// the files the generator wrote with a hash of each; it is also the marker that
// proves a folder is the generator's own.
//
// A folder without the marker is never replaced: an existing non-empty output
// folder the generator did not make, a folder holding the content or a
// repository, and a marked folder holding files the manifest does not list
// (a person added them) are all refused with a message saying why.
package output

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// MarkerName is the manifest file in the root of every tree the generator
// writes. Its first line is markerHeader; then one "hash path" line per file,
// or the single line "dirty" while the tree is being changed.
const MarkerName = ".policyguide-output"

const (
	markerHeader = "policyguide output v1: this folder is written by the policy-guide generator; files listed below are replaced on every build"
	dirtyLine    = "dirty"
)

// File and directory modes are set explicitly (not left to the umask) so
// that two builds give the same tree, whoever runs them.
const (
	fileMode fs.FileMode = 0o644
	dirMode  fs.FileMode = 0o755
)

// ErrRefused is wrapped by every error that refuses to touch a folder.
var ErrRefused = errors.New("refused")

// Options guard folders that must never be replaced.
type Options struct {
	// Content is the content folder: the output folder must neither be,
	// contain nor lie inside it.
	Content string
	// Protect lists more folders that the output folder must neither be nor
	// contain. The working folder and the repositories around it and around
	// the content are always protected.
	Protect []string
}

// step is called at each named step of Write; tests set it to kill the
// process there and prove that every step is safe to die in.
var step = func(name string) {}

// Write publishes files (slash-separated paths relative to dir, e.g.
// "measures/m1/index.html") as the folder dir.
//
// Paths must stay inside dir: absolute paths, "..", "." elements, empty
// elements and backslashes are refused before anything is written. Files are
// not fsynced: what Write guarantees is that a failed or killed build leaves
// one complete site at dir, never a mix and never nothing.
func Write(dir string, files map[string][]byte, opt Options) error {
	names := make([]string, 0, len(files))
	for name := range files {
		if err := checkName(name); err != nil {
			return err
		}
		if name == MarkerName {
			return fmt.Errorf("output: %s is the generator's own marker file and cannot be a page", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for i := 1; i < len(names); i++ { // "x" and "x/y.html" cannot both exist
		if strings.HasPrefix(names[i], names[i-1]+"/") {
			return fmt.Errorf("output: %q is both a file and a folder", names[i-1])
		}
	}

	out, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	out = filepath.Clean(out)
	parent, base := filepath.Dir(out), filepath.Base(out)
	if parent == out {
		return refuse("refusing to use the root folder %s as the output folder", dir)
	}
	if err := guard(dir, out, opt); err != nil {
		return err
	}
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	staging := filepath.Join(parent, "."+base+".staging")
	retired := filepath.Join(parent, "."+base+".retired")

	unlock, err := lock(parent, base)
	if err != nil {
		return err
	}
	defer unlock()

	// A kill between the two renames of the fallback swap leaves the old
	// site in retired and nothing at out: put it back first.
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if isOurs(retired) {
			if err := os.Rename(retired, out); err != nil {
				return fmt.Errorf("output: restoring %s from an interrupted build: %w", dir, err)
			}
		}
	}
	removeDebris(parent, base)

	cur, err := inspect(dir, out, false)
	if err != nil {
		return err
	}
	stg, err := inspect(dir, staging, true)
	if err != nil {
		return err
	}

	hashes := hashAll(names, files)
	step("start")
	if err := update(staging, stg, names, files, hashes); err != nil {
		return err
	}
	step("staged")
	if !cur.exists {
		if err := os.Rename(staging, out); err != nil {
			return fmt.Errorf("output: moving the new site into %s: %w", dir, err)
		}
		step("swapped")
		return nil
	}
	if err := exchange(staging, out, retired); err != nil {
		return fmt.Errorf("output: swapping the new site into %s: %w", dir, err)
	}
	step("swapped")
	return nil
}

// Check says, before any work is done, whether Write would refuse dir: a
// build calls it first so a refusal comes at once, not after rendering.
func Check(dir string, opt Options) error {
	out, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	out = filepath.Clean(out)
	if filepath.Dir(out) == out {
		return refuse("refusing to use the root folder %s as the output folder", dir)
	}
	if err := guard(dir, out, opt); err != nil {
		return err
	}
	if _, err := inspect(dir, out, false); err != nil {
		return err
	}
	_, err = inspect(dir, filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".staging"), true)
	return err
}

// state is what inspect found in a folder.
type state struct {
	exists bool
	dirty  bool              // a build was interrupted while changing it
	hashes map[string]string // manifest: path → hash (nil when dirty or new)
	files  map[string]bool   // files actually present (relative, slash-separated)
	dirs   map[string]bool   // folders actually present
}

// guard refuses output folders that are, or contain, something precious:
// the content folder, the working folder, a repository around either, or
// anything in Options.Protect; and output folders inside the content.
func guard(dir, out string, opt Options) error {
	real := realPath(out)
	var protect []string
	add := func(p string) {
		if abs, err := filepath.Abs(p); err == nil {
			protect = append(protect, abs, realPath(abs))
			if root := repoRoot(abs); root != "" {
				protect = append(protect, root, realPath(root))
			}
		}
	}
	if wd, err := os.Getwd(); err == nil {
		add(wd)
	}
	if opt.Content != "" {
		add(opt.Content)
		c, _ := filepath.Abs(opt.Content)
		if within(out, c) || within(real, realPath(c)) {
			return refuse("refusing to write the output folder %s inside the content folder %s", dir, opt.Content)
		}
	}
	for _, p := range opt.Protect {
		add(p)
	}
	for _, p := range protect {
		if within(p, out) || within(p, real) {
			return refuse("refusing to use %s as the output folder: it is or contains %s, which the generator must never replace", dir, p)
		}
	}
	for _, elem := range strings.Split(filepath.ToSlash(out), "/") {
		if elem == ".git" || elem == ".hg" || elem == ".svn" {
			return refuse("refusing to write the output folder %s inside a repository's own folder (%s)", dir, elem)
		}
	}
	if info, err := os.Lstat(out); err == nil {
		if info.Mode()&fs.ModeSymlink != 0 {
			return refuse("refusing to replace %s: it is a symbolic link; give the real folder with --out", dir)
		}
		if !info.IsDir() {
			return refuse("refusing to replace %s: it is a file, not a folder", dir)
		}
		for _, precious := range []string{".git", "go.mod", ".hg", ".svn"} {
			if _, err := os.Lstat(filepath.Join(out, precious)); err == nil {
				return refuse("refusing to replace %s: it holds %s (a repository or a source tree)", dir, precious)
			}
		}
	}
	return nil
}

// repoRoot is the nearest folder at or above p holding .git, or "".
func repoRoot(p string) string {
	for q := p; ; q = filepath.Dir(q) {
		if _, err := os.Lstat(filepath.Join(q, ".git")); err == nil {
			return q
		}
		if filepath.Dir(q) == q {
			return ""
		}
	}
}

// inspect reads a folder's manifest and lists what is in it. A folder that
// exists must be empty or carry the marker; files the manifest does not list
// are refused, so that nothing a person put there is removed.
func inspect(dir, p string, staging bool) (state, error) {
	t := state{files: map[string]bool{}, dirs: map[string]bool{}}
	info, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("output: %w", err)
	}
	name := dir
	if staging {
		name = filepath.Join(filepath.Dir(dir), filepath.Base(p))
	}
	if !info.IsDir() || info.Mode()&fs.ModeSymlink != 0 {
		return t, refuse("refusing to replace %s: it is not a folder the generator made", name)
	}
	t.exists = true
	marker, err := os.ReadFile(filepath.Join(p, MarkerName))
	if errors.Is(err, fs.ErrNotExist) {
		entries, err := os.ReadDir(p)
		if err != nil {
			return t, fmt.Errorf("output: %w", err)
		}
		if len(entries) > 0 {
			return t, refuse("refusing to replace %s: it exists, is not empty and was not made by this generator (no %s file in it); move it away or choose another --out", name, MarkerName)
		}
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("output: reading %s: %w", filepath.Join(name, MarkerName), err)
	}
	hashes, dirty, ok := parseManifest(marker)
	if !ok {
		return t, refuse("refusing to replace %s: its %s file is not the generator's manifest", name, MarkerName)
	}
	t.dirty, t.hashes = dirty, hashes
	err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(p, fp)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == "." || rel == MarkerName:
		case d.IsDir():
			t.dirs[rel] = true
		default:
			t.files[rel] = true
		}
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("output: %w", err)
	}
	if !dirty {
		var foreign []string
		for f := range t.files {
			if _, ok := hashes[f]; !ok {
				foreign = append(foreign, f)
			}
		}
		if len(foreign) > 0 {
			sort.Strings(foreign)
			if len(foreign) > 5 {
				foreign = append(foreign[:5], fmt.Sprintf("and %d more", len(foreign)-5))
			}
			return t, refuse("refusing to replace %s: it holds files the generator did not write (%s); move them elsewhere first", name, strings.Join(foreign, ", "))
		}
	}
	return t, nil
}

// update makes the staging folder hold exactly names, writing only files
// whose content differs from what its manifest says is there.
func update(staging string, t state, names []string, files map[string][]byte, hashes []string) error {
	if !t.exists {
		if err := os.Mkdir(staging, dirMode); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	if err := os.Chmod(staging, dirMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	// Mark the tree dirty before the first change: a kill from here on leaves
	// a tree the next build recognises as its own and as not to be trusted.
	if err := writeMarker(staging, nil, nil); err != nil {
		return err
	}
	step("dirty")

	want := make(map[string]bool, len(names))
	wantDirs := map[string]bool{}
	for _, n := range names {
		want[n] = true
		for d := path.Dir(n); d != "." && !wantDirs[d]; d = path.Dir(d) {
			wantDirs[d] = true
		}
	}
	// Remove what the new site does not have, deepest first. A file where a
	// folder must go (or the reverse) is removed too.
	var gone []string
	for f := range t.files {
		if !want[f] {
			gone = append(gone, f)
		}
	}
	for d := range t.dirs {
		if !wantDirs[d] {
			gone = append(gone, d)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i] > gone[j] })
	for _, g := range gone {
		if err := os.RemoveAll(filepath.Join(staging, filepath.FromSlash(g))); err != nil {
			return fmt.Errorf("output: removing the old %s: %w", g, err)
		}
	}
	step("pruned")

	var mkdir []string
	for d := range wantDirs {
		if !t.dirs[d] {
			mkdir = append(mkdir, d)
		}
	}
	sort.Slice(mkdir, func(i, j int) bool { // parents first
		ci, cj := strings.Count(mkdir[i], "/"), strings.Count(mkdir[j], "/")
		if ci != cj {
			return ci < cj
		}
		return mkdir[i] < mkdir[j]
	})
	for _, d := range mkdir {
		p := filepath.Join(staging, filepath.FromSlash(d))
		if err := os.Mkdir(p, dirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("output: creating %s: %w", d, err)
		}
		if err := os.Chmod(p, dirMode); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	var write []int
	for i, n := range names {
		if t.dirty || !t.files[n] || t.hashes[n] != hashes[i] {
			write = append(write, i)
		}
	}
	if err := parallel(len(write), func(k int) error {
		i := write[k]
		return writeFile(staging, names[i], files[names[i]])
	}); err != nil {
		return err
	}
	step("written")
	return writeMarker(staging, names, hashes)
}

// exchange swaps the two folders in one step where the system can; else it
// renames out away, staging into place and the old site into staging, and a
// later Write repairs an interruption between the first two renames.
func exchange(staging, out, retired string) error {
	if err := exchangeFn(staging, out); err == nil {
		return nil
	} else if !errors.Is(err, errNoExchange) {
		return err
	}
	if err := os.Rename(out, retired); err != nil {
		return err
	}
	step("retired")
	if err := os.Rename(staging, out); err != nil {
		_ = os.Rename(retired, out)
		return err
	}
	return os.Rename(retired, staging)
}

var errNoExchange = errors.New("atomic exchange not supported")

// exchangeFn is renameExchange; tests replace it to exercise the fallback.
var exchangeFn = renameExchange

// writeMarker writes the manifest atomically (temporary file, then rename):
// with names nil it marks the tree dirty.
func writeMarker(root string, names, hashes []string) error {
	var b bytes.Buffer
	b.WriteString(markerHeader + "\n")
	if names == nil {
		b.WriteString(dirtyLine + "\n")
	}
	for i, n := range names {
		b.WriteString(hashes[i] + " " + n + "\n")
	}
	tmp := filepath.Join(root, MarkerName+".tmp")
	if err := os.WriteFile(tmp, b.Bytes(), fileMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := os.Chmod(tmp, fileMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(root, MarkerName)); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

func parseManifest(b []byte) (hashes map[string]string, dirty, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	if !sc.Scan() || sc.Text() != markerHeader {
		return nil, false, false
	}
	hashes = map[string]string{}
	for sc.Scan() {
		line := sc.Text()
		if line == dirtyLine {
			dirty = true
			continue
		}
		h, name, found := strings.Cut(line, " ")
		if !found || len(h) != 32 || checkName(name) != nil {
			return nil, false, false
		}
		hashes[name] = h
	}
	return hashes, dirty, sc.Err() == nil
}

// isOurs says whether p is a folder carrying the generator's manifest.
func isOurs(p string) bool {
	b, err := os.ReadFile(filepath.Join(p, MarkerName))
	if err != nil {
		return false
	}
	_, _, ok := parseManifest(b)
	return ok
}

// debris matches the temporary folders of the generator's earlier way of
// writing (".public.new-123" and ".public.new-123.old"), which a killed
// build could leave behind.
var debris = regexp.MustCompile(`^\.(.+)\.new-[0-9]+(\.old)?$`)

// removeDebris removes those leftovers of earlier killed builds: folders
// named by the generator's own pattern for this output folder.
func removeDebris(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		m := debris.FindStringSubmatch(e.Name())
		if m != nil && m[1] == base && e.IsDir() {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
	_ = os.Remove(filepath.Join(parent, "."+base+".staging", MarkerName+".tmp"))
}

// hashAll hashes every file (128 bits of SHA-256, hex) on all cores.
func hashAll(names []string, files map[string][]byte) []string {
	out := make([]string, len(names))
	_ = parallel(len(names), func(i int) error {
		sum := sha256.Sum256(files[names[i]])
		out[i] = hex.EncodeToString(sum[:16])
		return nil
	})
	return out
}

// parallel runs f(0..n-1) from several goroutines and returns the first
// error. Writing is latency-bound (each create is a round trip to the disk),
// so more goroutines than cores help.
func parallel(n int, f func(int) error) error {
	workers := max(16, runtime.GOMAXPROCS(0))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int, workers)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// checkName refuses names that could write outside the output directory or
// that mean different files on different systems.
func checkName(name string) error {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) || filepath.IsAbs(name) {
		return fmt.Errorf("output: invalid path %q: must be a relative slash-separated path inside the site", name)
	}
	return nil
}

func writeFile(root, name string, data []byte) error {
	p := filepath.Join(root, filepath.FromSlash(name))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return fmt.Errorf("output: writing %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(fileMode) // undo the umask (on the open file: no second path lookup)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("output: writing %s: %w", name, err)
	}
	return nil
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("output: %s: %w", fmt.Sprintf(format, args...), ErrRefused)
}

// within says whether p is dir or inside it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// realPath resolves symbolic links in p's longest existing prefix.
func realPath(p string) string {
	rest := ""
	for q := p; ; q = filepath.Dir(q) {
		if r, err := filepath.EvalSymlinks(q); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(q) == q {
			return p
		}
		rest = filepath.Join(filepath.Base(q), rest)
	}
}
