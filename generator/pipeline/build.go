// Package pipeline runs the stages of the generator in order, each a package
// that takes the earlier stages' values and returns its own (nothing changes
// what an earlier stage returned):
//
//	load      content folder → loaded files (generator/load)
//	lint      unfilled skeleton values; later, warnings (generator/lint)
//	theme     the site's theme over the default, its layout ids (generator/theme)
//	rules     questions + rules + documents → calculator program; later
//	          documents' relations applied, worked examples run (generator/rules)
//	wasm      the calculator engine, cached (generator/wasm)
//	model     content + rules + git history → immutable site (generator/model,
//	          with generator/facts for {{param}} prose and generator/history)
//	bundle    theme CSS/JS → hashed assets (generator/bundle)
//	opendata  data/measures.json, data/rules.json (generator/opendata)
//	search    search index (generator/search); opendata and search run
//	          beside render, which renders the search page last
//	render    pages (generator/render)
//	validate  links and duplicate ids (generator/validate)
//	offline   service worker (generator/offline); runs during validate
//	output    Build only: precompressed copies, _headers, one-step switch of
//	          the output folder (generator/precompress, generator/output)
//
// Generate is Prepare (load … bundle) then Finish (opendata … offline); the
// preview (serve) shows a Draft's pages between the two and keeps a Cache of
// decoded files and converted Markdown between saves; Build keeps the
// Markdown conversions in the cache folder for the next build (persist.go).
// Program runs load and rules only (eval, match). Each stage reports all of
// its errors; the pipeline stops after the first stage that has any, so a
// later stage never works on broken input.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/diag"
	"policyguide/generator/bundle"
	"policyguide/generator/history"
	"policyguide/generator/lint"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
	"policyguide/generator/model"
	"policyguide/generator/opendata"
	"policyguide/generator/output"
	"policyguide/generator/precompress"
	"policyguide/generator/render"
	"policyguide/generator/rules"
	"policyguide/generator/site"
	"policyguide/generator/theme"
	"policyguide/generator/validate"
	"policyguide/generator/wasm"
)

// Options says what to build.
type Options struct {
	Content    string    // content folder, e.g. "content"
	Out        string    // output folder, e.g. "public"
	Date       time.Time // reference date for expiry notices; zero means today
	LiveReload bool      // pages connect to serve's reload endpoint
	NoWasm     bool      // skip compiling the calculator's wasm (check)
	CacheDir   string    // wasm cache; "" means the user cache folder
	ModuleRoot string    // source of calculator/wasm; "" means find it from the working folder
	// Timeout bounds Generate as a whole; 0 means DefaultTimeout, < 0 none.
	// Content limits (file size, nesting) keep every stage fast; this is
	// the backstop that turns any remaining hang into an error.
	Timeout time.Duration
	// Timings, when set, receives each stage's wall time (--timings).
	Timings io.Writer
	// Cache, when set, keeps decoded content files and converted Markdown
	// between Generates of the same content folder (serve); see NewCache.
	Cache *Cache
}

// Cache is what one Generate leaves for the next: the files whose bytes did
// not change are not decoded, nor their Markdown converted, again. The
// result is the same as without it.
type Cache struct {
	load *load.Cache
	md   *markdown.Cache
}

// NewCache returns an empty cache for Options.Cache.
func NewCache() *Cache { return &Cache{load: load.NewCache(), md: markdown.NewCache()} }

// DefaultTimeout is the overall bound of a build or check. A cold build
// (compiling the calculator's wasm) takes well under a minute.
const DefaultTimeout = 5 * time.Minute

// Result is a built site held in memory.
type Result struct {
	Site    *site.Site
	Program *calculator.Program // nil when the content has no rules
	Files   map[string][]byte   // output path → bytes

	// Warnings do not stop the build (generator/lint).
	Warnings diag.List
}

