// Package render turns the site model into pages with the theme's templates.
//
// Templates are parsed once per Render call; pages are executed in parallel
// by a pool of runtime.GOMAXPROCS(0) goroutines, and the result is the same
// bytes for the same input (nothing depends on map order or the clock).
//
// URLs: templates and Markdown bodies write site-relative URLs ("/measures/m1/",
// the model's URL() methods). After a page is executed, every such URL in an
// href, src or data-* hook attribute is rewritten relative to the page
// ("../../measures/m1/"), so the site works at any path of any host (the
// example base_url has a path) and from a local preview alike. 404.html, which
// a host serves at any path, gets the absolute base URL instead. Canonical and
// Open Graph URLs, the sitemap and the feed use absolute BaseURL-based URLs.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	htmpl "html/template"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	ttmpl "text/template"

	"policyguide/generator/site"
)

// Options changes how pages are rendered.
type Options struct {
	// LiveReload sets data-livereload="/__livereload" on every page's <html>;
	// the theme's main.js then listens there (EventSource) for serve's
	// "reload" and "error:<text>" messages.
	LiveReload bool
}

// LiveReloadPath is the endpoint pages connect to when Options.LiveReload is set.
const LiveReloadPath = "/__livereload"

// Crumb is one step of a page's breadcrumb trail.
type Crumb struct {
	Name string
	URL  string // site-relative
}

// QuestionGroup is the calculator's questions for one audience, listed on the
// calculator page so they can be read without JavaScript.
type QuestionGroup struct {
	Audience  *site.Audience // nil for questions asked of everyone
	Questions []site.Question
}

// Page is the data every HTML template receives. Fields that do not apply
// to a page kind are nil or empty.
type Page struct {
	Site       *site.Site
	Assets     site.Assets
	Kind       string // home, measure, measures, category, categories, department, departments, audience, audiences, document, page, calculator, 404
	URL        string // site-relative URL of the page, e.g. "/measures/m1/"
	Title      string // the page's <h1>; <title> adds the site title
	Desc       string // meta description and og:description
	OGType     string // "website" or "article"
	Crumbs     []Crumb
	LiveReload bool

	Measure    *site.Measure
	Prev, Next *site.Measure // neighbours in document order (measure pages)
	Category   *site.Category
	Department *site.Department
	Audience   *site.Audience
	Page       *site.Page

	// Expiry status as of Site.BuildDate (home page and measure index).
	Expired []*site.Measure // validity ended before the build date
	Running []*site.Measure // with an end date not yet reached
	Partly  []*site.Measure // no end date for the whole measure, but for some parts
	Open    []*site.Measure // the document gives no end date

	Document *site.Document // document pages

	Questions []QuestionGroup  // calculator page
	Steps     []site.CalcStep  // calculator page: the content's steps, or one per audience
	CalcAuds  []*site.Audience // calculator page: audiences that have questions
}

// Current is the aria-current value of a menu link to u on this page:
// "page" on the page itself, "true" inside its section, else "".
func (p *Page) Current(u string) string {
	switch {
	case u == p.URL:
		return "page"
	case u != "/" && strings.HasSuffix(u, "/") && strings.HasPrefix(p.URL, u):
		return "true"
	}
	return ""
}

// FrameKey is what the default theme's site header reads of a page: its
// kind and the aria-current value of each menu entry. The header is rendered
// once per distinct key ({{onceFor "partials/header.html" .FrameKey .}}).
func (p *Page) FrameKey() string {
	var b strings.Builder
	b.WriteString(p.Kind)
	for _, m := range p.Site.Menus {
		b.WriteByte('|')
		b.WriteString(p.Current(m.URL))
	}
	return b.String()
}

// FullTitle is the <title>: the page title then the site title.
func (p *Page) FullTitle() string {
	if p.Kind == "home" || p.Title == p.Site.Title {
		return p.Site.Title
	}
	return p.Title + " - " + p.Site.Title
}

