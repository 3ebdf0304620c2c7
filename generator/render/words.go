package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	ttmpl "text/template"

	"policyguide/calculator/diag"
)

// wordsFile holds the theme's UI words: the words the generator itself puts
// into pages (breadcrumbs, titles and descriptions of generated pages). The
// layouts hold every other word, so a theme owns all of its presentation.
const wordsFile = "words.toml"

// wordKeys are the keys a theme's words file must define.
var wordKeys = []string{"home", "measures", "measures_desc", "categories", "categories_title",
	"category_desc", "audiences", "audiences_title", "audience_title", "departments",
	"department_desc", "document", "documents", "documents_desc", "calendar", "calendar_desc",
	"calendar_name", "updates", "updates_desc", "search", "offline", "not_found",
	"calculator_step", "table_region"}

// The data each word template gets (the key's comment in words.toml names
// the same fields).
type (
	countWords struct {
		Site string
		N    int
	}
	categoryWords struct {
		Number, Name string
		N            int
	}
	nameWords       struct{ Name string }
	departmentWords struct {
		Name          string
		Lead, Partner int
	}
	siteWords struct{ Site string }
)

// wordData is a sample of the data each key gets: every template is tried
// on it when the theme is read, so a wrong field fails the build there, not
// inside a page.
var wordData = map[string]any{
	"measures_desc": countWords{}, "documents_desc": countWords{}, "category_desc": categoryWords{},
	"audience_title": nameWords{}, "department_desc": departmentWords{}, "calendar_name": siteWords{},
}

// words are the theme's words, each a small text template.
type words map[string]*ttmpl.Template

// loadWords reads the theme's words file; every key must be there.
func loadWords(theme fs.FS) (words, error) {
	src, err := fs.ReadFile(theme, wordsFile)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	var raw map[string]any
	if _, errs := diag.DecodeTOML(src, "theme/"+wordsFile, 1, &raw, ""); len(errs) > 0 {
		return nil, errs
	}
	w := words{}
	var missing []string
	for _, k := range wordKeys {
		v, ok := raw[k].(string)
		if !ok {
			missing = append(missing, k)
			continue
		}
		t, err := ttmpl.New(k).Option("missingkey=error").Parse(v)
		if err == nil {
			err = t.Execute(new(bytes.Buffer), wordData[k])
		}
		if err != nil {
			return nil, fmt.Errorf("theme/%s: %s: %w", wordsFile, k, err)
		}
		w[k] = t
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("theme/%s: missing %s", wordsFile, strings.Join(missing, ", "))
	}
	return w, nil
}

// say is the word for key filled in with data (nil for plain words); the
// template was tried on data of the same type when the theme was read.
func (w words) say(key string, data any) string {
	var b bytes.Buffer
	w[key].Execute(&b, data)
	return b.String()
}
