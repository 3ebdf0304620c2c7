//go:build !linux

package output

import "io/fs"

// renameExchange is not available here: Write falls back to three renames and
// repairs an interruption on the next run.
func renameExchange(a, b string) error { return errNoExchange }

// lock is a no-op where flock is not used.
func lock(parent, base string) (func(), error) { return func() {}, nil }

// umaskKeeps cannot read the umask without changing it here: always chmod.
func umaskKeeps() keeps { return keeps{} }

// rootID is unknown here: folder mtimes are never trusted.
func rootID(info fs.FileInfo) treeID { return treeID{} }
