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

// keeps says which modes the umask leaves whole (see umaskKeeps).
type keeps struct{ file, dir bool }

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

// readDir is os.ReadDir; tests count the folders inspect reads.
var readDir = os.ReadDir

// step is called at each named step of Write; tests set it to kill the
// process there and prove that every step is safe to die in.
var step = func(name string) {}

// Write publishes files as the folder dir: Check, then Plan.Write.
func Write(dir string, files map[string][]byte, opt Options) error {
	p, err := Check(dir, opt)
	if err != nil {
		return err
	}
	return p.Write(files, nil)
}

// Plan is an output folder that Check found usable. Its Write publishes a
// site there; it takes the lock and looks again, since the folders may have
// changed in between. It keeps nothing of what Check read: a build renders
// between the two, and a large live heap makes the garbage collector run
// more often under the generator's memory limit.
type Plan struct {
	dir, out, parent, base string
	opt                    Options
}

// Check says, before any work is done, whether Write would refuse dir: a
// build calls it first so a refusal comes at once, not after rendering.
func Check(dir string, opt Options) (*Plan, error) {
	out, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	out = filepath.Clean(out)
	p := &Plan{dir: dir, out: out, parent: filepath.Dir(out), base: filepath.Base(out), opt: opt}
	if p.parent == out {
		return nil, refuse("refusing to use the root folder %s as the output folder", dir)
	}
	if err := guard(dir, out, opt); err != nil {
		return nil, err
	}
	side := readFolders(p.folders())
	if _, err = inspect(dir, out, false, side); err != nil {
		return nil, err
	}
	if _, err = inspect(dir, p.staging(), true, side); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Plan) staging() string { return filepath.Join(p.parent, "."+p.base+".staging") }

// folders is the file next to the two trees that records their folders'
// mtimes (see folderTimes).
func (p *Plan) folders() string { return filepath.Join(p.parent, "."+p.base+".folders") }

