// Package theme is the default theme of the policy-guide generator, embedded
// in the binary so a build needs no theme on disk.
//
// Layout of FS (a site theme folder overrides it file by file, see
// generator/theme.Layer):
//
//	layouts/baseof.html       the page frame: <head>, header, breadcrumbs, footer
//	layouts/partials/*.html   shared pieces (measure list, TOC, validity, …)
//	layouts/<kind>.html       one per page kind: home, measure, category, …
//	layouts/*.xml, *.txt      sitemap.xml, feed.xml, robots.txt (text/template)
//	assets/                   CSS and JS, bundled and hashed by generator/bundle
//	static/                   copied to the site root as they are (favicon.ico)
//	words.toml                words the generator puts into pages (breadcrumbs,
//	                          titles of generated pages); see its comments
//
// # The theme's contract
//
// This is the one place that says what a theme gets and what it must provide;
// a site theme folder that overrides files keeps to it.
//
//   - Layouts: every page kind in render's htmlKinds needs layouts/<kind>.html
//     defining "main"; baseof.html defines "base". Each gets a *render.Page
//     (generator/render/render.go documents every field and which kinds set
//     it), plus the functions listed in generator/render/funcs.go.
//   - Words: words.toml, every key (the generator refuses a theme without one,
//     naming it); the comments there list the fields each key gets.
//   - Assets: the bundle entries main.css, main.js, and where the site has
//     them calculator.css, calculator.js, search.js; sw.js is the service
//     worker (generator/offline prepends its settings); livereload.js is
//     imported by main.js and served alone by serve.
//   - Calculator page: calculator.js reads data-rules, data-wasm and
//     data-wasm-exec from the page (render's Page.Site.Calculator), waits for
//     <html data-wasm="ready">, and calls
//     globalThis.policyguideEvaluate(inputJSON) → outputJSON, the same JSON
//     as `generator eval` (calculator/doc.go describes both; calculator/wasm
//     registers the function).
//   - Search page: search.js reads data-index (the index manifest) and ranks
//     exactly as generator/search does (a browser test compares the two).
//
// Files whose names start with "." or "_" are not embedded (go:embed rule), so
// partials live in layouts/partials/ rather than in _name.html files.
package theme

import "embed"

// FS holds the theme's layouts, assets and static files. It is an fs.FS
// (embed.FS is a value type): pass it as it is, or layered under a site
// theme folder with theme.Layer(os.DirFS(dir), FS) of generator/theme.
//
//go:embed layouts assets static words.toml
var FS embed.FS
