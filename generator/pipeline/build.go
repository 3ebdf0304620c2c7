// Package build runs the stages of the data flow in order:
// load → model → calculator rules → render → assets → validate links → write.
// Each stage reports all of its errors; the build stops after the first stage
// that has any, so a later stage never works on broken input.
package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/compile"
	"policyguide/calculator/diag"
	"policyguide/generator/assets"
	"policyguide/generator/facts"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
	"policyguide/generator/model"
	"policyguide/generator/output"
	"policyguide/generator/precompress"
	"policyguide/generator/render"
	"policyguide/generator/site"
	"policyguide/generator/validate"
	theme "policyguide/themes/default"
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
}

// DefaultTimeout is the overall bound of a build or check. A cold build
// (compiling the calculator's wasm) takes well under a minute.
const DefaultTimeout = 5 * time.Minute

// Result is a built site held in memory.
type Result struct {
	Site    *site.Site
	Program *calculator.Program // nil when the content has no rules
	Files   map[string][]byte   // output path → bytes

	// Warnings do not stop the build (see warnings in docs.go).
	Warnings diag.List
}

// Today is the reference date used when Options.Date is zero.
func Today() time.Time {
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Generate builds the whole site in memory, within opt.Timeout.
func Generate(opt Options) (*Result, error) {
	limit := opt.Timeout
	if limit == 0 {
		limit = DefaultTimeout
	}
	if limit < 0 {
		return generate(opt)
	}
	type result struct {
		r   *Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := generate(opt)
		done <- result{r, err}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case res := <-done:
		return res.r, res.err
	case <-timer.C:
		// The stage still running is abandoned (a command exits; serve keeps
		// its last good site).
		return nil, fmt.Errorf("the build took longer than %v and was stopped: look for a very large or deeply nested content file (or raise --timeout)", limit)
	}
}

func generate(opt Options) (*Result, error) {
	day := opt.Date
	if day.IsZero() {
		day = Today()
	}
	c, errs := load.Load(opt.Content)
	errs.Merge(unfilled(opt.Content))
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	th, terr := themeFS(c)
	md := markdown.New()
	if terr == nil {
		md.Reserve(themeIDs(th)...) // a heading id must not collide with the layout's
	}
	m, prog, warns, errs := modelAndRules(c, md, day)
	s := m.Site
	warns.Merge(warnings(c, s, day))
	addHistory(c, s)
	if prog != nil {
		attachRules(c, s, prog)
	}
	if terr != nil {
		errs.Add(c.Site.Keys.At(c.Site.Name, "theme"), "%v", terr)
	}
	if len(errs) > 0 {
		return nil, errs.Sort()
	}

	files := map[string][]byte{}
	entries := []string{"main.css", "main.js", "search.js"}
	if prog != nil {
		entries = append(entries, "calculator.css", "calculator.js")
	}
	af, urls, err := assets.Bundle(th, entries)
	if err != nil {
		return nil, err
	}
	for k, v := range af {
		files[k] = v
	}
	if prog != nil {
		if err := calculatorFiles(opt, s, prog, files); err != nil {
			return nil, err
		}
	}
	files["data/measures.json"] = measuresJSON(s)
	if errs := searchIndex(c, s, files, urls); len(errs) > 0 {
		return nil, errs.Sort()
	}

	pages, err := render.Render(s, urls, th, render.Options{LiveReload: opt.LiveReload})
	if err != nil {
		return nil, err
	}
	for k, v := range pages {
		files[k] = v
	}
	targets, dups := validate.IndexDuplicates(files)
	errs = validate.Links(targets, m.Links)
	errs.Merge(validate.Duplicates(dups, pageFiles(c, s)))
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	if err := offlineWorker(th, s, urls, files); err != nil {
		return nil, err
	}
	return &Result{Site: s, Program: prog, Files: files, Warnings: warns.Sort()}, nil
}

// Build generates the site and replaces the output folder in one step.
func Build(opt Options) (*Result, error) {
	if err := output.Check(opt.Out, output.Options{Content: opt.Content}); err != nil {
		return nil, err
	}
	r, err := Generate(opt)
	if err != nil {
		return nil, err
	}
	// Precompressed copies and the static hosts' headers file: only for a
	// written site (serve and check need neither).
	r.Files["_headers"] = []byte(Headers)
	if err := precompress.Add(r.Files, cacheDir(opt)); err != nil {
		return nil, err
	}
	if err := output.Write(opt.Out, r.Files, output.Options{Content: opt.Content}); err != nil {
		return nil, err
	}
	return r, nil
}

// rules compiles the calculator's questions and rules; Generate runs every
// example (the rules files returned) once the documents' relations are known.
func rules(c *load.Content, docs []*site.Document, doc *site.Document, warns *diag.List) (*calculator.Program, []compile.File, diag.List) {
	if c.Questions == nil && len(c.Rules) == 0 {
		return nil, nil, nil
	}
	var errs diag.List
	if c.Questions == nil {
		errs.Add(diag.Pos{File: filepath.ToSlash(filepath.Join(c.Dir, "calculator/questions.toml"))}, "file is missing: rules need declared questions")
		return nil, nil, errs
	}
	d := c.Document.Date
	src := compile.Sources{
		Questions: compile.File{Name: c.Questions.Name, Src: c.Questions.Data},
		Source:    c.Source.Data,
		Anchor:    anchorFinder(doc),
		Basis:     calculator.MakeDate(d.Year(), int(d.Month()), d.Day()),
		BasisName: c.Document.Number,
	}
	if d.IsZero() {
		src.Basis = 0
	}
	for _, r := range c.Rules {
		src.Rules = append(src.Rules, compile.File{Name: r.Name, Src: r.Data})
	}
	docSources(&src, docs, doc, c.Measures, warns)
	// A measure's paragraph is in its own document (default: the main one).
	paras := map[string]map[string]*site.Paragraph{}
	for _, d := range docs {
		paras[d.ID] = map[string]*site.Paragraph{}
		for _, p := range d.Paragraphs {
			paras[d.ID][p.Anchor] = p
		}
	}
	measurePara := map[string]*site.Paragraph{}
	for _, m := range c.Measures {
		src.Measures = append(src.Measures, m.ID)
		d := m.Document
		if d == "" {
			d = doc.ID
		}
		if p := paras[d][m.Paragraph]; p != nil {
			measurePara[m.ID] = p
		}
	}
	src.Paragraph = func(measure string) (string, string, bool) {
		p := measurePara[measure]
		if p == nil {
			return "", "", false
		}
		return p.Anchor, p.Text, true
	}
	for _, a := range c.Site.Audiences {
		src.Audiences = append(src.Audiences, a.ID)
	}
	for _, d := range c.Departments.Departments {
		src.Departments = append(src.Departments, d.Name)
	}
	src.LaterExamples = true // run by Generate once the relations are applied
	prog, errs := compile.Compile(src)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return prog, src.Rules, nil
}

// validity returns the model's hook that sets a measure's end dates from
// the compiled rules, as its own document states them: the whole measure
// ([validity]), or the parts whose sentence states a date (a benefit's
// valid_until, a [[parts]] entry).
func validity(prog *calculator.Program) func(m *site.Measure) {
	return func(m *site.Measure) {
		for _, b := range prog.Benefits {
			if b.Measure != m.ID {
				continue
			}
			switch b.ValidScope {
			case calculator.ScopeMeasure:
				m.ValidUntil, m.ValidCite, m.ValidAnchor = timeOf(b.ValidUntil), b.ValidCite, b.ValidAnchor
			case calculator.ScopeSentence:
				m.Parts = append(m.Parts, site.ValidPart{Name: b.Name, Until: timeOf(b.ValidUntil), Cite: b.ValidCite, Anchor: b.ValidAnchor})
			}
		}
		for _, x := range prog.Parts {
			if x.Measure == m.ID {
				m.Parts = append(m.Parts, site.ValidPart{Name: x.Name, Until: timeOf(x.ValidUntil), Cite: x.ValidCite, Anchor: x.ValidAnchor})
			}
		}
	}
}

func timeOf(d calculator.Date) time.Time {
	t, _ := time.Parse("2006-01-02", d.String())
	return t
}

func dateOf(t time.Time) calculator.Date {
	if t.IsZero() {
		return 0
	}
	return calculator.MakeDate(t.Year(), int(t.Month()), t.Day())
}

// followRelations makes the calculator agree with the measure pages: a
// benefit's end date, as its measure's document states it (a whole-measure
// [validity] or its own sentence), is moved by a later continuation, and a
// replacement ends every benefit of the measure the day before it takes
// effect. The benefit then cites the later document's words. The date is
// written once, in the relation (document.md), not again in the rules.
func followRelations(s *site.Site, prog *calculator.Program) diag.List {
	var errs diag.List
	changed := false
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	for _, b := range prog.Benefits {
		m := byID[b.Measure]
		if m == nil || len(m.Relations) == 0 {
			continue
		}
		end, by := m.Moved(timeOf(b.ValidUntil))
		if by == nil {
			continue
		}
		b.ValidUntil, b.ValidCite, b.ValidAnchor = dateOf(end), by.Cite, strings.TrimPrefix(by.CiteURL(), "/")
		switch {
		case end.IsZero():
			b.ValidScope, b.ValidCite, b.ValidAnchor = "", "", ""
		case b.ValidScope == "":
			b.ValidScope = calculator.ScopeMeasure // a replacement ends the whole measure
		}
		changed = true
		if b.ValidFrom != 0 && b.ValidUntil != 0 && b.ValidFrom > b.ValidUntil {
			errs.Add(diag.Pos{File: m.File, Line: 1, Col: 1}, "benefit %s: %s ends it on %s, before its valid_from %s", b.ID, by.From.Number, b.ValidUntil, b.ValidFrom)
		}
	}
	if changed && len(errs) == 0 {
		for _, pr := range prog.Check() { // prepares the moved dates for evaluation
			errs.Add(diag.Pos{File: "rules"}, "%s", pr.Msg)
		}
	}
	return errs
}

// attachRules links the compiled rules into the site: each measure's
// benefits, and the calculator page.
func attachRules(c *load.Content, s *site.Site, prog *calculator.Program) {
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	for _, b := range prog.Benefits {
		if m := byID[b.Measure]; m != nil {
			m.Benefits = append(m.Benefits, b.ID)
		}
	}
	paramViews(s, prog)
	calc := &site.Calculator{Title: c.Site.Calculator.Title, Intro: c.Site.Calculator.Intro, RulesURL: "/data/rules.json"}
	if calc.Title == "" {
		calc.Title = "政策计算器"
	}
	byQ := map[string]site.Question{}
	for _, q := range prog.Questions {
		sq := site.Question{ID: q.ID, Label: q.Label, Help: q.Help, Audience: q.Audience, Type: q.Type, Unit: q.Unit, Integer: q.Integer}
		if q.Min != nil {
			sq.Min = q.Min.String()
		}
		if q.Max != nil {
			sq.Max = q.Max.String()
		}
		for _, o := range q.Options {
			sq.Options = append(sq.Options, site.Option{Value: o.Value, Label: o.Label})
		}
		byQ[q.ID] = sq
		calc.Questions = append(calc.Questions, sq)
	}
	calcFlow(calc, s, prog, byQ)
	s.Calculator = calc
}

// calcFlow gives the page its steps: the content's, or one step per
// audience with all its questions when the content declares none.
func calcFlow(calc *site.Calculator, s *site.Site, prog *calculator.Program, byQ map[string]site.Question) {
	sum := sha256.Sum256(prog.JSON())
	calc.RulesHash = hex.EncodeToString(sum[:])[:8]
	used := map[string]bool{}
	if f := prog.Flow; f != nil && len(f.Steps) > 0 {
		calc.Prepare = f.Prepare
		for _, n := range f.Needs {
			calc.Needs = append(calc.Needs, site.CalcNeed{ID: n.ID, Label: n.Label, Hint: n.Hint, Audience: n.Audience, Measures: n.Measures})
		}
		for _, st := range f.Steps {
			cs := site.CalcStep{ID: st.ID, Title: st.Title, Hint: st.Hint, Audience: st.Audience, Needs: st.Needs}
			for _, id := range st.Questions {
				cs.Questions = append(cs.Questions, byQ[id])
			}
			for _, a := range st.Audience {
				used[a] = true
			}
			calc.Steps = append(calc.Steps, cs)
		}
	} else {
		for _, a := range s.Audiences {
			cs := site.CalcStep{ID: "q_" + strings.ReplaceAll(a.ID, "-", "_"), Title: "回答问题", Audience: []string{a.ID}}
			for _, q := range prog.Questions {
				if slices.Contains(q.Audience, a.ID) {
					cs.Questions = append(cs.Questions, byQ[q.ID])
				}
			}
			if len(cs.Questions) > 0 {
				used[a.ID] = true
				calc.Steps = append(calc.Steps, cs)
			}
		}
	}
	for _, a := range s.Audiences {
		if used[a.ID] {
			calc.Audiences = append(calc.Audiences, a)
		}
	}
}

// anchorFinder finds the paragraph of the source document that contains a
// citation, comparing as the compiler does (widths folded, spaces removed).
func anchorFinder(d *site.Document) func(string) (string, bool) {
	type para struct{ anchor, norm string }
	var ps []para
	for _, p := range d.Paragraphs {
		ps = append(ps, para{p.Anchor, compile.Normalize(p.Text)})
	}
	return func(cite string) (string, bool) {
		n := compile.Normalize(cite)
		if n == "" {
			return "", false
		}
		for _, p := range ps {
			if strings.Contains(p.norm, n) {
				return p.anchor, true
			}
		}
		return "", false
	}
}

// calculatorFiles adds the open data and the wasm engine to the output.
func calculatorFiles(opt Options, s *site.Site, prog *calculator.Program, files map[string][]byte) error {
	files["data/rules.json"] = prog.JSON()
	if opt.NoWasm {
		s.Calculator.WasmURL, s.Calculator.WasmExecURL = "/assets/calculator.wasm", "/assets/wasm_exec.js"
		return nil
	}
	root := opt.ModuleRoot
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return err
		}
	}
	w, err := assets.Wasm(root, "./calculator/wasm", cacheDir(opt))
	if err != nil {
		return err
	}
	wasmName := "assets/calculator-" + w.Hash[:12] + ".wasm"
	execName := "assets/wasm_exec-" + hash(w.ExecJS) + ".js"
	files[wasmName], files[execName] = w.Bytes, w.ExecJS
	s.Calculator.WasmURL, s.Calculator.WasmExecURL = "/"+wasmName, "/"+execName
	return nil
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

