// Package opendata writes the site's open data: data/measures.json from the
// site model and data/rules.json from the compiled rules.
package opendata

import (
	"policyguide/calculator"
	"policyguide/generator/jsonstr"
	"policyguide/generator/site"
)

// Files are the open-data files of the site, by output path; rules.json
// only when the site has rules (prog != nil).
func Files(s *site.Site, prog *calculator.Program) map[string][]byte {
	files := map[string][]byte{"data/measures.json": Measures(s)}
	if prog != nil {
		files["data/rules.json"] = prog.JSON()
	}
	return files
}

// The schema of data/measures.json. The file is written by hand (appendJSON)
// with the bytes json.MarshalIndent(…, "", "  ") gives for these types (a
// test compares the two): reflection and indenting were most of its time.
type (
	dep struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	part struct {
		Name       string `json:"name"`
		ValidUntil string `json:"valid_until"`
		Cite       string `json:"cite"`
		Expired    bool   `json:"expired"`
	}
	measure struct {
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
	// file is the whole file: json.Marshal writes a map's keys sorted, as here.
	file struct {
		Document string    `json:"document"`
		Measures []measure `json:"measures"`
		Title    string    `json:"title"`
	}
)

// Measures is data/measures.json: the list of measures, with ids shared by
// the rules.
func Measures(s *site.Site) []byte {
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
	f := file{Document: s.Document.Number, Measures: ms, Title: s.Title}
	return append(f.appendJSON(make([]byte, 0, 1500*len(ms)+256)), '\n')
}

// w writes indented JSON: each member or element on its own line, indented
// two spaces a level.
type w struct {
	b     []byte
	depth int
	first bool // no member or element yet at this level
}

func (w *w) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

func (w *w) close(c byte) {
	w.depth--
	if !w.first { // "{}" and "[]" stay on one line
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

func (w *w) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, "  "...)
	}
}

// next starts an element.
func (w *w) next() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

// key starts a member.
func (w *w) key(k string) {
	w.next()
	w.b = jsonstr.Append(w.b, k)
	w.b = append(w.b, ": "...)
}

func (w *w) str(k, v string) {
	w.key(k)
	w.b = jsonstr.Append(w.b, v)
}

func (w *w) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *w) strs(k string, vs []string) {
	w.key(k)
	if vs == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, v := range vs {
		w.next()
		w.b = jsonstr.Append(w.b, v)
	}
	w.close(']')
}

func (w *w) deps(k string, ds []dep) {
	w.key(k)
	if ds == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, d := range ds {
		w.next()
		w.open('{')
		w.str("id", d.ID)
		w.str("name", d.Name)
		w.close('}')
	}
	w.close(']')
}

func (f *file) appendJSON(b []byte) []byte {
	w := &w{b: b}
	w.open('{')
	w.str("document", f.Document)
	w.key("measures")
	if f.Measures == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range f.Measures {
			w.next()
			f.Measures[i].write(w)
		}
		w.close(']')
	}
	w.str("title", f.Title)
	w.close('}')
	return w.b
}

func (m *measure) write(w *w) {
	w.open('{')
	w.str("id", m.ID)
	w.str("label", m.Label)
	w.str("title", m.Title)
	w.str("summary", m.Summary)
	w.str("category", m.Category)
	w.strs("audiences", m.Audiences)
	w.deps("lead", m.Lead)
	w.deps("partners", m.Partners)
	w.deps("departments", m.Departments)
	w.strOmit("valid_until", m.ValidUntil)
	w.strOmit("valid_cite", m.ValidCite)
	w.strOmit("status", m.Status)
	w.key("valid_parts")
	if m.Parts == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for _, p := range m.Parts {
			w.next()
			w.open('{')
			w.str("name", p.Name)
			w.str("valid_until", p.ValidUntil)
			w.str("cite", p.Cite)
			w.key("expired")
			if p.Expired {
				w.b = append(w.b, "true"...)
			} else {
				w.b = append(w.b, "false"...)
			}
			w.close('}')
		}
		w.close(']')
	}
	w.strOmit("valid_note", m.ValidNote)
	w.strs("funds", m.Funds)
	w.strOmit("source_paragraph", m.Source)
	w.strs("benefits", m.Benefits)
	w.str("url", m.URL)
	w.close('}')
}
