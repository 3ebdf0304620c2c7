package pipeline

import (
	"io/fs"

	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/offline"
	"policyguide/generator/search"
	"policyguide/generator/site"
)

// searchIndex adds the search index (generator/search) to files and its
// manifest to the asset map as "search-index" (site-relative, for the search
// page). Synonym errors carry file:line:col.
func searchIndex(c *load.Content, s *site.Site, files map[string][]byte, urls site.Assets) diag.List {
	var syn []search.Synonym
	var errs diag.List
	if c.Synonyms != nil {
		syn, errs = search.ParseSynonyms(c.Synonyms.Name, c.Synonyms.Data)
	}
	docs := search.Docs(s)
	errs.Merge(search.CheckSynonyms(syn, docs))
	if len(errs) > 0 {
		return errs
	}
	sf, manifest, _ := search.Build(docs, syn)
	for k, v := range sf {
		files[k] = v
	}
	urls["search-index"] = manifest
	return nil
}

// offlineWorker adds the service worker (generator/offline) that stores the
// engine, the assets, the calculator page and the pages a reader visits.
func offlineWorker(th fs.FS, s *site.Site, urls site.Assets, files map[string][]byte) error {
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
	if err != nil {
		return err
	}
	if sw != nil {
		files[offline.Name] = sw
	}
	return nil
}
