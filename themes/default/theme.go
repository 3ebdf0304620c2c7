// Package theme is the default theme of the policy-guide generator, embedded
// in the binary so a build needs no theme on disk.
//
// Layout of FS (a site theme folder overrides it file by file, see
// render.Layer):
//
//	layouts/baseof.html       the page frame: <head>, header, breadcrumbs, footer
//	layouts/partials/*.html   shared pieces (measure list, TOC, validity, …)
//	layouts/<kind>.html       one per page kind: home, measure, category, …
//	layouts/*.xml, *.txt      sitemap.xml, feed.xml, robots.txt (text/template)
//	assets/                   CSS and JS, bundled and hashed by generator/assets
//	static/                   copied to the site root as they are (favicon.ico)
//
// Files whose names start with "." or "_" are not embedded (go:embed rule), so
// partials live in layouts/partials/ rather than in _name.html files.
package theme

import "embed"

// FS holds the theme's layouts, assets and static files. It is an fs.FS
// (embed.FS is a value type): pass it as it is, or layered under a site
// theme folder with render.Layer(os.DirFS(dir), theme.FS).
//
//go:embed layouts assets static
var FS embed.FS
