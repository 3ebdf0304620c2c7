// Package load reads a content folder: TOML settings and Markdown files with
// TOML front matter. Decoding is strict (an unknown key is an error) and every
// value keeps its file position, so later stages can say where a problem is.
// Load reports syntax and schema errors; references between files are checked
// by the model stage.
package load

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"policyguide/calculator/diag"
)

// Content is everything read from a content folder.
type Content struct {
	Dir         string // as given, e.g. "content"
	Site        SiteFile
	Document    DocumentFile
	Source      File // the source document text
	Measures    []MeasureFile
	Departments DepartmentsFile
	Pages       []PageFile
	Questions   *File  // calculator/questions.toml, nil if absent
	Rules       []File // rules/*.toml in name order
	Synonyms    *File  // search/synonyms.toml, nil if absent

	// Documents are every document, in id order; Document is the main one
	// (also in Documents). A legacy content folder has one, with ID "main".
	Documents []DocumentFile

	// Files are the bytes of every file read without error, by name as in
	// messages ("content/measures/m1.md"): lint.Unfilled looks in them
	// instead of reading the folder a second time.
	Files map[string][]byte
}

// File is a content file's name (for errors) and bytes.
type File struct {
	Name string // path for messages, e.g. "content/rules/m01.toml"
	Data []byte
}

// Keys maps TOML key paths to positions (see diag.Keys).
type Keys = diag.Keys

// SiteFile is site.toml.
type SiteFile struct {
	Name        string
	Keys        Keys
	Title       string     `toml:"title"`
	Description string     `toml:"description"`
	BaseURL     string     `toml:"base_url"`
	Language    string     `toml:"language"`
	Theme       string     `toml:"theme"`
	Org         string     `toml:"org"` // rejected: see Publisher
	Publisher   string     `toml:"publisher"`
	Updated     time.Time  `toml:"updated"`
	Footer      string     `toml:"footer"`
	Menus       []Menu     `toml:"menus"`
	Categories  []Category `toml:"categories"`
	Audiences   []Audience `toml:"audiences"`
	Calculator  struct {
		Title string `toml:"title"`
		Intro string `toml:"intro"`
	} `toml:"calculator"`

	// Document is the id of the main document (the one at /document/) when
	// content/documents/ holds several.
	Document string `toml:"document"`
	// Repository is the web address of the content's git repository; commits
	// are linked as Repository + "/commit/" + hash.
	Repository string `toml:"repository"`
}

// Menu is a [[menus]] entry.
type Menu struct {
	Name string `toml:"name"`
	URL  string `toml:"url"`
}

// Category is a [[categories]] entry.
type Category struct {
	ID     string `toml:"id"`
	Number string `toml:"number"`
	Name   string `toml:"name"`
}

// Audience is an [[audiences]] entry.
type Audience struct {
	ID    string `toml:"id"`
	Name  string `toml:"name"`
	Entry string `toml:"entry"`
	Intro string `toml:"intro"`
}

// MeasureFile is one measure: front matter and Markdown body.
type MeasureFile struct {
	Name       string
	Keys       Keys
	Body       []byte
	BodyLine   int       // file line where Body starts
	ID         string    `toml:"id"`
	Order      int       `toml:"order"`
	Label      string    `toml:"label"`
	Title      string    `toml:"title"`
	Summary    string    `toml:"summary"`
	Category   string    `toml:"category"`
	Lead       []string  `toml:"lead"`
	Partners   []string  `toml:"partners"`
	Duty       string    `toml:"duty"`
	Audiences  []string  `toml:"audiences"`
	ValidUntil time.Time `toml:"valid_until"`
	ValidNote  string    `toml:"valid_note"`
	Funds      []string  `toml:"funds"`
	Paragraph  string    `toml:"paragraph"`

	Document string `toml:"document"` // id of its document; default the main one
}

// DepartmentsFile is departments.toml.
type DepartmentsFile struct {
	Name        string
	Keys        Keys
	Departments []Department `toml:"departments"`
}

