package render

import (
	"strings"
	"testing"

	"policyguide/generator/site"
	theme "policyguide/themes/default"
)

// The search page works as a plain form and, without JavaScript, leads to
// the category and audience lists; every page has the search box and the
// OpenSearch link; the offline page is not in the sitemap.
func TestSearchPages(t *testing.T) {
	a := site.Assets{"search-index": "/search/manifest-0123456789.json", "search.js": "/assets/search-ABC.js"}
	for k, v := range fixtureAssets {
		a[k] = v
	}
	files, err := Render(fixture(), a, theme.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := fixture()
	page := string(files["search/index.html"])
	for _, want := range []string{
		`<form class="search-form" role="search" action="../search/" method="get">`,
		`data-index="../search/manifest-0123456789.json"`,
		`data-root="../"`,
		`<script src="../assets/search-ABC.js" defer></script>`,
		`aria-live="polite"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	for _, c := range s.Categories {
		if !strings.Contains(page, `href="..`+c.URL()+`"`) {
			t.Errorf("search page does not link to category %s", c.URL())
		}
	}
	for _, au := range s.Audiences {
		if !strings.Contains(page, `href="..`+au.URL()+`"`) {
			t.Errorf("search page does not link to audience %s", au.URL())
		}
	}
	if strings.Contains(page, `id="site-q"`) {
		t.Error("the search page repeats the header search box")
	}
	m1 := string(files["measures/m1/index.html"])
	for _, want := range []string{`<form class="site-search" role="search" action="../../search/" method="get">`,
		`<input id="site-q" name="q" type="search"`, `<link rel="search" type="application/opensearchdescription+xml"`} {
		if !strings.Contains(m1, want) {
			t.Errorf("measure page lacks %s", want)
		}
	}
	osd := string(files["opensearch.xml"])
	if !strings.Contains(osd, `template="`+s.BaseURL+`/search/?q={searchTerms}"`) {
		t.Errorf("opensearch.xml: %s", osd)
	}
	if !strings.Contains(string(files["offline/index.html"]), `id="offline-list"`) {
		t.Error("offline page has no list of saved pages")
	}
	if strings.Contains(string(files["sitemap.xml"]), "/offline/") {
		t.Error("the offline page is in the sitemap")
	}
}
