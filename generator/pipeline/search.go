package pipeline

import (
	"io/fs"

	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/offline"
	"policyguide/generator/search"
	"policyguide/generator/site"
)

// searchIndex returns the search index's files (generator/search) and its
// manifest's URL (site-relative, for the search page). Synonym errors carry
// file:line:col.
func searchIndex(c *load.Content, s *site.Site) (map[string][]byte, string, diag.List) {
	var syn []search.Synonym
	var errs diag.List
	if c.Synonyms != nil {
		syn, errs = search.ParseSynonyms(c.Synonyms.Name, c.Synonyms.Data)
	}
	docs := search.Docs(s)
	errs.Merge(search.CheckSynonyms(syn, docs))
	if len(errs) > 0 {
		return nil, "", errs
	}
	sf, manifest, _ := search.Build(docs, syn)
	return sf, manifest, nil
}

// offlineWorker returns the service worker (generator/offline) that stores
// the engine, the assets, the calculator page and the pages a reader visits.
func offlineWorker(th fs.FS, s *site.Site, urls site.Assets, files map[string][]byte) (map[string][]byte, error) {
	pre := []string{"/favicon.ico", "/data/rules.json", "/data/measures.json"}
	for _, name := range []string{"main.css", "main.js", "calculator.css", "calculator.js", "search.js"} {
		if u := urls[name]; u != "" {
			pre = append(pre, u)
		}
	}
	if c := s.Calculator; c != nil {
		pre = append(pre, "/calculator/", c.WasmURL, c.WasmExecURL)
	}
	sw, err := offline.Worker(th, files, pre)
	if err != nil || sw == nil {
		return nil, err
	}
	return map[string][]byte{offline.Name: sw}, nil
}