// moduleRoot finds the source of the calculator: the generator compiles the
// wasm from it, so one engine runs in the build and in the browser.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", errors.New("cannot find the Go toolchain to build the calculator's wasm: " + err.Error())
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the generator inside its source tree (the calculator's wasm is built from calculator/wasm)")
	}
	root := filepath.Dir(mod)
	if _, err := os.Stat(filepath.Join(root, "calculator", "wasm")); err != nil {
		return "", errors.New("calculator/wasm not found next to " + mod)
	}
	return root, nil
}

// themeFS layers the site's theme folder (if site.toml names one) over the
// embedded default theme, file by file.
func themeFS(c *load.Content) (fs.FS, error) {
	name := c.Site.Theme
	if name == "" {
		return theme.FS, nil
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, errors.New("theme must be a folder name under themes/, got \"" + name + "\"")
	}
	dir := filepath.Join(filepath.Dir(filepath.Clean(c.Dir)), "themes", name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.New("theme folder " + filepath.ToSlash(dir) + " does not exist")
	}
	return render.Layer(os.DirFS(dir), theme.FS), nil
}

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

// themeIDs lists the literal id="…" values of the theme's HTML layouts (the
// ids every page around a Markdown body may carry).
func themeIDs(th fs.FS) []string {
	var ids []string
	_ = fs.WalkDir(th, "layouts", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, err := fs.ReadFile(th, p)
		if err != nil {
			return nil
		}
		for _, m := range layoutID.FindAllSubmatch(b, -1) {
			ids = append(ids, string(m[1]))
		}
		return nil
	})
	return ids
}

