package remote

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil"
)

// TestTreeStreamIsDeterministic pins the tar stream of a fixed tree: the same
// content gives the same bytes whatever the files' times, owners and write
// bits, and the stream's digest matches the golden file.
func TestTreeStreamIsDeterministic(t *testing.T) {
	var lines []string
	var first []byte
	for i, writable := range []bool{true, false} {
		local := newLocal(t)
		o := build(t, local, objectCases[3].specs)
		root := local.ObjectPath(o.Digest)
		if writable {
			os.Chmod(filepath.Join(root, "a.txt"), 0o666)
		}
		var buf bytes.Buffer
		got, err := writeTree(&buf, root)
		if err != nil {
			t.Fatal(err)
		}
		if got != o.Tree {
			t.Fatalf("writeTree hashed %+v, HashPath %+v", got, o.Tree)
		}
		if i == 0 {
			first = buf.Bytes()
			lines = append(lines, fmt.Sprintf("tree %s", o.Digest), fmt.Sprintf("tar %s %d", artifacts.HashBytes(first), len(first)))
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatal("the same tree gave two different tar streams")
		}
	}
	golden := filepath.Join("testdata", "tree-stream.golden")
	got := strings.Join(lines, "\n") + "\n"
	testutil.Golden(t, golden, []byte(got))
}
