package load

import (
	"bytes"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"policyguide/calculator/diag"
)

// MaxFileSize bounds every content file. The longest file a guide needs (the
// source document) is a few tens of KB; a file far beyond that is a mistake,
// and it would make the Markdown and TOML parsers slow.
const MaxFileSize = 512 << 10

// loader reads content files: only regular files inside the content folder
// (a symbolic link that leads outside it is refused, as Hugo refuses it),
// within MaxFileSize, valid UTF-8. It records each file it reads, so that
// every other file under the folder can be reported as unused.
type loader struct {
	dir  string          // the content folder as given
	root string          // its real path ("" when it cannot be resolved)
	mu   sync.Mutex      // guards used, files and dirs: files are read from several goroutines
	used map[string]bool // slash paths as in messages, e.g. "content/site.toml"
	// files holds the bytes of every file read without error, by the same
	// names (lint looks for unfilled values in them instead of reading
	// the folder again).
	files map[string][]byte
	// dirs caches, for each folder of a file read, whether its real path
	// lies in the content folder (see plain).
	dirs map[string]bool

	cache      *Cache             // nil: none (see LoadCached)
	last, next map[string]*cached // the cache's files before this load; this load's
}

func newLoader(dir string) *loader {
	root, err := filepath.EvalSymlinks(dir)
	if err == nil {
		root, err = filepath.Abs(root)
	}
	if err != nil {
		root = ""
	}
	return &loader{dir: dir, root: root, used: map[string]bool{}, files: map[string][]byte{}, dirs: map[string]bool{}}
}

// plain returns the Lstat of file when it is a regular file (not a
// symbolic link) in a folder whose real path lies in the content folder: its
// real path is then that folder's real path and its name, so inside would
// say yes, and Stat would say the same as Lstat. It saves resolving every
// component of every file's path (EvalSymlinks) again. Any other case
// (a link, a missing file, a folder outside) takes the full checks.
func (l *loader) plain(native string) (fs.FileInfo, bool) {
	if strings.Contains(native, "..") {
		return nil, false
	}
	dir := filepath.Dir(native)
	l.mu.Lock()
	in, known := l.dirs[dir]
	l.mu.Unlock()
	if !known {
		in = false
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			if real, err = filepath.Abs(real); err == nil {
				in = l.root == "" || within(l.root, real)
			}
		}
		l.mu.Lock()
		l.dirs[dir] = in
		l.mu.Unlock()
	}
	if !in {
		return nil, false
	}
	st, err := os.Lstat(native)
	if err != nil || !st.Mode().IsRegular() {
		return nil, false
	}
	return st, true
}

// within reports whether the path real lies in (or is) root.
func within(root, real string) bool {
	rel, err := filepath.Rel(root, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// inside reports whether the real path of file lies in the content folder.
func (l *loader) inside(file string) (string, bool) {
	real, err := filepath.EvalSymlinks(filepath.FromSlash(file))
	if err != nil {
		return "", true // reported by the read itself
	}
	real, err = filepath.Abs(real)
	if err != nil || l.root == "" {
		return real, true
	}
	return real, within(l.root, real)
}

func (l *loader) read(file string, errs *diag.List) ([]byte, bool) {
	l.mu.Lock()
	l.used[file] = true
	l.mu.Unlock()
	pos := diag.Pos{File: file, Line: 1, Col: 1}
	st, fast := l.plain(filepath.FromSlash(file))
	if !fast {
		if real, ok := l.inside(file); !ok {
			errs.Add(pos, "symbolic link to %s, outside the content folder: it is not followed; copy the file into the content folder", filepath.ToSlash(real))
			return nil, false
		}
		var err error
		st, err = os.Stat(filepath.FromSlash(file))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				errs.Add(diag.Pos{File: file}, "file is missing")
			} else {
				errs.Add(diag.Pos{File: file}, "cannot read: %v", err)
			}
			return nil, false
		}
	}
	if !st.Mode().IsRegular() {
		errs.Add(pos, "not a regular file")
		return nil, false
	}
	if st.Size() > MaxFileSize {
		errs.Add(pos, "file is too large (%d bytes; the limit is %d bytes): split it or shorten it", st.Size(), MaxFileSize)
		return nil, false
	}
	data, err := os.ReadFile(filepath.FromSlash(file))
	if err != nil {
		errs.Add(diag.Pos{File: file}, "cannot read: %v", err)
		return nil, false
	}
	if len(data) > MaxFileSize { // grew since Stat
		errs.Add(pos, "file is too large (the limit is %d bytes)", MaxFileSize)
		return nil, false
	}
	if e := l.hit(file, data); e != nil { // the same bytes passed the checks below
		l.keep(file, e)
		data = e.data
	} else {
		if !utf8.Valid(data) {
			errs.Add(badUTF8(data, file), "the file is not valid UTF-8 (is it saved as GBK?): save it as UTF-8")
			return nil, false
		}
		if p, ok := tooDeep(data, file); ok {
			errs.Add(p, "nesting is too deep (more than %d levels of lists, quotes or indentation): flatten it", MaxNesting)
			return nil, false
		}
		l.keep(file, &cached{data: data})
	}
	l.mu.Lock()
	l.files[file] = data
	l.mu.Unlock()
	return data, true
}