// job is one output file to render.
type job struct {
	out     string // output path, e.g. "measures/m1/index.html"
	page    *Page
	tmpl    *htmpl.Template
	sitemap bool
}

// htmlKinds are the page layouts a theme must provide (layouts/<kind>.html).
var htmlKinds = []string{"home", "measure", "measures", "category", "categories", "department",
	"departments", "audience", "audiences", "document", "page", "calculator", "404", "search", "offline"}

// reserved are the first path segments generated pages use; a free page may
// not take one.
var reserved = map[string]bool{"measures": true, "categories": true, "departments": true,
	"audiences": true, "document": true, "calculator": true, "assets": true, "data": true,
	"documents": true, "calendar": true, "updates": true,
	"search": true, "offline": true}

// Render renders every page of s with the theme's layouts and returns the
// files by output path ("index.html", "measures/m1/index.html", "404.html",
// "sitemap.xml", "robots.txt", "feed.xml", …), including the theme's
// static/ files copied to the site root (e.g. "favicon.ico"). a maps asset
// names ("main.css", "main.js", "calculator.js", "calculator.css") to their
// hashed URLs; theme is the (possibly layered) theme file system.
func Render(s *site.Site, a site.Assets, theme fs.FS, opt Options) (map[string][]byte, error) {
	r, err := New(s, a, theme, opt)
	if err != nil {
		return nil, err
	}
	return r.All(context.Background())
}

// Renderer holds a parsed theme and the plan of a site's pages: All renders
// every file, Page one HTML page (the preview renders the page a browser
// asks for before the rest of the site is done).
type Renderer struct {
	s      *site.Site
	assets site.Assets // its own copy: the templates' asset func reads it
	theme  fs.FS
	set    *templates
	jobs   []job
	byOut  map[string]int // output path → index in jobs
}

// New parses the theme and plans the pages of s (see Render).
func New(s *site.Site, a site.Assets, theme fs.FS, opt Options) (*Renderer, error) {
	if s == nil || theme == nil {
		return nil, errors.New("render: no site or no theme")
	}
	a = maps.Clone(a)
	if a == nil {
		a = site.Assets{}
	}
	set, err := parse(s, a, theme)
	if err != nil {
		return nil, err
	}
	jobs, err := plan(s, a, set, opt)
	if err != nil {
		return nil, err
	}
	r := &Renderer{s: s, assets: a, theme: theme, set: set, jobs: jobs, byOut: make(map[string]int, len(jobs))}
	for i, j := range jobs {
		r.byOut[j.out] = i
	}
	return r, nil
}

// SetAsset sets the URL of the asset name for the pages rendered after it
// (the search page needs the search index's URL, which is known only once
// the index is built beside the other pages). Not while pages render.
func (r *Renderer) SetAsset(name, url string) { r.assets[name] = url }

// Page renders the HTML page at output path out ("measures/m1/index.html");
// ok is false when the site has no such page.
func (r *Renderer) Page(out string) (b []byte, ok bool, err error) {
	i, ok := r.byOut[out]
	if !ok {
		return nil, false, nil
	}
	var buf bytes.Buffer
	b, err = r.exec(&buf, r.jobs[i])
	return b, true, err
}

// exec executes one job into buf and returns the page with its URLs made
// relative.
func (r *Renderer) exec(buf *bytes.Buffer, j job) ([]byte, error) {
	buf.Reset()
	if err := j.tmpl.ExecuteTemplate(buf, "base", j.page); err != nil {
		return nil, fmt.Errorf("render %s: %w", j.out, err)
	}
	return relativize(buf.Bytes(), prefix(r.s, j)), nil
}

