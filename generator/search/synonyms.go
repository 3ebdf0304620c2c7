package search

import (
	"strings"

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
	keys, derrs := diag.DecodeTOML(data, name, 1, &f, "[[synonyms]] 中的 words、terms")
	errs.Merge(derrs)
	if keys == nil {
		return nil, errs
	}
	at := func(k string) diag.Pos { return keys.At(name, k) }
	for i := range f.Synonyms {
		s := &f.Synonyms[i]
		p := "synonyms[" + itoa(i) + "]"
		if len(s.Words) == 0 {
			errs.Add(at(p), "缺少 words 或 words 为空")
		}
		if len(s.Terms) == 0 {
			errs.Add(at(p), "缺少 terms 或 terms 为空")
		}
		for _, w := range s.Words {
			if len(runs(w)) != 1 {
				errs.Add(at(p+".words"), "词 %q 必须是一串连续的汉字，或一个由字母和数字组成的词", w)
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
				errs.Add(pos, "同义词 %q 在任何页面和文件段落中都没有出现：请使用文件原文的说法", t)
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
