package axisops

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// SimpleGo v0.26.0 runs a binary op whose operands differ in shape, a
// BroadcastInDim and a reduction by stepping a multi-axis index iterator once
// per element, which costs several times the arithmetic; in a small
// transformer's training step these ops take more time than the matrix
// products. It picks each op's executor from a table it does not export; the
// linker resolves its name, and those of the two helpers that allocate an
// op's output from SimpleGo's buffer pool. Install puts this package's
// executors in the table for float32; every other case goes to SimpleGo's own
// executor, which each of them keeps.
//
// The table and helpers are those of GoMLX v0.26.0: Install checks the
// release the program was built with, and the field layout it reads by
// reflection, and leaves SimpleGo as it is when either differs.

// executor is SimpleGo's nodeExecutor.
type executor func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error)

//go:linkname nodeExecutors github.com/gomlx/gomlx/backends/simplego.nodeExecutors
var nodeExecutors [backends.OpTypeLast]executor

//go:linkname binaryOperandsAndOutput github.com/gomlx/gomlx/backends/simplego.binaryOperandsAndOutput
func binaryOperandsAndOutput(b *simplego.Backend, inputs []*simplego.Buffer, owned []bool, outputShape shapes.Shape) (lhs, rhs, output *simplego.Buffer, lhsIsScalarOr1, rhsIsScalarOr1 bool)

//go:linkname getBufferForShape github.com/gomlx/gomlx/backends/simplego.(*Backend).getBufferForShape
func getBufferForShape(b *simplego.Backend, shape shapes.Shape) *simplego.Buffer

// gomlxRelease is the GoMLX release whose internals this package was written against.
const gomlxRelease = "v0.26.0"

// layout is where the unexported fields read lie.
type layout struct {
	bufShape, bufFlat           uintptr // simplego.Buffer: shape (shapes.Shape), flat (any)
	nodeOp, nodeShape, nodeData uintptr // simplego.Node: opType, shape, data (any)
}

var (
	lay         layout
	installMu   sync.Mutex
	installOnce sync.Once
	installErr  error
	// stock holds SimpleGo's own executors of the ops replaced, while installed.
	stock map[backends.OpType]executor
)

// binaryOps maps the SimpleGo ops replaced to this package's.
var binaryOps = map[backends.OpType]Op{
	backends.OpTypeAdd: Add, backends.OpTypeSub: Sub, backends.OpTypeMul: Mul, backends.OpTypeDiv: Div,
}

// reductions maps the SimpleGo reductions replaced to this package's.
var reductions = map[backends.OpType]Reduction{
	backends.OpTypeReduceSum: Sum, backends.OpTypeReduceMax: Max,
}

// Install replaces SimpleGo's float32 broadcasting binary ops (Add, Sub,
// Mul, Div), BroadcastInDim and reductions (sum, max) with this package's,
// once per process, before any graph runs. The results are bit for bit
// SimpleGo's. It returns why it did not replace them.
func Install() error {
	installOnce.Do(func() { installErr = install() })
	return installErr
}

func install() error {
	installMu.Lock()
	defer installMu.Unlock()
	if stock != nil {
		return nil
	}
	if v, ok := gomlxBuilt(); ok && v != gomlxRelease {
		return fmt.Errorf("axisops: built with GoMLX %s, written for %s", v, gomlxRelease)
	}
	l, err := readLayout()
	if err != nil {
		return err
	}
	lay = l
	ops := []backends.OpType{backends.OpTypeBroadcastInDim}
	for op := range binaryOps {
		ops = append(ops, op)
	}
	for op := range reductions {
		ops = append(ops, op)
	}
	saved := make(map[backends.OpType]executor, len(ops))
	for _, op := range ops {
		if nodeExecutors[op] == nil {
			return fmt.Errorf("axisops: SimpleGo has no executor for %s", op)
		}
		saved[op] = nodeExecutors[op]
	}
	for op := range binaryOps {
		nodeExecutors[op] = execBinary
	}
	for op := range reductions {
		nodeExecutors[op] = execReduce
	}
	nodeExecutors[backends.OpTypeBroadcastInDim] = execBroadcastInDim
	stock = saved
	return nil
}

// uninstall puts SimpleGo's own executors back (for tests that compare).
func uninstall() {
	installMu.Lock()
	defer installMu.Unlock()
	for op, e := range stock {
		nodeExecutors[op] = e
	}
	stock = nil
}

