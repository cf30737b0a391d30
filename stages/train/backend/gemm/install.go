package gemm

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unsafe"

	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// SimpleGo v0.26.0 runs a DotGeneral one of two ways. Small products first
// transpose each operand into [batch, cross, contracted] ("normalize"), then
// multiply; large ones copy both into square blocks and multiply those. The
// kernels of both are picked per dtype from tables it does not export, of
// the exported type simplego.DTypeMap; the linker resolves their names.
//
// For float32 this package replaces the normalizing step with one that leaves
// the operands where they are, and the multiply with Mul reading them in place
// through offset tables; and it raises the float32 block size (an exported
// setting) so far that the blocked path, with its copies, is never taken.
// The function types and the fields read are checked by reflection before
// anything is replaced, so a GoMLX release that changes them leaves SimpleGo's
// own kernels in place (and TestInstalled fails) instead of corrupting memory.

//go:linkname normalizers github.com/gomlx/gomlx/backends/simplego.dotGeneralNormalizeShapeDTypeMap
var normalizers *simplego.DTypeMap

//go:linkname normalizedKernels github.com/gomlx/gomlx/backends/simplego.dotGeneralNormalizedDTypeMap
var normalizedKernels *simplego.DTypeMap

// unblockedLog2Dim is the float32 block size's log2 that sends every product
// to the normalized path: the blocked one starts at 16 blocks of output per
// batch element, 2^32 elements here.
const unblockedLog2Dim = 14

// fieldOffsets is where the unexported fields this package reads lie.
type fieldOffsets struct {
	flat, shape uintptr // simplego.Buffer's data (any) and shape (shapes.Shape)
	// dotGeneralNodeData's axes ([]int) and sizes (int).
	lhsContract, lhsBatch, rhsContract, rhsBatch uintptr
	batch, lhsCross, rhsCross, contract          uintptr
}

var (
	installOnce sync.Once
	installErr  error
	// stock is SimpleGo's own float32 normalizer, kernel and block size.
	stock struct {
		normalize, kernel any
		log2Dim           int
	}
)

// Install replaces SimpleGo's float32 DotGeneral kernels with this package's,
// once per process, before any graph is built. It returns why it did not (the
// CPU lacks the micro-kernel, or GoMLX's internals are not the ones this was
// written for); SimpleGo then keeps its own kernels, correct but slower.
func Install() error {
	installOnce.Do(func() { installErr = install() })
	return installErr
}

// Implementation names the float32 DotGeneral kernels SimpleGo runs in this
// process, for stage keys: the same name means the same summation order.
func Implementation() string {
	if Install() != nil {
		return "simplego"
	}
	return "gemm/" + kernelName + "/1"
}

