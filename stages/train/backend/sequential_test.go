package backend

import (
	"reflect"
	"runtime"
	"testing"

	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// executionMode reads SimpleGo's unexported ops execution mode.
func executionMode(t *testing.T, b any) int64 {
	t.Helper()
	v := reflect.ValueOf(b)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	f := v.FieldByName("opsExecutionType")
	if !f.IsValid() {
		t.Fatalf("SimpleGo backend %T has no opsExecutionType field: GoMLX's layout changed", b)
	}
	return f.Int()
}

// TestSimpleGoRunsOpsSequentially pins the workaround for SimpleGo v0.26.0's
// deadlock on 2 CPUs: the backend Open returns executes ops sequentially.
func TestSimpleGoRunsOpsSequentially(t *testing.T) {
	b, err := Open("go")
	if err != nil {
		t.Fatal(err)
	}
	seq, err := simplego.New("ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	def, err := simplego.New("")
	if err != nil {
		t.Fatal(err)
	}
	if executionMode(t, seq) == executionMode(t, def) {
		t.Fatal("ops_sequential does not change SimpleGo's execution mode; the check below would prove nothing")
	}
	if got, want := executionMode(t, b), executionMode(t, seq); got != want {
		t.Fatalf("Open(go) execution mode = %d, want ops_sequential (%d)", got, want)
	}

	// Many independent matmuls ready at once, on 2 procs: the shape that
	// deadlocked the parallel executor. It must simply finish.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	exec, err := graph.NewExec(b, func(x *graph.Node) *graph.Node {
		sum := graph.ZerosLike(x)
		for i := range 16 {
			y := graph.MulScalar(x, float64(i+1))
			sum = graph.Add(sum, graph.Einsum("ij,jk->ik", y, x))
		}
		return graph.ReduceAllSum(sum)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	data := make([]float32, 64*64)
	for i := range data {
		data[i] = float32(i%7) / 7
	}
	if _, err := exec.Exec(tensors.FromFlatDataAndDimensions(data, 64, 64)); err != nil {
		t.Fatal(err)
	}
}