var layoutID = regexp.MustCompile(`\sid="([^"{}]+)"`)

// measuresJSON is the open-data list of measures, with ids shared by the rules.
func measuresJSON(s *site.Site) []byte {
	type dep struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type part struct {
		Name       string `json:"name"`
		ValidUntil string `json:"valid_until"`
		Cite       string `json:"cite"`
		Expired    bool   `json:"expired"`
	}
	type measure struct {
		ID        string   `json:"id"`
		Label     string   `json:"label"`
		Title     string   `json:"title"`
		Summary   string   `json:"summary"`
		Category  string   `json:"category"`
		Audiences []string `json:"audiences"`
		// Lead: only where the document says 牵头; Departments: every
		// department the document lists for the measure, in its order.
		Lead        []dep  `json:"lead"`
		Partners    []dep  `json:"partners"`
		Departments []dep  `json:"departments"`
		ValidUntil  string `json:"valid_until,omitempty"` // the whole measure, with ValidCite
		ValidCite   string `json:"valid_cite,omitempty"`
		// Status on the build date: "expired", "partly_expired" or "".
		Status    string   `json:"status,omitempty"`
		Parts     []part   `json:"valid_parts"`
		ValidNote string   `json:"valid_note,omitempty"`
		Funds     []string `json:"funds"`
		Source    string   `json:"source_paragraph,omitempty"`
		Benefits  []string `json:"benefits"`
		URL       string   `json:"url"`
	}
	deps := func(ds []*site.Department) []dep {
		out := []dep{}
		for _, d := range ds {
			out = append(out, dep{d.ID, d.Name})
		}
		return out
	}
	var ms []measure
	for _, m := range s.Measures {
		x := measure{ID: m.ID, Label: m.Label, Title: m.Title, Summary: m.Summary, Lead: deps(m.Lead),
			Partners: deps(m.Partners), Departments: deps(append(append([]*site.Department{}, m.Lead...), m.Partners...)),
			ValidNote: m.ValidNote, ValidCite: m.ValidCite, Parts: []part{}, Funds: m.Funds, Benefits: m.Benefits,
			URL: s.BaseURL + m.URL(), Audiences: []string{}}
		if x.Funds == nil {
			x.Funds = []string{}
		}
		if x.Benefits == nil {
			x.Benefits = []string{}
		}
		if m.Category != nil {
			x.Category = m.Category.ID
		}
		for _, a := range m.Audiences {
			x.Audiences = append(x.Audiences, a.ID)
		}
		if !m.ValidUntil.IsZero() {
			x.ValidUntil = m.ValidUntil.Format("2006-01-02")
		}
		for i, p := range m.Parts {
			end := m.CurrentParts()[i].Until // as moved by later documents
			x.Parts = append(x.Parts, part{Name: p.Name, ValidUntil: p.Until.Format("2006-01-02"), Cite: p.Cite, Expired: !end.IsZero() && s.BuildDate.After(end)})
		}
		switch {
		case m.Expired(s.BuildDate):
			x.Status = "expired"
		case m.PartlyExpired(s.BuildDate):
			x.Status = "partly_expired"
		}
		if m.Paragraph != nil {
			x.Source = s.BaseURL + m.Paragraph.URL()
		}
		ms = append(ms, x)
	}
	out, _ := json.MarshalIndent(map[string]any{"title": s.Title, "document": s.Document.Number, "measures": ms}, "", "  ")
	return append(out, '\n')
}

// hash is a short content hash for a file name.
func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// modelAndRules compiles the rules and builds the site model: the rules
// first, since the measure pages read their figures from them ({{param id}})
// and the prose is checked against them; then the calculator follows the
// later documents' relations and every worked example is run against what
// the site will publish.
func modelAndRules(c *load.Content, md *markdown.Markdown, day time.Time) (*model.Result, *calculator.Program, diag.List, diag.List) {
	docs, mainDoc := model.Documents(c) // their errors are reported by the model stage
	var warns diag.List
	prog, ruleFiles, perrs := rules(c, docs, mainDoc, &warns)
	var mopt model.Options
	if prog != nil {
		mopt.Expand = facts.New(prog, calculator.MakeDate(day.Year(), int(day.Month()), day.Day())).Expand
		mopt.Validity = validity(prog)
	}
	m, errs := model.BuildWith(c, md, day, mopt)
	if prog != nil && len(errs) == 0 {
		if rerrs := followRelations(m.Site, prog); len(rerrs) > 0 {
			perrs.Merge(rerrs)
		} else {
			perrs.Merge(compile.RunExamples(prog, ruleFiles))
		}
	}
	errs.Merge(perrs)
	return m, prog, warns, errs
}
