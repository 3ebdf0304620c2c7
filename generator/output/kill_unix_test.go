//go:build unix

package output

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// killSite is the n-th version of a small site; every version changes,
// adds and removes files, so a mix of two versions would show.
func killSite(n int) map[string][]byte {
	files := map[string][]byte{"index.html": []byte(fmt.Sprintf("home v%d", n))}
	for i := 0; i < 40; i++ {
		files[fmt.Sprintf("m/%d/v%d/index.html", i, n%3)] = []byte(fmt.Sprintf("page %d v%d", i, n))
	}
	return files
}

func asStrings(files map[string][]byte) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[k] = string(v)
	}
	return out
}

// TestKillHelper is the child process of TestKillAtEveryStep: it writes
// version 2 of the site and SIGKILLs itself at the named step.
func TestKillHelper(t *testing.T) {
	at, out := os.Getenv("POLICYGUIDE_KILL_AT"), os.Getenv("POLICYGUIDE_KILL_OUT")
	if at == "" {
		t.Skip("child process of TestKillAtEveryStep")
	}
	if os.Getenv("POLICYGUIDE_KILL_NOEXCHANGE") != "" {
		exchangeFn = func(a, b string) error { return errNoExchange }
	}
	step = func(name string) {
		if name == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	if err := Write(out, killSite(2), Options{}); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("step %q never reached", at)
}

// TestKillAtEveryStep kills a build at each step of Write, with the atomic
// exchange and with the three-rename fallback. After the kill the output
// folder holds one whole site (the old or the new, never a mix, never
// nothing — except inside the fallback's window, which the next run
// repairs), and the next build succeeds and leaves no debris.
func TestKillAtEveryStep(t *testing.T) {
	steps := []string{"start", "dirty", "pruned", "written", "staged", "swapped"}
	for _, fallback := range []bool{false, true} {
		all := steps
		if fallback {
			all = append(append([]string{}, steps...), "retired")
		}
		for _, at := range all {
			for _, prior := range []int{1, 2} { // without and with a staging tree
				name := fmt.Sprintf("%s/fallback=%v/builds=%d", at, fallback, prior)
				t.Run(name, func(t *testing.T) {
					parent := t.TempDir()
					out := filepath.Join(parent, "public")
					for v := 0; v < prior; v++ {
						if err := write(out, killSite(v)); err != nil {
							t.Fatal(err)
						}
					}
					old := asStrings(killSite(prior - 1))
					cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
					cmd.Env = append(os.Environ(), "POLICYGUIDE_KILL_AT="+at, "POLICYGUIDE_KILL_OUT="+out)
					if fallback {
						cmd.Env = append(cmd.Env, "POLICYGUIDE_KILL_NOEXCHANGE=1")
					}
					err := cmd.Run()
					if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
						t.Fatalf("child was not killed: %v", err)
					}
					inWindow := fallback && at == "retired"
					if inWindow {
						// nothing to read: checked below
					} else if got := site(t, out); !reflect.DeepEqual(got, old) && !reflect.DeepEqual(got, asStrings(killSite(2))) {
						t.Fatalf("after a kill at %s the output is neither the old nor the new site: %d files", at, len(got))
					}
					if inWindow {
						if _, err := os.Stat(out); err == nil {
							t.Fatalf("expected the fallback's window (output moved away)")
						}
					}
					if err := write(out, killSite(3)); err != nil {
						t.Fatalf("the build after the kill: %v", err)
					}
					if got := site(t, out); !reflect.DeepEqual(got, asStrings(killSite(3))) {
						t.Fatalf("the build after the kill is not the new site")
					}
					for _, s := range siblings(t, parent) {
						if s != "public" && s != ".public.staging" && s != ".public.folders" {
							t.Errorf("debris left: %s", s)
						}
					}
					if data, err := os.ReadFile(filepath.Join(parent, ".public.staging", MarkerName)); err != nil || strings.Contains(string(data), dirtyLine) {
						t.Errorf("the staging tree is not clean after a good build: %v", err)
					}
				})
			}
		}
	}
}
