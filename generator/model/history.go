package model

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"policyguide/generator/history"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// contentRel is a content file's path relative to the content folder.
func contentRel(dir, name string) string {
	return strings.TrimPrefix(name, filepath.ToSlash(filepath.Clean(dir))+"/")
}

// addHistory fills the revision records of measure and document pages and
// the site's list of changes from the git log (history.Read's result).
// Outside a git checkout the site says history is unavailable.
func addHistory(c *load.Content, s *site.Site, log *history.Log, err error) {
	s.Repository = strings.TrimRight(c.Site.Repository, "/")
	if err != nil {
		s.HistoryNote = "修订记录不可用：本站构建时内容不在 git 仓库中。"
		if err != history.ErrNoGit {
			s.HistoryNote = "修订记录不可用：读取 git 记录失败（" + err.Error() + "）。"
		}
		return
	}
	commits := map[string]*site.Commit{}
	conv := func(hc *history.Commit) *site.Commit {
		if sc := commits[hc.Hash]; sc != nil {
			return sc
		}
		sc := &site.Commit{Hash: hc.Hash, Date: hc.Date, Subject: hc.Subject}
		if s.Repository != "" {
			sc.URL = s.Repository + "/commit/" + hc.Hash
		}
		commits[hc.Hash] = sc
		return sc
	}
	pageOf := map[string]site.PageRef{}
	record := func(files []string, follow bool, ref site.PageRef) *site.History {
		h := &site.History{}
		seen := map[string]bool{}
		for _, f := range files {
			pageOf[f] = ref
			for _, hc := range log.File(f, follow) {
				if !seen[hc.Hash] {
					seen[hc.Hash] = true
					h.Commits = append(h.Commits, conv(hc))
				}
			}
		}
		sort.SliceStable(h.Commits, func(i, j int) bool { return h.Commits[i].Date.After(h.Commits[j].Date) })
		return h
	}
	rulesOf := map[string][]string{}
	for _, r := range c.Rules {
		var head struct {
			Measure string `toml:"measure"`
		}
		if _, err := toml.Decode(string(r.Data), &head); err == nil && head.Measure != "" {
			rulesOf[head.Measure] = append(rulesOf[head.Measure], contentRel(c.Dir, r.Name))
		}
	}
	for _, m := range s.Measures {
		files := append([]string{contentRel(c.Dir, m.File)}, rulesOf[m.ID]...)
		m.History = record(files, false, site.PageRef{Title: m.Label + " " + m.Title, URL: m.URL()})
	}
	byID := map[string]*site.Document{}
	for _, d := range s.Documents {
		byID[d.ID] = d
	}
	for _, df := range c.Documents {
		if d := byID[df.ID]; d != nil {
			files := []string{contentRel(c.Dir, df.Name)}
			if df.Text.Name != "" {
				files = append(files, contentRel(c.Dir, df.Text.Name))
			}
			d.History = record(files, true, site.PageRef{Title: d.Number, URL: d.URL()})
		}
	}
	for _, hc := range log.Commits {
		sc := conv(hc)
		seen := map[string]bool{}
		for _, f := range hc.Files {
			ref, ok := pageOf[f]
			if !ok {
				ref = site.PageRef{Title: f}
			}
			if !seen[ref.Title] {
				seen[ref.Title] = true
				sc.Pages = append(sc.Pages, ref)
			}
		}
		s.Changes = append(s.Changes, sc)
	}
	if len(s.Changes) > 0 && s.Changes[0].Date.After(s.Updated) {
		s.Updated = s.Changes[0].Date
	}
}
