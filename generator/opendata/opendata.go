// Package opendata writes the site's open data: data/measures.json from the
// site model and data/rules.json from the compiled rules.
package opendata

import (
	"encoding/json"

	"policyguide/calculator"
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

// The schema of data/measures.json.
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
	// file is the whole file.
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
	out, _ := json.MarshalIndent(file{Document: s.Document.Number, Measures: ms, Title: s.Title}, "", "  ")
	return append(out, '\n')
}