func install() error {
	if !haveKernel {
		return fmt.Errorf("gemm: this CPU lacks the micro-kernel %s", kernelName)
	}
	if normalizers == nil || normalizedKernels == nil {
		return fmt.Errorf("gemm: SimpleGo's DotGeneral kernel tables were not found")
	}
	normalize, kernel := normalizers.Map[dtypes.Float32], normalizedKernels.Map[dtypes.Float32]
	if normalize == nil || kernel == nil {
		return fmt.Errorf("gemm: SimpleGo registers no float32 DotGeneral kernel")
	}
	zt, kt := reflect.TypeOf(normalize), reflect.TypeOf(kernel)
	bufPtr, intT, intsT := reflect.TypeFor[*simplego.Buffer](), reflect.TypeFor[int](), reflect.TypeFor[[]int]()
	// func(backend *Backend, source *Buffer, contractingAxes, batchAxes []int,
	//      batchSize, crossSize, contractingSize int) *Buffer
	if zt.Kind() != reflect.Func || zt.NumIn() != 7 || zt.NumOut() != 1 || zt.In(0) != reflect.TypeFor[*simplego.Backend]() ||
		zt.In(1) != bufPtr || zt.In(2) != intsT || zt.In(3) != intsT || zt.In(4) != intT || zt.In(5) != intT ||
		zt.In(6) != intT || zt.Out(0) != bufPtr {
		return fmt.Errorf("gemm: SimpleGo's DotGeneral normalizer has type %v, not the one expected", zt)
	}
	// func(lhs, rhs, output *Buffer, params *dotGeneralNodeData, batchStartIdx, batchEndIdx int)
	if kt.Kind() != reflect.Func || kt.NumIn() != 6 || kt.NumOut() != 0 ||
		kt.In(0) != bufPtr || kt.In(1) != bufPtr || kt.In(2) != bufPtr ||
		kt.In(3).Kind() != reflect.Pointer || kt.In(3).Elem().Kind() != reflect.Struct ||
		kt.In(4) != intT || kt.In(5) != intT {
		return fmt.Errorf("gemm: SimpleGo's normalized DotGeneral kernel has type %v, not the one expected", kt)
	}
	var lay fieldOffsets
	fields := []struct {
		t    reflect.Type
		name string
		want reflect.Type
		off  *uintptr
	}{
		{bufPtr.Elem(), "flat", reflect.TypeFor[any](), &lay.flat},
		{bufPtr.Elem(), "shape", reflect.TypeFor[shapes.Shape](), &lay.shape},
		{kt.In(3).Elem(), "lhsContractingAxes", intsT, &lay.lhsContract},
		{kt.In(3).Elem(), "lhsBatchAxes", intsT, &lay.lhsBatch},
		{kt.In(3).Elem(), "rhsContractingAxes", intsT, &lay.rhsContract},
		{kt.In(3).Elem(), "rhsBatchAxes", intsT, &lay.rhsBatch},
		{kt.In(3).Elem(), "batchSize", intT, &lay.batch},
		{kt.In(3).Elem(), "lhsCrossSize", intT, &lay.lhsCross},
		{kt.In(3).Elem(), "rhsCrossSize", intT, &lay.rhsCross},
		{kt.In(3).Elem(), "contractingSize", intT, &lay.contract},
	}
	for _, f := range fields {
		sf, ok := f.t.FieldByName(f.name)
		if !ok || sf.Type != f.want || len(sf.Index) != 1 {
			return fmt.Errorf("gemm: %v has no field %s of type %v", f.t, f.name, f.want)
		}
		*f.off = sf.Offset
	}
	noCopy := reflect.MakeFunc(zt, func([]reflect.Value) []reflect.Value {
		return []reflect.Value{reflect.Zero(bufPtr)} // nil: "use the operand as it is"
	})
	multiply := reflect.MakeFunc(kt, func(args []reflect.Value) []reflect.Value {
		lay.multiply(args[0].Interface().(*simplego.Buffer), args[1].Interface().(*simplego.Buffer),
			args[2].Interface().(*simplego.Buffer), args[3].UnsafePointer(), int(args[4].Int()), int(args[5].Int()))
		return nil
	})
	stock.normalize, stock.kernel = normalize, kernel
	stock.log2Dim = simplego.DotGeneralTargetBlockLog2Dim[dtypes.Float32]
	normalizers.Map[dtypes.Float32] = noCopy.Interface()
	normalizedKernels.Map[dtypes.Float32] = multiply.Interface()
	simplego.DotGeneralTargetBlockLog2Dim[dtypes.Float32] = unblockedLog2Dim
	return nil
}

