// Package history reads the revision history of content files from git:
// which commits changed which file, with the commit date (never the wall
// clock), so a build of the same commit gives the same pages. Outside a git
// checkout, or without git, Read says so and the build goes on without it.
package history

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Commit is one commit that changed content files.
type Commit struct {
	Hash    string
	Date    time.Time // committer date
	Subject string
	Files   []string // paths relative to the content folder, slash-separated
}

// Log is the content folder's history, newest first.
type Log struct {
	dir     string
	Commits []*Commit
	byFile  map[string][]*Commit
}

// ErrNoGit says the content folder is not in a git checkout (or git is missing).
var ErrNoGit = errors.New("not a git checkout")

const sep, rec = "\x1f", "\x1e"

// Read reads the history of everything under dir (the content folder).
func Read(dir string) (*Log, error) {
	if _, err := git(dir, "rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, ErrNoGit
	}
	out, err := git(dir, "log", "--no-merges", "--relative", "--name-only", "--format="+rec+"%H"+sep+"%cI"+sep+"%s", "--", ".")
	if err != nil {
		return nil, err
	}
	l := &Log{dir: dir, byFile: map[string][]*Commit{}}
	l.Commits = parse(out)
	for _, c := range l.Commits {
		for _, f := range c.Files {
			l.byFile[f] = append(l.byFile[f], c)
		}
	}
	return l, nil
}

// parse reads `git log --format=<rec>%H<sep>%cI<sep>%s --name-only` output.
func parse(out []byte) []*Commit {
	var cs []*Commit
	for _, block := range strings.Split(string(out), rec) {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if len(lines) == 0 || lines[0] == "" {
			continue
		}
		head := strings.SplitN(lines[0], sep, 3)
		if len(head) != 3 {
			continue
		}
		t, err := time.Parse(time.RFC3339, head[1])
		if err != nil {
			continue
		}
		c := &Commit{Hash: head[0], Date: t.UTC(), Subject: head[2]}
		for _, f := range lines[1:] {
			if f = strings.TrimSpace(f); f != "" {
				c.Files = append(c.Files, f)
			}
		}
		cs = append(cs, c)
	}
	return cs
}

// File returns the commits that changed file (relative to the content
// folder), newest first. follow also finds commits made before the file was
// renamed or moved (one git call per file: use it for few files).
func (l *Log) File(file string, follow bool) []*Commit {
	if !follow {
		return l.byFile[file]
	}
	out, err := git(l.dir, "log", "--no-merges", "--follow", "--format="+rec+"%H"+sep+"%cI"+sep+"%s", "--", file)
	if err != nil {
		return l.byFile[file]
	}
	byHash := map[string]*Commit{}
	for _, c := range l.Commits {
		byHash[c.Hash] = c
	}
	var cs []*Commit
	for _, c := range parse(out) {
		if known := byHash[c.Hash]; known != nil {
			c = known
		}
		cs = append(cs, c)
	}
	return cs
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-c", "core.quotepath=off", "-C", filepath.Clean(dir)}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New("git " + args[0] + ": " + msg)
		}
		return nil, err
	}
	return out, nil
}