// gomlxBuilt is the GoMLX release the program's build information names;
// test binaries carry none (go.mod's requirement is checked by a test of
// package backend instead).
func gomlxBuilt() (string, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/gomlx/gomlx" {
			if m.Replace != nil {
				return m.Replace.Version, true
			}
			return m.Version, true
		}
	}
	return "", false
}

func readLayout() (layout, error) {
	var l layout
	buf, node := reflect.TypeFor[simplego.Buffer](), reflect.TypeFor[simplego.Node]()
	fields := []struct {
		t    reflect.Type
		name string
		want reflect.Type
		off  *uintptr
	}{
		{buf, "shape", reflect.TypeFor[shapes.Shape](), &l.bufShape},
		{buf, "flat", reflect.TypeFor[any](), &l.bufFlat},
		{node, "opType", reflect.TypeFor[backends.OpType](), &l.nodeOp},
		{node, "shape", reflect.TypeFor[shapes.Shape](), &l.nodeShape},
		{node, "data", reflect.TypeFor[any](), &l.nodeData},
	}
	for _, f := range fields {
		sf, ok := f.t.FieldByName(f.name)
		if !ok || sf.Type != f.want || len(sf.Index) != 1 {
			return l, fmt.Errorf("axisops: %v has no field %s of type %v", f.t, f.name, f.want)
		}
		*f.off = sf.Offset
	}
	return l, nil
}

func field[T any](p unsafe.Pointer, off uintptr) *T { return (*T)(unsafe.Add(p, off)) }

func (l layout) shapeOf(b *simplego.Buffer) shapes.Shape {
	return *field[shapes.Shape](unsafe.Pointer(b), l.bufShape)
}

func (l layout) floats(b *simplego.Buffer) []float32 {
	f, _ := (*field[any](unsafe.Pointer(b), l.bufFlat)).([]float32)
	return f
}

func (l layout) node(n *simplego.Node) (op backends.OpType, shape shapes.Shape, data any) {
	p := unsafe.Pointer(n)
	return *field[backends.OpType](p, l.nodeOp), *field[shapes.Shape](p, l.nodeShape), *field[any](p, l.nodeData)
}

func execBinary(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	opType, shape, _ := lay.node(node)
	ls, rs := lay.shapeOf(inputs[0]), lay.shapeOf(inputs[1])
	if shape.DType != dtypes.Float32 || ls.Equal(rs) || ls.Size() == 1 || rs.Size() == 1 || ls.Rank() != rs.Rank() {
		return stock[opType](b, node, inputs, owned)
	}
	lhs, rhs, out, _, _ := binaryOperandsAndOutput(b, inputs, owned, shape)
	if out == nil {
		return nil, fmt.Errorf("axisops: %s on a finalized backend", opType)
	}
	Binary(binaryOps[opType], lay.floats(out), lay.floats(lhs), lay.floats(rhs), shape.Dimensions, ls.Dimensions, rs.Dimensions)
	return out, nil
}

func execReduce(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	opType, shape, data := lay.node(node)
	axes, _ := data.([]int)
	in := lay.shapeOf(inputs[0])
	if shape.DType != dtypes.Float32 || len(axes) == 0 {
		return stock[opType](b, node, inputs, owned)
	}
	reduced := make([]bool, in.Rank())
	for _, a := range axes {
		reduced[a] = true
	}
	out := getBufferForShape(b, shape)
	if out == nil {
		return nil, fmt.Errorf("axisops: %s on a finalized backend", opType)
	}
	Reduce(reductions[opType], lay.floats(out), lay.floats(inputs[0]), in.Dimensions, reduced)
	return out, nil
}

func execBroadcastInDim(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	opType, shape, data := lay.node(node)
	axes, _ := data.([]int)
	in := lay.shapeOf(inputs[0])
	if shape.DType != dtypes.Float32 || in.Size() == 1 || len(axes) != in.Rank() || !slices.IsSorted(axes) {
		return stock[opType](b, node, inputs, owned)
	}
	srcDims := make([]int, shape.Rank())
	for i := range srcDims {
		srcDims[i] = 1
	}
	for operandAxis, outAxis := range axes {
		srcDims[outAxis] = in.Dimensions[operandAxis]
	}
	out := getBufferForShape(b, shape)
	if out == nil {
		return nil, fmt.Errorf("axisops: %s on a finalized backend", opType)
	}
	Broadcast(lay.floats(out), lay.floats(inputs[0]), shape.Dimensions, srcDims)
	return out, nil
}
