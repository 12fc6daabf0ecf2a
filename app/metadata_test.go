package app

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFyneAppMetadata checks that FyneApp.toml, which fyne package reads,
// agrees with the constants of the app.
func TestFyneAppMetadata(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	details := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && section == "[Details]" {
			details[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	for key, want := range map[string]string{"ID": AppID, "Version": Version, "Name": windowTitle} {
		if got := details[key]; got != want {
			t.Errorf("FyneApp.toml: %s = %q, want %q", key, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join("..", details["Icon"])); err != nil {
		t.Errorf("FyneApp.toml: Icon: %v", err)
	}
}