// Write publishes files (slash-separated paths relative to the folder, e.g.
// "measures/m1/index.html") as the folder given to Check.
//
// Paths must stay inside it: absolute paths, "..", "." elements, empty
// elements and backslashes are refused before anything is written. Files are
// not fsynced: what Write guarantees is that a failed or killed build leaves
// one complete site at dir, never a mix and never nothing.
//
// sums optionally gives, for some files, the first 16 bytes of their SHA-256
// (what the manifest records), computed by the caller anyway; Write hashes
// the others itself. A wrong sum would keep a stale file: callers pass only
// sums of exactly the bytes in files.
func (p *Plan) Write(files map[string][]byte, sums map[string][16]byte) error {
	dir, out, parent, base := p.dir, p.out, p.parent, p.base
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
	if err := guard(dir, out, p.opt); err != nil {
		return err
	}
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	staging := p.staging()
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

	// Look again under the lock.
	side := readFolders(p.folders())
	cur, err := inspect(dir, out, false, side)
	if err != nil {
		return err
	}
	stg, err := inspect(dir, staging, true, side)
	if err != nil {
		return err
	}

	hashes := hashAll(names, files, sums)
	step("start")
	rec, err := update(staging, stg, names, files, hashes)
	if err != nil {
		return err
	}
	// Best effort: without the file every folder is read next time.
	recs := []folderTimes{rec}
	if cur.times != nil {
		recs = append(recs, folderTimes{id: cur.id, sum: cur.sum, times: cur.times})
	}
	writeFolders(p.folders(), recs)
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

// state is what inspect found in a folder.
type state struct {
	exists  bool
	dirty   bool                // a build was interrupted while changing it
	hashes  map[string]string   // manifest: path → hash (nil when dirty or new)
	id      treeID              // the root folder's identity (device, inode)
	sum     [32]byte            // SHA-256 of the manifest
	times   map[string]int64    // folder → its recorded mtime (0: not trusted), from the folders file
	files   map[string]bool     // files actually present (relative, slash-separated)
	dirs    map[string]bool     // folders actually present
	trusted map[string]bool     // folders whose entries were taken from the manifest
	kids    map[string]*entries // the manifest's entries of each folder with a recorded mtime
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
//
// Listing 10,000 folders costs more than the rest of an unchanged rebuild,
// so a folder is only stat'ed when its mtime equals the one the manifest
// recorded for it: adding, removing or renaming an entry sets a folder's
// mtime to the current time, so an unchanged mtime means unchanged entries
// (the trick of git's untracked cache). finish records an mtime only when
// that is sound (see there). Folders without a recorded mtime, and every
// folder of a dirty tree, are read. side is the folders file's records.
func inspect(dir, p string, staging bool, side []folderTimes) (state, error) {
	t := state{files: map[string]bool{}, dirs: map[string]bool{}, trusted: map[string]bool{}}
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
	t.id = rootID(info)
	hashes, dirty, ok := parseManifest(marker)
	if !ok {
		return t, refuse("refusing to replace %s: its %s file is not the generator's manifest", name, MarkerName)
	}
	t.hashes, t.dirty, t.sum = hashes, dirty, sha256.Sum256(marker)
	for _, r := range side {
		if r.id == t.id && r.id != (treeID{}) && r.sum == t.sum {
			t.times = r.times
		}
	}
	if err := t.list(p); err != nil {
		return t, fmt.Errorf("output: %w", err)
	}
	if !t.dirty {
		var foreign []string
		for f := range t.files {
			if _, ok := t.hashes[f]; !ok {
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

// entries are a folder's files and folders as the manifest lists them.
type entries struct{ files, dirs []string }

// list fills t.files and t.dirs with what is under root: a folder whose
// mtime is the recorded one gets its entries from the manifest, others are
// read.
func (t *state) list(root string) error {
	if !t.dirty {
		t.kids = make(map[string]*entries, len(t.times))
		kid := func(d string) *entries {
			e := t.kids[d]
			if e == nil {
				e = &entries{}
				t.kids[d] = e
			}
			return e
		}
		for f := range t.hashes {
			if d := path.Dir(f); t.times[d] != 0 {
				kid(d).files = append(kid(d).files, f)
			}
		}
		for d := range t.times {
			if pd := path.Dir(d); t.times[pd] != 0 {
				kid(pd).dirs = append(kid(pd).dirs, d)
			}
		}
	}
	t.files = make(map[string]bool, len(t.hashes))
	t.dirs = make(map[string]bool, len(t.times))
	queue := []string{"."}
	for len(queue) > 0 {
		d := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		fp := filepath.Join(root, filepath.FromSlash(d))
		if rec := t.times[d]; rec != 0 && !t.dirty && d != "." {
			info, err := os.Lstat(fp)
			if err != nil {
				return err
			}
			if info.IsDir() && info.ModTime().UnixNano() == rec {
				t.trusted[d] = true
				if e := t.kids[d]; e != nil {
					for _, k := range e.files {
						t.files[k] = true
					}
					for _, k := range e.dirs {
						t.dirs[k] = true
					}
					queue = append(queue, e.dirs...)
				}
				continue
			}
		}
		entries, err := readDir(fp)
		if err != nil {
			return err
		}
		for _, e := range entries {
			k := path.Join(d, e.Name())
			switch {
			case k == MarkerName:
			case e.IsDir():
				t.dirs[k] = true
				queue = append(queue, k)
			default:
				t.files[k] = true
			}
		}
	}
	return nil
}

// update makes the staging folder hold exactly names, writing only files
// whose content differs from what its manifest says is there.
func update(staging string, t state, names []string, files map[string][]byte, hashes []string) (folderTimes, error) {
	keep := umaskKeeps()
	if !t.exists {
		if err := os.Mkdir(staging, dirMode); err != nil {
			return folderTimes{}, fmt.Errorf("output: %w", err)
		}
	}
	if err := os.Chmod(staging, dirMode); err != nil {
		return folderTimes{}, fmt.Errorf("output: %w", err)
	}
	// Mark the tree dirty before the first change: a kill from here on leaves
	// a tree the next build recognises as its own and as not to be trusted.
	if err := writeMarker(staging); err != nil {
		return folderTimes{}, err
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
	// touched: folders whose entries this build changes (their mtime moves).
	touched := map[string]bool{}
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
		touched[path.Dir(g)] = true
		if err := os.RemoveAll(filepath.Join(staging, filepath.FromSlash(g))); err != nil {
			return folderTimes{}, fmt.Errorf("output: removing the old %s: %w", g, err)
		}
	}
	step("pruned")

	var mkdir []string
	for d := range wantDirs {
		if !t.dirs[d] {
			mkdir = append(mkdir, d)
			touched[d], touched[path.Dir(d)] = true, true
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
		err := os.Mkdir(p, dirMode)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return folderTimes{}, fmt.Errorf("output: creating %s: %w", d, err)
		}
		if err != nil || !keep.dir {
			if err := os.Chmod(p, dirMode); err != nil {
				return folderTimes{}, fmt.Errorf("output: %w", err)
			}
		}
	}
	var write []int
	for i, n := range names {
		if t.dirty || !t.files[n] || t.hashes[n] != hashes[i] {
			write = append(write, i)
			if !t.files[n] {
				touched[path.Dir(n)] = true
			}
		}
	}
	if err := parallel(len(write), func(k int) error {
		i := write[k]
		// A new file gets its mode from open when the umask keeps it; an
		// existing one is chmod'ed (a person may have changed its mode).
		return writeFile(staging, names[i], files[names[i]], t.files[names[i]] || !keep.file)
	}); err != nil {
		return folderTimes{}, err
	}
	step("written")
	return finish(staging, t, names, hashes, want, wantDirs, touched)
}

// finish writes the manifest of the finished tree, with an mtime for each
// folder that the next inspect may trust. A recorded mtime m must imply that
// the folder still holds exactly the entries the manifest lists for it as
// long as its mtime is m. That holds
//   - for a folder this build did not touch whose mtime inspect trusted and
//     is still the same (nothing changed since it was recorded), and
//   - for a folder stat'ed (mtime m) and then read, its entries being exactly
//     the manifest's, when m is earlier than the file system's time T taken
//     before the stat (the creation time of the manifest's temporary file):
//     a change after the stat gets an mtime of at least T, so it differs
//     from m; a change before it shows in the read. A folder changed in the
//     same clock tick as T gets no mtime (it is read next time).
//
// An mtime set back by hand (touch -d) defeats this, as it does git's.
func finish(root string, t state, names, hashes []string, want, wantDirs, touched map[string]bool) (folderTimes, error) {
	var rec folderTimes
	tmp := filepath.Join(root, MarkerName+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return rec, fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return rec, fmt.Errorf("output: %w", err)
	}
	stamp := info.ModTime().UnixNano()

	count := map[string]int{} // entries each folder must hold
	for _, n := range names {
		count[path.Dir(n)]++
	}
	dirs := make([]string, 0, len(wantDirs))
	for d := range wantDirs {
		dirs = append(dirs, d)
		count[path.Dir(d)]++
	}
	sort.Strings(dirs)
	times := make([]int64, len(dirs))
	_ = parallel(len(dirs), func(i int) error {
		d := dirs[i]
		fp := filepath.Join(root, filepath.FromSlash(d))
		info, err := os.Lstat(fp)
		if err != nil || !info.IsDir() {
			return nil
		}
		m := info.ModTime().UnixNano()
		if !touched[d] && t.trusted[d] {
			if m == t.times[d] {
				times[i] = m
			}
			return nil
		}
		if m >= stamp {
			return nil
		}
		entries, err := os.ReadDir(fp)
		if err != nil || len(entries) != count[d] {
			return nil
		}
		for _, e := range entries {
			k := d + "/" + e.Name()
			if e.IsDir() && !wantDirs[k] || !e.IsDir() && !want[k] {
				return nil
			}
		}
		times[i] = m
		return nil
	})
	manifest, err := writeManifest(f, tmp, root, names, hashes)
	if err != nil {
		return rec, err
	}
	rec.sum, rec.times = sha256.Sum256(manifest), make(map[string]int64, len(dirs))
	for i, d := range dirs {
		rec.times[d] = times[i]
	}
	if info, err := os.Lstat(root); err == nil {
		rec.id = rootID(info)
	}
	return rec, nil
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

// writeMarker writes a manifest that marks the tree dirty, atomically
// (temporary file, then rename).
func writeMarker(root string) error {
	tmp := filepath.Join(root, MarkerName+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	_, err = writeManifest(f, tmp, root, nil, nil)
	return err
}

// writeManifest writes the manifest (the header, then "hash path" for each
// file, or the dirty line when names is nil) into f, the temporary file
// tmp, and renames it into place. It returns the manifest's bytes.
func writeManifest(f *os.File, tmp, root string, names, hashes []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(markerHeader + "\n")
	if names == nil {
		b.WriteString(dirtyLine + "\n")
	}
	for i, n := range names {
		b.WriteString(hashes[i] + " " + n + "\n")
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := f.Chmod(fileMode); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(root, MarkerName)); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return b.Bytes(), nil
}

func parseManifest(b []byte) (hashes map[string]string, dirty, ok bool) {
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	if string(line) != markerHeader {
		return nil, false, false
	}
	hashes = make(map[string]string, bytes.Count(rest, []byte("\n")))
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if string(line) == dirtyLine {
			dirty = true
			continue
		}
		h, name, found := bytes.Cut(line, []byte(" "))
		if !found || len(h) != 32 || checkName(string(name)) != nil {
			return nil, false, false
		}
		hashes[string(name)] = string(h)
	}
	return hashes, dirty, true
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
	if tmp := filepath.Join(parent, "."+base+".folders.tmp"); ours(tmp) {
		_ = os.Remove(tmp)
	}
}

// hashAll hashes every file (128 bits of SHA-256, hex) on all cores, but
// for those whose sum the caller gave.
func hashAll(names []string, files map[string][]byte, sums map[string][16]byte) []string {
	out := make([]string, len(names))
	_ = parallel(len(names), func(i int) error {
		sum, ok := sums[names[i]]
		if !ok {
			full := sha256.Sum256(files[names[i]])
			copy(sum[:], full[:16])
		}
		out[i] = hex.EncodeToString(sum[:])
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

func writeFile(root, name string, data []byte, chmod bool) error {
	p := filepath.Join(root, filepath.FromSlash(name))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return fmt.Errorf("output: writing %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil && chmod {
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
