package render

import (
	"bytes"
	"io/fs"
	sitetheme "policyguide/generator/theme"
	"strings"
	"testing"
	"testing/fstest"

	theme "policyguide/themes/default"
)

// The memoised parts (measureItem, once, onceFor) give every page the same bytes as
// executing the partials in place: a theme layer that does it the plain way
// must render an identical site.
func TestMemoSameBytes(t *testing.T) {
	base, err := fs.ReadFile(theme.FS, "layouts/baseof.html")
	if err != nil {
		t.Fatal(err)
	}
	inPlace := strings.Replace(string(base), `{{once "partials/footer.html" .}}`, `{{template "partials/footer.html" .}}`, 1)
	header := strings.Replace(inPlace, `{{onceFor "partials/header.html" .FrameKey .}}`, `{{template "partials/header.html" .}}`, 1)
	if inPlace == string(base) || header == inPlace {
		t.Fatal("baseof.html no longer calls once for the footer and onceFor for the header: update this test")
	}
	inPlace = header
	list := `{{- if . -}}
<ul class="measure-list">
{{- range .}}
<li class="measure-item{{if expired .}} is-expired{{end}}">
<a class="measure-link" href="{{.URL}}"><span class="measure-label">{{.Label}}</span> <span class="measure-title">{{.Title}}</span></a>
{{- with .Summary}}
<p class="measure-summary">{{.}}</p>
{{- end}}
<p class="measure-meta">{{template "partials/validity.html" .}}</p>
</li>
{{- end}}
</ul>
{{- else -}}
<p>暂无措施。</p>
{{- end -}}`
	top := fstest.MapFS{
		"layouts/baseof.html":                {Data: []byte(inPlace)},
		"layouts/partials/measure-list.html": {Data: []byte(list)},
	}
	want, err := Render(fixture(), fixtureAssets, sitetheme.Layer(top, theme.FS), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := renderFixture(t, Options{})
	lists := 0
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from the in-place rendering: %s", name, firstDiff(got[name], w))
		}
		lists += bytes.Count(w, []byte(`<li class="measure-item`))
	}
	if lists < 5 || len(got) != len(want) {
		t.Fatalf("vacuous: %d list entries, %d vs %d files", lists, len(got), len(want))
	}
}