// Department is a [[departments]] entry.
type Department struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`

	Channels []Channel `toml:"channels"`
}

// DocumentFile is document.md: the metadata of the source document.
type DocumentFile struct {
	Name     string
	Keys     Keys
	Body     []byte
	BodyLine int
	Title    string    `toml:"title"`
	Issuer   string    `toml:"issuer"`
	Number   string    `toml:"number"`
	Date     time.Time `toml:"date"`
	Validity string    `toml:"validity"`
	Source   string    `toml:"source"`
	DropFrom string    `toml:"drop_from"`

	Published time.Time  `toml:"published"`
	Topic     string     `toml:"topic"`
	Relations []Relation `toml:"relations"`
	Dates     []DocDate  `toml:"dates"`

	ID     string `toml:"-"` // folder name under documents/, or "main"
	Folder string `toml:"-"` // "documents/<id>" ("" for legacy document.md)
	Main   bool   `toml:"-"` // shown at /document/
	Text   File   `toml:"-"` // the source text
}

// PageFile is a free page under pages/.
type PageFile struct {
	Name     string
	Keys     Keys
	Body     []byte
	BodyLine int
	ID       string `toml:"id"`
	Title    string `toml:"title"`
}

// Load reads the content folder dir. It returns what it could read and every
// error found; callers must not use Content when errors are present.
func Load(dir string) (*Content, diag.List) {
	return load(dir, nil)
}

func load(dir string, cache *Cache) (*Content, diag.List) {
	c := &Content{Dir: dir}
	var errs diag.List
	name := func(rel string) string { return filepath.ToSlash(filepath.Join(dir, rel)) }
	ld := newLoader(dir)
	ld.startCache(cache)
	defer ld.endCache()
	read := func(file string, errs *diag.List) ([]byte, bool) { return ld.read(file, errs) }

	// site.toml
	if data, ok := read(name("site.toml"), &errs); ok {
		c.Site.Name = name("site.toml")
		c.Site.Keys = decode(data, c.Site.Name, 1, &c.Site, &errs)
		if c.Site.Org != "" {
			errs.Add(c.Site.Keys.At(c.Site.Name, "org"), "org is no longer used: the document's issuer is shown with the document (document.md issuer); set publisher only to the body that actually publishes this site")
		}
		if c.Site.Keys != nil && len(c.Site.Keys) == 0 {
			// One root cause instead of an error at every reference to it.
			errs.Add(diag.Pos{File: c.Site.Name, Line: 1, Col: 1}, "site.toml is empty: it must set at least title, base_url and language (and the categories and audiences the measures use)")
		}
		checkBaseURL(&errs, c.Site.Name, c.Site.Keys, c.Site.BaseURL)
		req(&errs, c.Site.Name, c.Site.Keys, "", map[string]bool{
			"title": c.Site.Title != "", "base_url": c.Site.BaseURL != "", "language": c.Site.Language != "",
		})
		for i, cat := range c.Site.Categories {
			req(&errs, c.Site.Name, c.Site.Keys, "categories["+strconv.Itoa(i)+"]", map[string]bool{"id": cat.ID != "", "name": cat.Name != ""})
		}
		for i, a := range c.Site.Audiences {
			req(&errs, c.Site.Name, c.Site.Keys, "audiences["+strconv.Itoa(i)+"]", map[string]bool{"id": a.ID != "", "name": a.Name != "", "entry": a.Entry != ""})
		}
		for i, m := range c.Site.Menus {
			req(&errs, c.Site.Name, c.Site.Keys, "menus["+strconv.Itoa(i)+"]", map[string]bool{"name": m.Name != "", "url": m.URL != ""})
		}
	}

	// departments.toml
	if data, ok := read(name("departments.toml"), &errs); ok {
		c.Departments.Name = name("departments.toml")
		c.Departments.Keys = decode(data, c.Departments.Name, 1, &c.Departments, &errs)
		for i, d := range c.Departments.Departments {
			req(&errs, c.Departments.Name, c.Departments.Keys, "departments["+strconv.Itoa(i)+"]", map[string]bool{"id": d.ID != "", "name": d.Name != ""})
		}
	}

	// documents/<id>/ (many documents), else document.md and its source text
	if st, err := os.Stat(filepath.Join(dir, "documents")); err == nil && st.IsDir() {
		loadDocuments(c, read, &errs)
	} else if data, ok := read(name("document.md"), &errs); ok {
		d := &c.Document
		d.Name = name("document.md")
		d.Keys, d.Body, d.BodyLine = frontMatter(data, d.Name, d, &errs)
		req(&errs, d.Name, d.Keys, "", map[string]bool{
			"title": d.Title != "", "issuer": d.Issuer != "", "number": d.Number != "",
			"date": !d.Date.IsZero(), "source": d.Source != "",
		})
		if d.Source != "" {
			src := name(d.Source)
			if strings.Contains(d.Source, "..") || path.IsAbs(d.Source) {
				errs.Add(d.Keys.At(d.Name, "source"), "source must be a path inside the content folder, got %q", d.Source)
			} else if _, err := os.Stat(filepath.FromSlash(src)); err != nil {
				errs.Add(d.Keys.At(d.Name, "source"), "cannot read source document %s", src)
			} else if data, ok := read(src, &errs); ok {
				c.Source = File{Name: src, Data: data}
			}
		}
		d.ID, d.Main, d.Text = "main", true, c.Source
		d.Date, d.Published = day(d.Date), day(d.Published)
		c.Documents = []DocumentFile{*d}
	}
	checkChannels(c, &errs)

	// measures/*.md: read and decoded on all cores (the files are
	// independent); results and errors are kept in file order.
	c.Measures = append(c.Measures, eachFile(list(dir, "measures", ".md", &errs), &errs, func(f string, errs *diag.List) (MeasureFile, bool) {
		file := name(f)
		data, ok := read(file, errs)
		if !ok {
			return MeasureFile{}, false
		}
		if m, ok, hit := ld.cachedMeasure(file, errs); hit {
			return m, ok
		}
		m, ok := measure(file, data, errs)
		ld.keepMeasure(file, m, ok, *errs)
		return m, ok
	})...)

	// pages/*.md (optional folder)
	if _, err := os.Stat(filepath.Join(dir, "pages")); err == nil {
		for _, f := range list(dir, "pages", ".md", &errs) {
			data, ok := read(name(f), &errs)
			if !ok {
				continue
			}
			p := PageFile{Name: name(f)}
			p.Keys, p.Body, p.BodyLine = frontMatter(data, p.Name, &p, &errs)
			req(&errs, p.Name, p.Keys, "", map[string]bool{"id": p.ID != "", "title": p.Title != ""})
			c.Pages = append(c.Pages, p)
		}
	}

	// calculator questions and rules (optional: a site without a calculator)
	if _, err := os.Lstat(filepath.Join(dir, "calculator", "questions.toml")); err == nil {
		if data, ok := read(name("calculator/questions.toml"), &errs); ok {
			c.Questions = &File{Name: name("calculator/questions.toml"), Data: data}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "rules")); err == nil {
		c.Rules = append(c.Rules, eachFile(list(dir, "rules", ".toml", &errs), &errs, func(f string, errs *diag.List) (File, bool) {
			data, ok := read(name(f), errs)
			return File{Name: name(f), Data: data}, ok
		})...)
	}
	c.Site.Updated = day(c.Site.Updated)
	c.Document.Date = day(c.Document.Date)
	// search/synonyms.toml (optional): the words citizens use → the document's terms
	if _, err := os.Stat(filepath.Join(dir, "search", "synonyms.toml")); err == nil {
		if data, ok := read(name("search/synonyms.toml"), &errs); ok {
			c.Synonyms = &File{Name: name("search/synonyms.toml"), Data: data}
		}
	}
	ld.unused(&errs)
	c.Files = ld.files
	return c, errs
}

// measure decodes and checks measures/<f>.md, file being its name.
func measure(file string, data []byte, errs *diag.List) (MeasureFile, bool) {
	m := MeasureFile{Name: file}
	m.Keys, m.Body, m.BodyLine = frontMatter(data, m.Name, &m, errs)
	req(errs, m.Name, m.Keys, "", map[string]bool{
		"id": m.ID != "", "order": m.Order != 0, "label": m.Label != "", "title": m.Title != "",
		"summary": m.Summary != "", "category": m.Category != "", "audiences": len(m.Audiences) > 0,
		"paragraph": m.Paragraph != "",
	})
	if m.Keys != nil && len(m.Keys) == 0 {
		errs.Add(diag.Pos{File: m.Name, Line: 2, Col: 1}, "front matter is empty: a measure needs id, order, label, title, summary, category, audiences and paragraph")
	}
	if !m.ValidUntil.IsZero() {
		errs.Add(m.Keys.At(m.Name, "valid_until"), "valid_until does not belong in a measure page: a date is stated once, in the measure's rules file, with the words that state it ([validity] for the whole measure, or valid_until + valid_cite on the benefit or [[parts]] entry its sentence covers)")
	}
	m.ValidUntil = day(m.ValidUntil)
	return m, true
}

// eachFile runs load on every file from a pool of runtime.GOMAXPROCS(0)
// goroutines and returns the results that loaded, in files' order; the
// errors are added to errs in the same order, so the result does not depend
// on scheduling.
func eachFile[T any](files []string, errs *diag.List, load func(f string, errs *diag.List) (T, bool)) []T {
	vals := make([]T, len(files))
	oks := make([]bool, len(files))
	fileErrs := make([]diag.List, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				vals[i], oks[i] = load(files[i], &fileErrs[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []T
	for i := range files {
		errs.Merge(fileErrs[i])
		if oks[i] {
			out = append(out, vals[i])
		}
	}
	return out
}

// day drops the time of day and zone of a TOML local date.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// list returns the files of a sub-folder with the given extension, sorted.
func list(dir, sub, ext string, errs *diag.List) []string {
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		errs.Add(diag.Pos{File: filepath.ToSlash(filepath.Join(dir, sub))}, "folder is missing")
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, sub+"/"+e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// req reports every required key that is missing or empty.
func req(errs *diag.List, file string, keys Keys, prefix string, present map[string]bool) {
	if len(keys) == 0 { // the file did not decode; its syntax error is reported already
		return
	}
	names := make([]string, 0, len(present))
	for k := range present {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if present[k] {
			continue
		}
		pos := diag.Pos{File: file, Line: 1, Col: 1}
		if prefix != "" {
			pos = keys.At(file, prefix)
		}
		if p, ok := keys[strings.TrimPrefix(prefix+"."+k, ".")]; ok {
			errs.Add(p, "%s 不能为空", k)
			continue
		}
		where := ""
		if prefix != "" {
			where = "（在 " + prefix + " 中）"
		}
		errs.Add(pos, "缺少必填项 %s%s", k, where)
	}
}

var fence = []byte("+++")

// frontMatter splits "+++\nTOML\n+++\nbody" and decodes the TOML into v.
func frontMatter(data []byte, file string, v any, errs *diag.List) (Keys, []byte, int) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// line returns the line that starts at from, with its "\n".
	line := func(from int) []byte {
		if k := bytes.IndexByte(data[from:], '\n'); k >= 0 {
			return data[from : from+k+1]
		}
		return data[from:]
	}
	first := line(0)
	if !bytes.Equal(bytes.TrimRight(first, "\r\n"), fence) {
		errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "missing front matter: the file must start with a line \"+++\"")
		return nil, nil, 1
	}
	off := len(first)
	for i := 1; off < len(data); i++ {
		l := line(off)
		if bytes.Equal(bytes.TrimRight(l, "\r\n"), fence) {
			fm := data[len(first):off]
			keys := decode(fm, file, 2, v, errs)
			return keys, data[off+len(l):], i + 2
		}
		off += len(l)
	}
	errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "front matter is not closed: add a line \"+++\" after it")
	return nil, nil, 1
}

// decode decodes TOML strictly into v (see diag.DecodeTOML). firstLine is
// the file line of data[0]. It returns the key positions, or nil when the
// TOML did not parse.
func decode(data []byte, file string, firstLine int, v any, errs *diag.List) Keys {
	keys, list := diag.DecodeTOML(data, file, firstLine, v, "")
	errs.Merge(list)
	return keys
}
