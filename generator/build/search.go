package build

import (
	"policyguide/calculator/diag"
	"policyguide/generator/search"
	"policyguide/generator/site"
)

// searchIndex adds the search index (generator/search) to files and its
// manifest to the asset map as "search-index" (site-relative, for the search
// page). Synonym errors carry file:line:col.
func searchIndex(content string, s *site.Site, files map[string][]byte, urls site.Assets) diag.List {
	syn, errs := search.LoadSynonyms(content)
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