// Today is the reference date used when Options.Date is zero.
func Today() time.Time {
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Generate builds the whole site in memory, within opt.Timeout.
func Generate(opt Options) (*Result, error) {
	return within(opt.Timeout, func() (*Result, error) { return generate(opt) })
}

// within runs f, bounded by limit (0: DefaultTimeout, < 0: none). On
// timeout the stage still running is abandoned (a command exits; serve
// keeps its last good site).
func within[T any](limit time.Duration, f func() (T, error)) (T, error) {
	if limit == 0 {
		limit = DefaultTimeout
	}
	if limit < 0 {
		return f()
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case res := <-done:
		return res.v, res.err
	case <-timer.C:
		var zero T
		return zero, fmt.Errorf("the build took longer than %v and was stopped: look for a very large or deeply nested content file (or raise --timeout)", limit)
	}
}

func generate(opt Options) (*Result, error) {
	p, err := prepare(opt)
	if err != nil {
		return nil, err
	}
	return p.finish(context.Background())
}

// Prepared is a site after the stages up to bundle: its model, its program
// and its assets, ready to be rendered. Finish runs the rest; the preview
// renders single pages from it first (Renderer).
type Prepared struct {
	opt   Options
	c     *load.Content
	th    fs.FS
	model *model.Result
	prog  *calculator.Program
	warns diag.List
	files map[string][]byte // the engine's and the bundle's files
	urls  site.Assets       // the bundle's asset URLs (no search index yet)
	lap   func(stage string)
}

// Prepare runs load, lint, theme, rules, wasm, model and bundle, within
// opt.Timeout.
func Prepare(opt Options) (*Prepared, error) {
	return within(opt.Timeout, func() (*Prepared, error) { return prepare(opt) })
}

func prepare(opt Options) (*Prepared, error) {
	day := opt.Date
	if day.IsZero() {
		day = Today()
	}
	lap := stopwatch(opt.Timings)
	// load, lint
	var lc *load.Cache
	if opt.Cache != nil {
		lc = opt.Cache.load
	}
	c, errs := load.LoadCached(opt.Content, lc)
	lap("load")
	errs.Merge(lint.Unfilled(c))
	lap("lint")
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	// theme
	th, terr := theme.Open(c.Dir, c.Site.Theme)
	md := markdown.New()
	if terr == nil {
		md.Reserve(theme.IDs(th)...) // a heading id must not collide with the layout's
	}
	if opt.Cache != nil {
		md.UseCache(opt.Cache.md)
	}
	// rules
	docs, mainDoc := model.Documents(c) // their errors are reported by the model stage
	rs, warns, rerrs := rules.Compile(c, docs, mainDoc)
	lap("theme, rules")
	// wasm
	in := model.Inputs{Rules: rs}
	files := map[string][]byte{}
	if rs != nil && len(rerrs) == 0 {
		wf, wasmURL, execURL, err := engine(opt)
		if err != nil {
			return nil, err
		}
		maps.Copy(files, wf)
		in.WasmURL, in.WasmExecURL = wasmURL, execURL
	}
	lap("wasm")
	// model
	in.History, in.HistoryErr = history.Read(c.Dir)
	lap("history")
	m, errs := model.Build(c, md, day, in)
	lap("model")
	errs.Merge(rerrs)
	if terr != nil {
		errs.Add(c.Site.Keys.At(c.Site.Name, "theme"), "%v", terr)
	}
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	s := m.Site
	var prog *calculator.Program
	if rs != nil {
		prog = rs.Program
	}

	warns.Merge(lint.Warnings(c, s, day))
	// bundle
	entries := []string{"main.css", "main.js", "search.js"}
	if prog != nil {
		entries = append(entries, "calculator.css", "calculator.js")
	}
	af, urls, err := bundle.Bundle(th, entries)
	if err != nil {
		return nil, err
	}
	maps.Copy(files, af)
	lap("bundle")
	return &Prepared{opt: opt, c: c, th: th, model: m, prog: prog, warns: warns, files: files, urls: urls, lap: lap}, nil
}

// Draft is the prepared site's pages one at a time, before Finish: the
// preview shows the page a browser reloads as soon as the model is built,
// while the rest of the site (search index, open data, the link check)
// is still being made.
type Draft struct {
	Site  *site.Site // the prepared site
	r     *render.Renderer
	files map[string][]byte
	pages sync.Map // output path → []byte
}

// searchPage needs the search index's URL, which only Finish knows.
const searchPage = "search/index.html"

// Draft returns the prepared site's draft.
func (p *Prepared) Draft() (*Draft, error) {
	r, err := render.New(p.model.Site, p.urls, p.th, render.Options{LiveReload: p.opt.LiveReload})
	if err != nil {
		return nil, err
	}
	return &Draft{Site: p.model.Site, r: r, files: p.files}, nil
}

// File returns the file at output path out if the draft can make it: an
// asset of Prepare or an HTML page, rendered once. ok is false for every
// other file (feeds, open data, the search index and page): those come
// with Finish.
func (d *Draft) File(out string) (b []byte, ok bool, err error) {
	if b, ok := d.files[out]; ok {
		return b, true, nil
	}
	if out == searchPage {
		return nil, false, nil
	}
	if b, ok := d.pages.Load(out); ok {
		return b.([]byte), true, nil
	}
	b, ok, err = d.r.Page(out)
	if ok && err == nil {
		d.pages.Store(out, b)
	}
	return b, ok, err
}

// Finish runs opendata, search, render, validate and offline, within
// opt.Timeout, and returns the whole site. It stops early with ctx's error
// when ctx is done (the preview stops a build a newer save has superseded).
func (p *Prepared) Finish(ctx context.Context) (*Result, error) {
	return within(p.opt.Timeout, func() (*Result, error) { return p.finish(ctx) })
}

func (p *Prepared) finish(ctx context.Context) (*Result, error) {
	c, s, lap := p.c, p.model.Site, p.lap
	files, urls := maps.Clone(p.files), p.urls
	// opendata and search run while the pages are rendered: only the
	// search page needs the search index (its URL), and it is rendered last.
	var (
		data, sf map[string][]byte
		manifest string
		errs     diag.List
		searched = make(chan struct{})
	)
	go func() {
		defer close(searched)
		lap := stopwatch(p.opt.Timings) // its own: it runs beside render
		data = opendata.Files(s, p.prog)
		lap("∥ opendata")
		sf, manifest, errs = searchIndex(c, s)
		lap("∥ search")
	}()
	// render
	r, err := render.New(s, urls, p.th, render.Options{LiveReload: p.opt.LiveReload})
	if err != nil {
		<-searched
		return nil, err
	}
	pages, err := r.All(ctx, searchPage)
	<-searched
	if len(errs) > 0 { // the search stage's errors first, as in stage order
		return nil, errs.Sort()
	}
	if err != nil {
		return nil, err
	}
	maps.Copy(files, data)
	maps.Copy(files, sf)
	r.SetAsset("search-index", manifest)
	if b, ok, err := r.Page(searchPage); err != nil {
		return nil, err
	} else if ok {
		pages[searchPage] = b
	}
	maps.Copy(files, pages)
	lap("render")
	// validate and offline at once: both only read files, and the service
	// worker's version hashes every file on one core.
	type worker struct {
		files map[string][]byte
		err   error
	}
	swDone := make(chan worker, 1)
	go func() {
		sw, err := offlineWorker(p.th, s, urls, files)
		swDone <- worker{sw, err}
	}()
	targets, dups := validate.IndexDuplicates(files)
	errs = validate.Links(targets, p.model.Links)
	errs.Merge(validate.Duplicates(dups, pageFiles(c, s)))
	lap("validate")
	sw := <-swDone // before any return: files is not read after generate returns
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	if sw.err != nil {
		return nil, sw.err
	}
	maps.Copy(files, sw.files)
	lap("offline") // what was left of it after validate
	return &Result{Site: s, Program: p.prog, Files: files, Warnings: p.warns.Sort()}, nil
}

// Build generates the site and replaces the output folder in one step.
func Build(opt Options) (*Result, error) {
	lap := stopwatch(opt.Timings)
	plan, err := output.Check(opt.Out, output.Options{Content: opt.Content})
	if err != nil {
		return nil, err
	}
	lap("output check")
	// The Markdown the last build converted, unless the caller keeps its
	// own cache (serve).
	version, keep := programVersion(), false
	if opt.Cache == nil && version != "" {
		opt.Cache = &Cache{load: load.NewCache(), md: readMarkdownCache(cacheDir(opt), version)}
		keep = true
		lap("read md cache")
	}
	r, err := Generate(opt)
	if err != nil {
		return nil, err
	}
	lap = stopwatch(opt.Timings)
	kept := make(chan struct{})
	go func() { // beside precompress and output: it only reads the cache
		defer close(kept)
		if keep && opt.Cache.md.Changed() {
			writeMarkdownCache(cacheDir(opt), version, opt.Cache.md)
		}
	}()
	defer func() { <-kept }()
	// Precompressed copies and the static hosts' headers file: only for a
	// written site (serve and check need neither).
	r.Files["_headers"] = []byte(Headers)
	sums, err := precompress.AddSums(r.Files, cacheDir(opt))
	if err != nil {
		return nil, err
	}
	lap("precompress")
	if err := plan.Write(r.Files, sums); err != nil {
		return nil, err
	}
	lap("output")
	return r, nil
}

// engine builds the calculator's wasm (generator/wasm) and returns its
// files and URLs; with opt.NoWasm, only the URLs it would have.
func engine(opt Options) (map[string][]byte, string, string, error) {
	if opt.NoWasm {
		return nil, "/assets/calculator.wasm", "/assets/wasm_exec.js", nil
	}
	root := opt.ModuleRoot
	if root == "" {
		var err error
		if root, err = wasm.ModuleRoot(); err != nil {
			return nil, "", "", err
		}
	}
	w, err := wasm.Build(root, "./calculator/wasm", cacheDir(opt))
	if err != nil {
		return nil, "", "", err
	}
	files, wasmURL, execURL := w.Files()
	return files, wasmURL, execURL, nil
}

// cacheDir is the folder for the wasm and precompression caches.
func cacheDir(opt Options) string {
	if opt.CacheDir != "" {
		return opt.CacheDir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "policyguide")
}

// Headers is the _headers file of static hosts (Netlify, Cloudflare Pages
// and others that read it): the same headers as the README's nginx config.
const Headers = `/*
  Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
  Cache-Control: no-cache
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/*.wasm
  Content-Type: application/wasm
`

// pageFiles maps output pages to the content file whose Markdown they show.
func pageFiles(c *load.Content, s *site.Site) map[string]string {
	out := map[string]string{"document/index.html": c.Document.Name}
	for _, m := range s.Measures {
		out[strings.TrimPrefix(m.URL(), "/")+"index.html"] = m.File
	}
	for _, p := range s.Pages {
		out[strings.TrimPrefix(p.URL(), "/")+"index.html"] = p.File
	}
	return out
}

// stopwatch returns a function that writes the time since its last call,
// named, to w; with w nil it does nothing.
func stopwatch(w io.Writer) func(stage string) {
	if w == nil {
		return func(string) {}
	}
	last := time.Now()
	return func(stage string) {
		now := time.Now()
		fmt.Fprintf(w, "%-14s %8.1f ms\n", stage, float64(now.Sub(last).Microseconds())/1000)
		last = now
	}
}
