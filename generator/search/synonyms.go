package search

import (
	"bytes"
	"errors"
	"strings"

	"github.com/BurntSushi/toml"

	"policyguide/calculator/diag"
)

// SynonymsFile is the staff-maintained synonyms file, relative to the content folder.
const SynonymsFile = "search/synonyms.toml"

// Synonym maps the words citizens type to the terms the documents use:
//
//	[[synonyms]]
//	words = ["大学生"]
//	terms = ["高校毕业生"]
//
// A query run that contains one of the words is also searched for each term.
type Synonym struct {
	Words []string `toml:"words"`
	Terms []string `toml:"terms"`

	termPos []diag.Pos
}

// ParseSynonyms reads the synonyms file (name for messages, data as the
// loader read it); no data means no synonyms. Errors carry file:line:col.
func ParseSynonyms(name string, data []byte) ([]Synonym, diag.List) {
	if data == nil {
		return nil, nil
	}
	var errs diag.List
	var f struct {
		Synonyms []Synonym `toml:"synonyms"`
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		pos := diag.Pos{File: name, Line: 1, Col: 1}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			pos.Line, pos.Col = pe.Position.Line, pe.Position.Col
			err = errors.New(pe.Message)
		}
		errs.Add(pos, "invalid TOML: %v", strings.TrimPrefix(err.Error(), "toml: "))
		return nil, errs
	}
	keys := diag.TOMLPositions(data, name, 1)
	at := func(k string) diag.Pos {
		if p, ok := keys[k]; ok {
			return p
		}
		return diag.Pos{File: name, Line: 1, Col: 1}
	}
	for _, k := range md.Undecoded() {
		errs.Add(diag.Pos{File: name, Line: 1, Col: 1}, "unknown key %q (use [[synonyms]] with words and terms)", k.String())
	}
	for i := range f.Synonyms {
		s := &f.Synonyms[i]
		p := "synonyms[" + itoa(i) + "]"
		if len(s.Words) == 0 {
			errs.Add(at(p), "words is missing or empty")
		}
		if len(s.Terms) == 0 {
			errs.Add(at(p), "terms is missing or empty")
		}
		for _, w := range s.Words {
			if len(runs(w)) != 1 {
				errs.Add(at(p+".words"), "word %q must be one run of Chinese characters or one word of letters and digits", w)
			}
		}
		for range s.Terms {
			s.termPos = append(s.termPos, at(p+".terms"))
		}
	}
	return f.Synonyms, errs
}

// CheckSynonyms reports every synonym term that occurs in no document: a
// synonym must lead to the document's own words.
func CheckSynonyms(syn []Synonym, docs []Doc) diag.List {
	if len(syn) == 0 {
		return nil
	}
	var all strings.Builder
	for _, d := range docs {
		for _, s := range []string{d.Title, d.Label, d.Summary, d.Body} {
			all.WriteString(foldString(s))
			all.WriteByte('\n')
		}
	}
	text := all.String()
	var errs diag.List
	for _, s := range syn {
		for i, t := range s.Terms {
			if strings.TrimSpace(t) == "" || !strings.Contains(text, foldString(t)) {
				pos := diag.Pos{}
				if i < len(s.termPos) {
					pos = s.termPos[i]
				}
				errs.Add(pos, "synonym term %q occurs in no page or document paragraph: use the document's own words", t)
			}
		}
	}
	return errs
}

// foldString folds every rune of s (see fold).
func foldString(s string) string {
	return strings.Map(func(r rune) rune {
		if f := fold(r); f != 0 {
			return f
		}
		return ' '
	}, s)
}
