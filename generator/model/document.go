package model

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// Heading styles of Chinese official documents (GB/T 9704): "一、" opens a
// part, "（一）" a section. Level 3 only for short lines, since a paragraph of
// body text may also start with "（一）".
var (
	partRe    = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	sectionRe = regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)
)

// document splits the source text into paragraphs, one per line, anchored by
// line number so a link to a paragraph survives edits of other files.
func document(df load.DocumentFile, errs *diag.List) *site.Document {
	d := &site.Document{Title: df.Title, Issuer: df.Issuer, Number: df.Number, Date: df.Date, Validity: df.Validity}
	if df.Text.Data == nil {
		return d
	}
	lines := bytes.Split(bytes.ReplaceAll(df.Text.Data, []byte("\r\n"), []byte("\n")), []byte("\n"))
	dropped := df.DropFrom == ""
	for i, l := range lines {
		text := strings.TrimSpace(string(l))
		if df.DropFrom != "" && strings.HasPrefix(text, df.DropFrom) {
			dropped = true
			break
		}
		if text == "" {
			continue
		}
		p := &site.Paragraph{Anchor: "p" + strconv.Itoa(i+1), Text: text}
		switch {
		case len(d.Paragraphs) == 0:
			p.Level = 1
		case partRe.MatchString(text) && len([]rune(text)) <= 30:
			p.Level = 2
		case sectionRe.MatchString(text) && len([]rune(text)) <= 30:
			p.Level = 3
		}
		d.Paragraphs = append(d.Paragraphs, p)
	}
	if !dropped {
		errs.Add(df.Keys.At(df.Name, "drop_from"), "drop_from %q does not start any line of %s", df.DropFrom, df.Text.Name)
	}
	return d
}