// All renders every file of the site (see Render) but the pages at the
// output paths in skip (the caller renders those with Page, e.g. from a
// Renderer that knows an asset this one does not); it stops with ctx's
// error when ctx is done.
func (r *Renderer) All(ctx context.Context, skip ...string) (map[string][]byte, error) {
	s, jobs := r.s, r.jobs
	// The sitemap, feed and calendar need the plan only: made beside the pages.
	var urls []string
	for _, j := range jobs {
		if j.sitemap {
			urls = append(urls, j.page.URL)
		}
	}
	side := map[string][]byte{}
	sideErr := make(chan error, 1)
	go func() {
		err := xmlFiles(s, r.set, urls, side)
		if err == nil && len(s.Documents) > 0 {
			side["calendar.ics"] = ICS(s, r.set.words.say("calendar_name", siteWords{s.Title}))
		}
		sideErr <- err
	}()

	out := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range next {
				out[i], errs[i] = r.exec(&buf, jobs[i])
			}
		}()
	}
	// Lists and documents first: on a large site each is a long page, and
	// one started last would leave the other workers idle at the end.
	order := make([]int, 0, len(jobs))
	for pass := 0; pass < 2; pass++ {
		for i, j := range jobs {
			if (j.page.Kind == "measure") == (pass == 1) && !slices.Contains(skip, j.out) {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	serr := <-sideErr
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err // in job order: the same error text every run
	}
	if serr != nil {
		return nil, serr
	}

	files := make(map[string][]byte, len(jobs)+8)
	for i, j := range jobs {
		if out[i] != nil {
			files[j.out] = out[i]
		}
	}
	maps.Copy(files, side)
	if len(s.Documents) > 0 {
		redirects(s, files)
	}
	if err := staticFiles(r.theme, files); err != nil {
		return nil, err
	}
	return files, nil
}

// templates holds the parsed theme: one HTML template per page kind (base
// layout + partials + the kind's file) and the text templates.
type templates struct {
	html  map[string]*htmpl.Template
	text  *ttmpl.Template
	words words // the theme's words.toml
}

func parse(s *site.Site, a site.Assets, theme fs.FS) (*templates, error) {
	w, err := loadWords(theme)
	if err != nil {
		return nil, err
	}
	fm := funcs(s, a, w)
	mem := &memo{}
	fm["measureItem"] = mem.measureItem
	fm["once"] = mem.once
	fm["onceFor"] = mem.onceFor
	base := htmpl.New("").Funcs(htmpl.FuncMap(fm))
	src, err := fs.ReadFile(theme, "layouts/baseof.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	if _, err := base.New("layouts/baseof.html").Parse(string(src)); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	partials, err := fs.Glob(theme, "layouts/partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range partials { // sorted by fs.Glob
		src, err := fs.ReadFile(theme, p)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		// Named "partials/x.html": {{template "partials/x.html" .}}
		if _, err := base.New(strings.TrimPrefix(p, "layouts/")).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	// The memoised partials run in a set of their own (html/template
	// escapes each set once; the kinds' sets are executed concurrently).
	if mem.set, err = base.Clone(); err != nil {
		return nil, err
	}
	t := &templates{html: map[string]*htmpl.Template{}, words: w}
	for _, k := range append(htmlKinds, docKinds...) {
		name := "layouts/" + k + ".html"
		src, err := fs.ReadFile(theme, name)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		c, err := base.Clone() // each kind defines its own "main"
		if err != nil {
			return nil, err
		}
		if _, err := c.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.html[k] = c
	}
	// XML and text files use text/template (html/template would mangle
	// <?xml …?>); their templates escape with the "xml" func.
	t.text = ttmpl.New("").Funcs(ttmpl.FuncMap(fm))
	for _, name := range []string{"sitemap.xml", "feed.xml", "robots.txt", "opensearch.xml"} {
		src, err := fs.ReadFile(theme, "layouts/"+name)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if _, err := t.text.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	return t, nil
}

// memo renders parts that are the same wherever they appear once per build,
// and hands out the bytes again (the template functions measureItem and
// once). A part is rendered in HTML text context and returned as
// template.HTML, which html/template inserts unchanged in that context, so
// a page holds the same bytes as if the part had been executed in place.
type memo struct {
	set   *htmpl.Template // the partials, cloned before any kind's "main"
	items sync.Map        // *site.Measure → htmpl.HTML
	parts sync.Map        // partial name + "\x00" + key → htmpl.HTML
}

// measureItem is partials/measure-item.html for m, rendered once per build:
// a measure appears in the lists of its category, audiences, departments
// and the index.
func (mm *memo) measureItem(m *site.Measure) (htmpl.HTML, error) {
	if h, ok := mm.items.Load(m); ok {
		return h.(htmpl.HTML), nil
	}
	h, err := mm.exec("partials/measure-item.html", m)
	if err != nil {
		return "", err
	}
	mm.items.Store(m, h)
	return h, nil
}

// once renders the partial name one time per build with the data of the
// first page that asks, and returns those bytes to every page: for parts of
// the page frame that depend on the site only (the footer). A part that
// reads anything of the page must be called with {{template}} instead.
func (mm *memo) once(name string, data any) (htmpl.HTML, error) {
	return mm.onceFor(name, "", data)
}

// onceFor is once per distinct key: the key must say everything of the
// page the partial reads (e.g. Page.FrameKey for the site header).
func (mm *memo) onceFor(name, key string, data any) (htmpl.HTML, error) {
	k := name + "\x00" + key
	if h, ok := mm.parts.Load(k); ok {
		return h.(htmpl.HTML), nil
	}
	h, err := mm.exec(name, data)
	if err != nil {
		return "", err
	}
	mm.parts.Store(k, h)
	return h, nil
}

func (mm *memo) exec(name string, data any) (htmpl.HTML, error) {
	if mm.set == nil {
		return "", errors.New("memoised partial used before the theme was parsed")
	}
	var b bytes.Buffer
	if err := mm.set.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return htmpl.HTML(b.String()), nil
}

// plan lists every HTML page to render, in a fixed order (also the sitemap's).
func plan(s *site.Site, a site.Assets, t *templates, opt Options) ([]job, error) {
	var jobs []job
	add := func(kind, url string, p *Page) {
		p.Site, p.Assets, p.Kind, p.URL, p.LiveReload = s, a, kind, url, opt.LiveReload
		if p.OGType == "" {
			p.OGType = "website"
		}
		if p.Desc == "" {
			p.Desc = s.Description
		}
		out := strings.TrimPrefix(url, "/") + "index.html"
		if kind == "404" {
			out = "404.html"
		}
		jobs = append(jobs, job{out: out, page: p, tmpl: t.html[kind], sitemap: kind != "404" && kind != "offline"})
	}
	w := t.words
	home := Crumb{w.say("home", nil), "/"}

	p := &Page{Title: s.Title}
	status(s, p)
	add("home", "/", p)

	all := Crumb{w.say("measures", nil), "/measures/"}
	p = &Page{Title: all.Name, Crumbs: []Crumb{home, all},
		Desc: w.say("measures_desc", countWords{s.Title, len(s.Measures)})}
	status(s, p)
	add("measures", "/measures/", p)
	for i, m := range s.Measures {
		p := &Page{Title: m.Title, Desc: m.Summary, OGType: "article", Measure: m, Category: m.Category}
		p.Crumbs = []Crumb{home, all}
		if m.Category != nil {
			p.Crumbs = append(p.Crumbs, Crumb{m.Category.Name, m.Category.URL()})
		}
		p.Crumbs = append(p.Crumbs, Crumb{m.Label, m.URL()})
		if i > 0 {
			p.Prev = s.Measures[i-1]
		}
		if i+1 < len(s.Measures) {
			p.Next = s.Measures[i+1]
		}
		add("measure", m.URL(), p)
	}

	catsCrumb := Crumb{w.say("categories", nil), "/categories/"}
	add("categories", "/categories/", &Page{Title: w.say("categories_title", nil), Crumbs: []Crumb{home, catsCrumb}})
	for _, c := range s.Categories {
		add("category", c.URL(), &Page{Title: strings.TrimSpace(c.Number + c.Name), Category: c,
			Desc:   w.say("category_desc", categoryWords{c.Number, c.Name, len(c.Measures)}),
			Crumbs: []Crumb{home, catsCrumb, {c.Name, c.URL()}}})
	}
	audsCrumb := Crumb{w.say("audiences", nil), "/audiences/"}
	add("audiences", "/audiences/", &Page{Title: w.say("audiences_title", nil), Crumbs: []Crumb{home, audsCrumb}})
	for _, au := range s.Audiences {
		add("audience", au.URL(), &Page{Title: w.say("audience_title", nameWords{au.Name}), Audience: au, Desc: au.Intro,
			Crumbs: []Crumb{home, audsCrumb, {au.Name, au.URL()}}})
	}
	depsCrumb := Crumb{w.say("departments", nil), "/departments/"}
	add("departments", "/departments/", &Page{Title: depsCrumb.Name, Crumbs: []Crumb{home, depsCrumb}})
	for _, d := range s.Departments {
		add("department", d.URL(), &Page{Title: d.Name, Department: d,
			Desc:   w.say("department_desc", departmentWords{d.Name, len(d.Lead), len(d.Partner)}),
			Crumbs: []Crumb{home, depsCrumb, {d.Name, d.URL()}}})
	}
	if d := s.Document; d != nil {
		add("document", "/document/", &Page{Title: d.Title, OGType: "article", Document: d,
			Desc:   strings.TrimSpace(d.Number + " " + d.Title),
			Crumbs: []Crumb{home, {w.say("document", nil), "/document/"}}})
	}
	if c := s.Calculator; c != nil {
		steps, auds := calcSteps(s, w)
		add("calculator", "/calculator/", &Page{Title: c.Title, Desc: c.Intro, Questions: questionGroups(s), Steps: steps, CalcAuds: auds,
			Crumbs: []Crumb{home, {c.Title, "/calculator/"}}})
	}
	for _, pg := range s.Pages {
		if reserved[pg.ID] {
			return nil, fmt.Errorf("%s: page id %q is taken by a generated section; choose another", pg.File, pg.ID)
		}
		add("page", pg.URL(), &Page{Title: pg.Title, Page: pg, Crumbs: []Crumb{home, {pg.Title, pg.URL()}}})
	}
	planDocs(s, w, add)
	// Search (search.js, index from generator/search) and the page the
	// service worker shows for pages not saved offline.
	add("search", "/search/", &Page{Title: w.say("search", nil), Crumbs: []Crumb{home, {w.say("search", nil), "/search/"}}})
	add("offline", "/offline/", &Page{Title: w.say("offline", nil)})
	add("404", "/404.html", &Page{Title: w.say("not_found", nil)})
	return jobs, nil
}

// status sorts the measures by their validity on the build date.
func status(s *site.Site, p *Page) {
	for _, m := range s.Measures {
		switch { // EndDate: the measure's own date as later documents moved it
		case m.Expired(s.BuildDate):
			p.Expired = append(p.Expired, m)
		case !m.EndDate().IsZero():
			p.Running = append(p.Running, m)
		case len(m.Parts) > 0:
			p.Partly = append(p.Partly, m)
		default:
			p.Open = append(p.Open, m)
		}
	}
}

// calcSteps are the calculator's steps; a calculator without declared
// steps asks each audience's questions on one step.
func calcSteps(s *site.Site, w words) ([]site.CalcStep, []*site.Audience) {
	c := s.Calculator
	if len(c.Steps) > 0 {
		return c.Steps, c.Audiences
	}
	var steps []site.CalcStep
	var auds []*site.Audience
	for _, g := range questionGroups(s) {
		if g.Audience == nil {
			continue
		}
		steps = append(steps, site.CalcStep{ID: "q_" + strings.ReplaceAll(g.Audience.ID, "-", "_"), Title: w.say("calculator_step", nil), Audience: []string{g.Audience.ID}, Questions: g.Questions})
		auds = append(auds, g.Audience)
	}
	return steps, auds
}

// questionGroups lists the calculator's questions by audience, in site order.
func questionGroups(s *site.Site) []QuestionGroup {
	var gs []QuestionGroup
	var general []site.Question
	for _, q := range s.Calculator.Questions {
		if len(q.Audience) == 0 {
			general = append(general, q)
		}
	}
	if len(general) > 0 {
		gs = append(gs, QuestionGroup{Questions: general})
	}
	for _, a := range s.Audiences {
		g := QuestionGroup{Audience: a}
		for _, q := range s.Calculator.Questions {
			for _, id := range q.Audience {
				if id == a.ID {
					g.Questions = append(g.Questions, q)
					break
				}
			}
		}
		if len(g.Questions) > 0 {
			gs = append(gs, g)
		}
	}
	return gs
}

// basePath is the path of the base URL without a trailing slash ("" at a host root).
func basePath(s *site.Site) string {
	u, err := url.Parse(s.BaseURL)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// prefix is what replaces the leading "/" of site-relative URLs on a page.
func prefix(s *site.Site, j job) string {
	if j.page.Kind == "404" {
		// Served at any path of any host: a path prefix would break wherever
		// the site is not at the base URL's path, so its links and assets
		// point at the site's own absolute address (serve maps them back to
		// the preview's root).
		if s.BaseURL != "" {
			return strings.TrimRight(s.BaseURL, "/") + "/"
		}
		return basePath(s) + "/"
	}
	depth := strings.Count(j.page.URL, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// urlAttrs are the attributes whose site-relative URLs ("/x", not "//host")
// the browser or the theme's scripts resolve against the page.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "data-root": true,
	"data-rules": true, "data-measures": true, "data-index": true, "data-wasm": true, "data-wasm-exec": true}

// relativize rewrites the leading "/" of site-relative URLs in urlAttrs to
// pre. html/template has already escaped every attribute value and all text,
// so ="/ only occurs in real attributes. (A hand-written scan: a regexp here
// took half of the render time.)
func relativize(b []byte, pre string) []byte {
	out := make([]byte, 0, len(b)+len(b)/16)
	i := 0
	for {
		j := bytes.Index(b[i:], []byte(`="/`))
		if j < 0 {
			break
		}
		j += i // b[j] is '='
		k := j
		for k > 0 && (b[k-1] >= 'a' && b[k-1] <= 'z' || b[k-1] == '-') {
			k--
		}
		ok := k > 0 && (b[k-1] == ' ' || b[k-1] == '\n' || b[k-1] == '\t') && urlAttrs[string(b[k:j])] &&
			(j+3 >= len(b) || b[j+3] != '/')
		if ok {
			out = append(out, b[i:j+2]...) // through the opening quote
			out = append(out, pre...)
		} else {
			out = append(out, b[i:j+3]...)
		}
		i = j + 3
	}
	return append(out, b[i:]...)
}

// xmlFiles renders sitemap.xml, feed.xml, robots.txt and opensearch.xml.
func xmlFiles(s *site.Site, t *templates, urls []string, files map[string][]byte) error {
	data := struct {
		Site *site.Site
		URLs []string // site-relative, in page order
	}{s, urls}
	for _, name := range []string{"sitemap.xml", "feed.xml", "robots.txt", "opensearch.xml"} {
		var buf bytes.Buffer
		if err := t.text.ExecuteTemplate(&buf, name, data); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		files[name] = buf.Bytes()
	}
	return nil
}

// staticFiles copies the theme's static/ tree to the site root.
func staticFiles(theme fs.FS, files map[string][]byte) error {
	if _, err := fs.Stat(theme, "static"); err != nil {
		return nil // a theme need not have static files
	}
	var names []string
	err := fs.WalkDir(theme, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, p := range names {
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		out := strings.TrimPrefix(p, "static/")
		if _, clash := files[out]; clash {
			return fmt.Errorf("theme: %s would overwrite the generated %s", p, path.Clean(out))
		}
		files[out] = b
	}
	return nil
}
