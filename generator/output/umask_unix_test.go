//go:build unix

package output

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestModesIgnoreUmask: modes are 0644/0755 even under a strict umask.
func TestModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "public")
	if err := write(dir, map[string][]byte{"a/b/index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{"": 0o755, "a": 0o755, "a/b": 0o755, "a/b/index.html": 0o644} {
		info, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%q: mode %v, want %v", p, info.Mode().Perm(), want)
		}
	}
}
