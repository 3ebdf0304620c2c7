// Package lint finds what does not break a site but needs staff's eyes
// (warnings), and the skeleton values a `new` file still waits for.
package lint

import (
	"bytes"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// placeholderHosts are base_url hosts that cannot be the real site.
var placeholderHosts = []string{"example.org", "example.com", "example.net", "localhost", "127.0.0.1"}

// Warnings are problems that do not stop a build but that staff should
// look at: measures about to end, a placeholder base_url, measures without
// a department, contact details not checked for a year.
func Warnings(c *load.Content, s *site.Site, day time.Time) diag.List {
	var w diag.List
	if u, err := url.Parse(c.Site.BaseURL); err == nil {
		h := strings.ToLower(u.Hostname())
		for _, p := range placeholderHosts {
			if h == p || strings.HasSuffix(h, "."+p) || strings.HasSuffix(h, ".example") || strings.HasSuffix(h, ".test") || strings.HasSuffix(h, ".invalid") {
				w.Add(c.Site.Keys.At(c.Site.Name, "base_url"), "base_url %q is a placeholder: set the site's real address before publishing (canonical links, sitemap, feed and calendar use it)", c.Site.BaseURL)
				break
			}
		}
	}
	soon := day.AddDate(0, 0, 60)
	for _, m := range s.Measures {
		pos := diag.Pos{File: m.File, Line: 1, Col: 1}
		if end := m.EndDate(); !end.IsZero() && !end.Before(day) && !end.After(soon) {
			w.Add(pos, "measure %s ends on %s, within 60 days of %s: check whether a new document continues it", m.ID, end.Format("2006-01-02"), day.Format("2006-01-02"))
		}
		if !m.Expired(day) {
			for _, p := range m.CurrentParts() { // a date that closes one sentence
				if !p.Until.IsZero() && !p.Until.Before(day) && !p.Until.After(soon) {
					w.Add(pos, "measure %s: %s ends on %s, within 60 days of %s: check whether a new document continues it", m.ID, p.Name, p.Until.Format("2006-01-02"), day.Format("2006-01-02"))
				}
			}
		}
		if len(m.Lead) == 0 && len(m.Partners) == 0 && m.Duty == "" { // the duty line names who is responsible
			w.Add(pos, "measure %s names no department: readers cannot tell whom to ask (add lead or partners as the document names them)", m.ID)
		}
	}
	df := c.Departments
	for i, d := range df.Departments {
		for j, ch := range d.Channels {
			if !ch.Checked.IsZero() && ch.Checked.AddDate(1, 0, 0).Before(day) {
				k := "departments[" + itoa(i) + "].channels[" + itoa(j) + "].checked"
				w.Add(df.Keys.At(df.Name, k), "%s的%s last checked on %s, more than a year ago: check it again and update checked", d.Name, ch.Kind, ch.Checked.Format("2006-01-02"))
			}
		}
	}
	return w
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

// FillMarker marks a value of a `new` skeleton that staff must still write.
const FillMarker = "【请填写"

// Unfilled reports every FillMarker left in the text files of the content
// folder c was loaded from. The files load read are looked at in the bytes
// it read (c.Files); any other file is read here.
func Unfilled(c *load.Content) diag.List {
	var errs diag.List
	_ = filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch filepath.Ext(p) {
		case ".md", ".toml", ".txt":
		default:
			return nil
		}
		data, ok := c.Files[filepath.ToSlash(p)]
		if !ok {
			data, err = os.ReadFile(p)
		}
		if err != nil || !bytes.Contains(data, []byte(FillMarker)) {
			return nil
		}
		for i, line := range strings.Split(string(data), "\n") {
			if k := strings.Index(line, FillMarker); k >= 0 {
				col := utf8.RuneCountInString(line[:k]) + 1
				errs.Add(diag.Pos{File: filepath.ToSlash(p), Line: i + 1, Col: col}, "not filled in yet: replace %s…】 with the document's own words (or delete the line when the document says nothing)", FillMarker)
			}
		}
		return nil
	})
	return errs
}