// multiply adds batch elements start..end of lhs·rhsᵀ, as the DotGeneral
// params describe them, to out ([batch, lhsCross, rhsCross]).
func (l fieldOffsets) multiply(lhs, rhs, out *simplego.Buffer, params unsafe.Pointer, start, end int) {
	lhsData, rhsData, outData := l.floats(lhs), l.floats(rhs), l.floats(out)
	batch, m, n, k := readInt(params, l.batch), readInt(params, l.lhsCross), readInt(params, l.rhsCross), readInt(params, l.contract)
	lt := tables(l.shapeOf(lhs), readInts(params, l.lhsContract), readInts(params, l.lhsBatch))
	rt := tables(l.shapeOf(rhs), readInts(params, l.rhsContract), readInts(params, l.rhsBatch))
	if len(lt.batch) != batch || len(rt.batch) != batch || len(lt.cross) != m || len(rt.cross) != n ||
		len(lt.contract) != k || len(rt.contract) != k || len(outData) < batch*m*n || end > batch {
		panic(fmt.Sprintf("gemm: DotGeneral operands %v and %v do not match its sizes (batch %d, %d×%d×%d)",
			l.shapeOf(lhs), l.shapeOf(rhs), batch, m, n, k))
	}
	workers := runtime.GOMAXPROCS(0)
	for b := start; b < end; b++ {
		a := Operand{Data: lhsData, Base: lt.batch[b], Rows: lt.cross, Cols: lt.colsOrNil()}
		bt := Operand{Data: rhsData, Base: rt.batch[b], Rows: rt.cross, Cols: rt.colsOrNil()}
		Mul(a, bt, k, outData[b*m*n:(b+1)*m*n], n, workers)
	}
}

// offsets are where, in a row-major tensor, each batch, cross and contracted
// index of its normalized [batch, cross, contracted] form lies.
type offsets struct {
	batch, cross, contract []int
	contiguous             bool // contract[p] == p
}

func (o offsets) colsOrNil() []int {
	if o.contiguous {
		return nil
	}
	return o.contract
}

// tables computes the offsets of a tensor of shape dims whose contracted and
// batch axes are given in order; cross axes are the others, in order. The
// last axis of each group varies fastest, as SimpleGo's own normalizing does.
func tables(dims, contract, batch []int) offsets {
	kind := make([]byte, len(dims)) // 0 cross, 1 contracted, 2 batch
	for _, a := range contract {
		kind[a] = 1
	}
	for _, a := range batch {
		kind[a] = 2
	}
	strides := make([]int, len(dims))
	stride := 1
	for a := len(dims) - 1; a >= 0; a-- {
		strides[a] = stride
		stride *= dims[a]
	}
	var cross []int
	for a, kd := range kind {
		if kd == 0 {
			cross = append(cross, a)
		}
	}
	o := offsets{batch: enumerate(dims, strides, batch), cross: enumerate(dims, strides, cross),
		contract: enumerate(dims, strides, contract)}
	o.contiguous = true
	for p, off := range o.contract {
		if off != p {
			o.contiguous = false
			break
		}
	}
	return o
}

// enumerate lists the offsets of every index over axes (the last fastest).
func enumerate(dims, strides, axes []int) []int {
	offs := []int{0}
	for _, a := range axes {
		next := make([]int, 0, len(offs)*dims[a])
		for _, base := range offs {
			for i := range dims[a] {
				next = append(next, base+i*strides[a])
			}
		}
		offs = next
	}
	return offs
}

// floats is the float32 data of buf.
func (l fieldOffsets) floats(buf *simplego.Buffer) []float32 {
	flat, ok := (*(*any)(unsafe.Add(unsafe.Pointer(buf), l.flat))).([]float32)
	if !ok {
		panic("gemm: a float32 DotGeneral operand does not hold float32 data")
	}
	return flat
}

// shapeOf is buf's dimensions.
func (l fieldOffsets) shapeOf(buf *simplego.Buffer) []int {
	return (*(*shapes.Shape)(unsafe.Add(unsafe.Pointer(buf), l.shape))).Dimensions
}

// readInt reads the int field at offset off of the struct at p.
func readInt(p unsafe.Pointer, off uintptr) int { return *(*int)(unsafe.Add(p, off)) }

// readInts reads the []int field at offset off of the struct at p.
func readInts(p unsafe.Pointer, off uintptr) []int { return *(*[]int)(unsafe.Add(p, off)) }