// badUTF8 is the position of the first invalid byte (the column counts the
// valid characters before it, plus one).
func badUTF8(data []byte, file string) diag.Pos {
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return diag.Pos{File: file, Line: line, Col: utf8.RuneCount(data[start:i]) + 1}
		}
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
		i += n
	}
	return diag.Pos{File: file, Line: 1, Col: 1}
}

// MaxNesting bounds how deeply a line may nest: block quotes (">"), list
// markers at the start of a line, indentation (in steps of 2 columns) and
// brackets in TOML. A guide needs 3 or 4 levels; the Markdown parser is
// super-linear in depth (a 10,000-level list ran for 27 minutes).
const MaxNesting = 16

// tooDeep finds the first line nested deeper than MaxNesting: by its
// indentation, its leading run of quote and list markers, or (TOML arrays and
// inline tables, Markdown links) the brackets it opens (counted per line).
func tooDeep(data []byte, file string) (diag.Pos, bool) {
	line := 1
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		text := data[:end]
		if lead := leadNesting(text); lead > MaxNesting {
			return diag.Pos{File: file, Line: line, Col: 1}, true
		}
		// Only a line with more opening brackets than the limit can pass
		// it (the depth starts at 0 on each line): count them first.
		if len(text) > MaxNesting*4 && openers(text) > MaxNesting*4 {
			depth := 0
			for i, c := range text {
				switch c {
				case '[', '{', '(':
					depth++
					if depth > MaxNesting*4 {
						return diag.Pos{File: file, Line: line, Col: utf8.RuneCount(text[:i]) + 1}, true
					}
				case ']', '}', ')':
					if depth > 0 {
						depth--
					}
				}
			}
		}
		if end < len(data) {
			end++
		}
		data = data[end:]
		line++
	}
	return diag.Pos{}, false
}

// openers counts the opening brackets of a line.
func openers(line []byte) int {
	return bytes.Count(line, []byte("[")) + bytes.Count(line, []byte("{")) + bytes.Count(line, []byte("("))
}

// leadNesting counts the nesting a line's start implies: one level for each
// 2 columns of indentation (a tab is 4), each ">" and each list marker
// ("-", "*", "+", "1." / "1)") in its leading run.
func leadNesting(line []byte) int {
	n, cols := 0, 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			cols++
		case c == '\t':
			cols += 4
		case c == '>':
			n++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			n++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line) && (line[j] == '.' || line[j] == ')') && (j+1 == len(line) || line[j+1] == ' ') {
				n++
				i = j
				continue
			}
			return n + cols/2
		default:
			return n + cols/2
		}
	}
	return n + cols/2
}

// unused reports every file under the content folder that no part of the
// generator read: a misnamed measure ("m26.MD"), a file in a sub-folder the
// generator does not look into ("measures/extra/m26.md"), a stray file.
// Names starting with "." (editor and VCS files) are skipped.
func (l *loader) unused(errs *diag.List) {
	var out []string
	_ = filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p != l.dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		name := filepath.ToSlash(p)
		if !l.used[name] {
			out = append(out, name)
		}
		return nil
	})
	sort.Strings(out)
	for _, f := range out {
		errs.Add(diag.Pos{File: f, Line: 1, Col: 1}, "%s", unusedHint(l.dir, f))
	}
}

func unusedHint(dir, file string) string {
	rel := strings.TrimPrefix(file, filepath.ToSlash(filepath.Clean(dir))+"/")
	folder, base := "", rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		folder, base = rel[:i], rel[i+1:]
	}
	top := strings.SplitN(rel, "/", 2)[0]
	ext := strings.ToLower(filepath.Ext(base))
	switch {
	case (top == "measures" || top == "pages") && folder != top && ext == ".md":
		return "file is not used: " + top + "/ has no sub-folders; move it to " + filepath.ToSlash(filepath.Join(dir, top, base))
	case top == "rules" && folder != top && ext == ".toml":
		return "file is not used: rules/ has no sub-folders; move it to " + filepath.ToSlash(filepath.Join(dir, "rules", base))
	case (folder == "measures" || folder == "pages") && ext == ".md":
		return "file is not used: the extension must be written \".md\" (lower case)"
	case folder == "rules" && ext == ".toml":
		return "file is not used: the extension must be written \".toml\" (lower case)"
	}
	return "file is not used by the site: remove it, or move it where the generator reads it (measures/*.md, pages/*.md, rules/*.toml, calculator/questions.toml, the source named in document.md)"
}

// checkBaseURL requires an absolute http(s) URL with a host and nothing a
// template could be tricked by: no spaces or control characters (a newline
// would add lines to robots.txt), no user, query or fragment.
func checkBaseURL(errs *diag.List, file string, keys Keys, raw string) {
	if raw == "" || keys == nil {
		return // missing: reported by req
	}
	pos := keys.At(file, "base_url")
	bad := func(why string) {
		errs.Add(pos, "base_url %q is not a valid site address: %s; write e.g. \"https://www.example.gov.cn/guide\"", raw, why)
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		bad("it contains a space, newline or control character")
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		bad("it does not parse as a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		bad("it must start with https:// or http://")
	case u.Host == "" || u.Hostname() == "":
		bad("it has no host name")
	case u.User != nil:
		bad("it must not contain a user name")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		bad("it must not have a query (?…) or fragment (#…)")
	case strings.ContainsAny(raw, `"'<>\`+"`"):
		bad("it contains a quote, angle bracket or backslash")
	}
}
