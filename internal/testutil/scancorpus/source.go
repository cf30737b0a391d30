package scancorpus

import (
	"fmt"
	"strings"
)

var (
	words = strings.Fields("model data batch loss step epoch token tokenizer config path value key secret " +
		"password user name id text label score train eval test split seed weight bias layer hidden size " +
		"input output cache store digest hash stage run graph node edge worker queue lock file dir url host " +
		"port client server request response session auth header payload record table column row schema")
	sourceLines = []string{
		"def %s_%s(self, %s, %s=None):",
		"    %s = self.%s.get(%q, %d)",
		"    if %s is None:",
		"        raise ValueError(f\"missing %s: {%s}\")",
		"    return {%q: %s, %q: %d}",
		"const %s%s = require(\"./%s/%s\");",
		"export function %s(%s) { return %s.%s(%d); }",
		"  %s: %d",
		"  %s_%s: %q",
		"%s_%s = os.environ.get(%q)",
		"# %s the %s before the %s is %s",
		"// TODO(%s): %s %s when %s changes",
		"func (%s *%s) %s(ctx context.Context) error {",
		"\tif err := %s.%s(); err != nil {",
		"\t\treturn fmt.Errorf(\"%s %s: %%w\", err)",
		"for %s in range(%d):",
		"    logger.info(\"%s %s=%%s\", %s)",
		"<div class=\"%s-%s\">{{ %s.%s }}</div>",
		"SELECT %s, %s FROM %s WHERE %s = %d;",
		"",
	}
)

// word returns a random identifier-like word.
func (f *Fake) word() string { return words[f.Intn(len(words))] }

// sourceLine returns a random line of source-like text.
func (f *Fake) sourceLine() string {
	tpl := sourceLines[f.Intn(len(sourceLines))]
	var args []any
	for i := 0; i < strings.Count(tpl, "%")-2*strings.Count(tpl, "%%"); i++ {
		args = append(args, f.word())
	}
	// %d and %q take the drawn words too: %d prints them oddly, so use ints.
	for i, j := 0, 0; i < len(tpl)-1; i++ {
		if tpl[i] != '%' {
			continue
		}
		if tpl[i+1] == '%' {
			i++
			continue
		}
		if tpl[i+1] == 'd' {
			args[j] = f.Intn(10000)
		}
		j++
	}
	return fmt.Sprintf(tpl, args...)
}

// SourceLike returns about n bytes of source-like text (Python, JavaScript,
// Go, YAML, SQL, HTML lines) with a fake secret every secretEvery lines (none
// when 0), and the number of secrets planted.
func SourceLike(f *Fake, n, secretEvery int) ([]byte, int) {
	var b strings.Builder
	b.Grow(n + 1024)
	fams := Families()
	planted := 0
	for line := 1; b.Len() < n; line++ {
		if secretEvery > 0 && line%secretEvery == 0 {
			b.WriteString(fams[f.Intn(len(fams))].Make(f).Render())
			planted++
		} else {
			b.WriteString(f.sourceLine())
		}
		b.WriteByte('\n')
	}
	return []byte(b.String()), planted
}
