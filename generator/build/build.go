// Package build runs the stages of the data flow in order:
// load → model → calculator rules → render → assets → validate links → write.
// Each stage reports all of its errors; the build stops after the first stage
// that has any, so a later stage never works on broken input.
package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/compile"
	"policyguide/calculator/diag"
	"policyguide/generator/assets"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
	"policyguide/generator/model"
	"policyguide/generator/output"
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
}

// Result is a built site held in memory.
type Result struct {
	Site    *site.Site
	Program *calculator.Program // nil when the content has no rules
	Files   map[string][]byte   // output path → bytes
}

// Today is the reference date used when Options.Date is zero.
func Today() time.Time {
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Generate builds the whole site in memory.
func Generate(opt Options) (*Result, error) {
	day := opt.Date
	if day.IsZero() {
		day = Today()
	}
	c, errs := load.Load(opt.Content)
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	m, errs := model.Build(c, markdown.New(), day)
	s := m.Site
	prog, perrs := rules(c, s)
	errs.Merge(perrs)
	th, terr := themeFS(c)
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
	if errs := searchIndex(opt.Content, s, files, urls); len(errs) > 0 {
		return nil, errs.Sort()
	}

	pages, err := render.Render(s, urls, th, render.Options{LiveReload: opt.LiveReload})
	if err != nil {
		return nil, err
	}
	for k, v := range pages {
		files[k] = v
	}
	if errs := validate.Links(validate.Index(files), m.Links); len(errs) > 0 {
		return nil, errs.Sort()
	}
	if err := offlineWorker(th, s, urls, files); err != nil {
		return nil, err
	}
	return &Result{Site: s, Program: prog, Files: files}, nil
}

// Build generates the site and replaces the output folder in one step.
func Build(opt Options) (*Result, error) {
	r, err := Generate(opt)
	if err != nil {
		return nil, err
	}
	if err := output.Write(opt.Out, r.Files); err != nil {
		return nil, err
	}
	return r, nil
}

// rules compiles the calculator's questions and rules and runs every example.
func rules(c *load.Content, s *site.Site) (*calculator.Program, diag.List) {
	if c.Questions == nil && len(c.Rules) == 0 {
		return nil, nil
	}
	var errs diag.List
	if c.Questions == nil {
		errs.Add(diag.Pos{File: filepath.ToSlash(filepath.Join(c.Dir, "calculator/questions.toml"))}, "file is missing: rules need declared questions")
		return nil, errs
	}
	src := compile.Sources{
		Questions: compile.File{Name: c.Questions.Name, Src: c.Questions.Data},
		Source:    c.Source.Data,
		Anchor:    anchorFinder(s.Document),
	}
	for _, r := range c.Rules {
		src.Rules = append(src.Rules, compile.File{Name: r.Name, Src: r.Data})
	}
	for _, m := range s.Measures {
		src.Measures = append(src.Measures, m.ID)
	}
	for _, a := range s.Audiences {
		src.Audiences = append(src.Audiences, a.ID)
	}
	for _, d := range s.Departments {
		src.Departments = append(src.Departments, d.Name)
	}
	prog, errs := compile.Compile(src)
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := compile.RunExamples(prog, src.Rules); len(errs) > 0 {
		return nil, errs
	}
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	for _, b := range prog.Benefits {
		if m := byID[b.Measure]; m != nil {
			m.Benefits = append(m.Benefits, b.ID)
		}
	}
	calc := &site.Calculator{Title: c.Site.Calculator.Title, Intro: c.Site.Calculator.Intro, RulesURL: "/data/rules.json"}
	if calc.Title == "" {
		calc.Title = "政策计算器"
	}
	for _, q := range prog.Questions {
		calc.Questions = append(calc.Questions, site.Question{ID: q.ID, Label: q.Label, Help: q.Help, Audience: q.Audience})
	}
	s.Calculator = calc
	return prog, nil
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
	cache := opt.CacheDir
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		cache = filepath.Join(dir, "policyguide")
	}
	w, err := assets.Wasm(root, "./calculator/wasm", cache)
	if err != nil {
		return err
	}
	wasmName := "assets/calculator-" + w.Hash[:12] + ".wasm"
	execName := "assets/wasm_exec-" + hash(w.ExecJS) + ".js"
	files[wasmName], files[execName] = w.Bytes, w.ExecJS
	s.Calculator.WasmURL, s.Calculator.WasmExecURL = "/"+wasmName, "/"+execName
	return nil
}

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

// measuresJSON is the open-data list of measures, with ids shared by the rules.
func measuresJSON(s *site.Site) []byte {
	type dep struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type measure struct {
		ID         string   `json:"id"`
		Label      string   `json:"label"`
		Title      string   `json:"title"`
		Summary    string   `json:"summary"`
		Category   string   `json:"category"`
		Audiences  []string `json:"audiences"`
		Lead       []dep    `json:"lead"`
		Partners   []dep    `json:"partners"`
		ValidUntil string   `json:"valid_until,omitempty"`
		ValidNote  string   `json:"valid_note,omitempty"`
		Funds      []string `json:"funds"`
		Source     string   `json:"source_paragraph,omitempty"`
		Benefits   []string `json:"benefits"`
		URL        string   `json:"url"`
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
			Partners: deps(m.Partners), ValidNote: m.ValidNote, Funds: m.Funds, Benefits: m.Benefits,
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
