package load

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"policyguide/calculator/diag"
)

// Many documents. A content folder holds either the single legacy
// document.md (its source path relative to the content folder), or a folder
// documents/<id>/ per document, each with document.md (metadata, relations,
// dates) and its source text (path relative to the document's folder).
//
// documents/<id>/document.md front matter, beyond the legacy keys:
//
//	published = 2024-01-20     # 发布日期, only when the document or its publisher states it
//	topic = "劳动、人事、监察"    # 主题分类, only when stated
//	[[relations]]              # this (later) document's effect on an earlier one
//	type = "continues"         # continues (延续) | amends (调整) | replaces (废止/替代)
//	document = "earlier-id"
//	measures = ["m1"]          # optional: the earlier document's measures concerned; none = all
//	from = 2025-01-01          # optional: the date the relation takes effect
//	until = 2025-12-31         # continues only, optional: the new end date
//	cite = "…"                 # required: this document's own words stating the relation
//	[[dates]]                  # dates the document states (application windows, deadlines)
//	date = 2025-03-01
//	end = 2025-03-31           # optional
//	title = "…"
//	cite = "…"                 # required: the document's own words

// Relation is a [[relations]] entry of a document.
type Relation struct {
	Type     string    `toml:"type"`
	Document string    `toml:"document"`
	Measures []string  `toml:"measures"`
	From     time.Time `toml:"from"`
	Until    time.Time `toml:"until"`
	Cite     string    `toml:"cite"`
}

// DocDate is a [[dates]] entry of a document.
type DocDate struct {
	Date  time.Time `toml:"date"`
	End   time.Time `toml:"end"`
	Title string    `toml:"title"`
	Cite  string    `toml:"cite"`
}

// Channel is a department's contact channel added by staff: not part of any
// document, so it carries where it was taken from and when it was checked.
type Channel struct {
	Kind    string    `toml:"kind"` // 地址 | 电话 | 网址 | 办公时间
	Value   string    `toml:"value"`
	Source  string    `toml:"source"`
	Checked time.Time `toml:"checked"`
}

// ChannelKinds are the allowed Channel.Kind values.
var ChannelKinds = []string{"地址", "电话", "网址", "办公时间"}

// RelationTypes are the allowed Relation.Type values.
var RelationTypes = []string{"continues", "amends", "replaces"}

// loadDocuments reads documents/<id>/document.md for every sub-folder, in
// name order, and sets c.Documents, c.Document (the main one) and c.Source.
func loadDocuments(c *Content, read func(string, *diag.List) ([]byte, bool), errs *diag.List) {
	dir := filepath.Join(c.Dir, "documents")
	entries, err := os.ReadDir(dir)
	if err != nil {
		errs.Add(diag.Pos{File: filepath.ToSlash(dir)}, "cannot read: %v", err)
		return
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		rel := "documents/" + id + "/document.md"
		name := filepath.ToSlash(filepath.Join(c.Dir, rel))
		data, ok := read(name, errs)
		if !ok {
			continue
		}
		d := DocumentFile{Name: name, ID: id, Folder: "documents/" + id}
		d.Keys, d.Body, d.BodyLine = frontMatter(data, d.Name, &d, errs)
		checkDocument(c, &d, read, errs)
		c.Documents = append(c.Documents, d)
	}
	if len(c.Documents) == 0 {
		errs.Add(diag.Pos{File: filepath.ToSlash(dir)}, "no document: add a folder documents/<id>/ with a document.md")
		return
	}
	main := c.Site.Document
	if main == "" && len(c.Documents) == 1 {
		main = c.Documents[0].ID
	}
	for i := range c.Documents {
		if c.Documents[i].ID == main {
			c.Documents[i].Main = true
			c.Document = c.Documents[i]
			c.Source = c.Documents[i].Text
		}
	}
	if c.Document.ID == "" {
		if main == "" {
			errs.Add(c.Site.Keys.At(c.Site.Name, "document"), "with several documents, site.toml must name the main one (shown at /document/): document = \"<id>\"")
		} else {
			errs.Add(c.Site.Keys.At(c.Site.Name, "document"), "document %q is not a folder under documents/", main)
		}
	}
}

// checkDocument reports missing metadata and reads the document's source text.
func checkDocument(c *Content, d *DocumentFile, read func(string, *diag.List) ([]byte, bool), errs *diag.List) {
	req(errs, d.Name, d.Keys, "", map[string]bool{
		"title": d.Title != "", "issuer": d.Issuer != "", "number": d.Number != "",
		"date": !d.Date.IsZero(), "source": d.Source != "",
	})
	for i, r := range d.Relations {
		k := "relations[" + strconv.Itoa(i) + "]"
		req(errs, d.Name, d.Keys, k, map[string]bool{"type": r.Type != "", "document": r.Document != "", "cite": r.Cite != ""})
		if r.Type != "" && !oneOf(r.Type, RelationTypes) {
			errs.Add(d.Keys.At(d.Name, k+".type"), "relation type must be one of %s, got %q", strings.Join(RelationTypes, ", "), r.Type)
		}
		if !r.Until.IsZero() && r.Type != "continues" {
			errs.Add(d.Keys.At(d.Name, k+".until"), "until belongs to a continues relation only (the new end date)")
		}
		d.Relations[i].From, d.Relations[i].Until = day(r.From), day(r.Until)
	}
	for i, x := range d.Dates {
		k := "dates[" + strconv.Itoa(i) + "]"
		req(errs, d.Name, d.Keys, k, map[string]bool{"date": !x.Date.IsZero(), "title": x.Title != "", "cite": x.Cite != ""})
		d.Dates[i].Date, d.Dates[i].End = day(x.Date), day(x.End)
		if !x.End.IsZero() && x.End.Before(x.Date) {
			errs.Add(d.Keys.At(d.Name, k+".end"), "end is before date")
		}
	}
	d.Date, d.Published = day(d.Date), day(d.Published)
	if d.Source == "" {
		return
	}
	if strings.Contains(d.Source, "..") || path.IsAbs(d.Source) {
		errs.Add(d.Keys.At(d.Name, "source"), "source must be a path inside the document's folder, got %q", d.Source)
		return
	}
	src := filepath.ToSlash(filepath.Join(c.Dir, d.Folder, d.Source))
	if _, err := os.Stat(filepath.FromSlash(src)); err != nil {
		errs.Add(d.Keys.At(d.Name, "source"), "cannot read source document %s", src)
		return
	}
	if data, ok := read(src, errs); ok { // the content guards: inside content/, size, UTF-8
		d.Text = File{Name: src, Data: data}
	}
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkChannels reports incomplete contact channels of departments.
func checkChannels(c *Content, errs *diag.List) {
	df := &c.Departments
	for i, d := range df.Departments {
		for j, ch := range d.Channels {
			k := "departments[" + strconv.Itoa(i) + "].channels[" + strconv.Itoa(j) + "]"
			req(errs, df.Name, df.Keys, k, map[string]bool{"kind": ch.Kind != "", "value": ch.Value != "", "source": ch.Source != "", "checked": !ch.Checked.IsZero()})
			if ch.Kind != "" && !oneOf(ch.Kind, ChannelKinds) {
				errs.Add(df.Keys.At(df.Name, k+".kind"), "kind must be one of %s, got %q", strings.Join(ChannelKinds, "、"), ch.Kind)
			}
			df.Departments[i].Channels[j].Checked = day(ch.Checked)
		}
	}
}
