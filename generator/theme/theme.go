// Package theme finds a site's theme: the folder site.toml names, layered
// file by file over the embedded default theme, and the ids its layouts use.
package theme

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	defaulttheme "policyguide/themes/default"
)

// Open returns the theme named name (a folder under themes/ next to the
// content folder contentDir) layered over the default theme; "" is the
// default theme alone.
func Open(contentDir, name string) (fs.FS, error) {
	if name == "" {
		return defaulttheme.FS, nil
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, errors.New("theme must be a folder name under themes/, got \"" + name + "\"")
	}
	dir := filepath.Join(filepath.Dir(filepath.Clean(contentDir)), "themes", name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.New("theme folder " + filepath.ToSlash(dir) + " does not exist")
	}
	return Layer(os.DirFS(dir), defaulttheme.FS), nil
}

// IDs lists the literal id="…" values of the theme's HTML layouts (the ids
// every page around a Markdown body may carry).
func IDs(th fs.FS) []string {
	var ids []string
	_ = fs.WalkDir(th, "layouts", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, err := fs.ReadFile(th, p)
		if err != nil {
			return nil
		}
		for _, m := range layoutID.FindAllSubmatch(b, -1) {
			ids = append(ids, string(m[1]))
		}
		return nil
	})
	return ids
}

var layoutID = regexp.MustCompile(`\sid="([^"{}]+)"`)
