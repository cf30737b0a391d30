// Package grad replaces GoMLX v0.26.0's gradient of DotGeneral with one built
// from DotGeneral itself.
//
// The stock gradient expands both operands into a [batch, M, N, K] product and
// reduces it, which costs several times the CPU time and memory of a matrix
// multiplication. The gradient here computes each operand's adjoint with one
// DotGeneral and one transpose, as a matmul library would.
package grad

import (
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// DotGeneralAxes are the axes of one DotGeneral node, as given when it was built.
type DotGeneralAxes struct {
	LHSContracting, LHSBatch []int
	RHSContracting, RHSBatch []int
}

// AxesOf reads the contracting and batch axes of a DotGeneral node.
//
// GoMLX keeps them in an unexported struct; they are read through reflection,
// which only reads. It panics if node is not a DotGeneral or if the struct's
// layout is not the one of v0.26.0.
func AxesOf(node *graph.Node) DotGeneralAxes {
	if node.Type() != graph.NodeTypeDotGeneral {
		panic(fmt.Sprintf("grad: node %s is not a DotGeneral", node))
	}
	in := reflect.ValueOf(node).Elem().FieldByName("inputs")
	if !in.IsValid() || in.Kind() != reflect.Interface || in.IsNil() {
		panic("grad: graph.Node has no inputs field: GoMLX's layout changed")
	}
	st := in.Elem()
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	read := func(name string) []int {
		f := st.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Slice {
			panic(fmt.Sprintf("grad: DotGeneral inputs have no []int field %q: GoMLX's layout changed", name))
		}
		out := make([]int, f.Len())
		for i := range out {
			out[i] = int(f.Index(i).Int())
		}
		return out
	}
	return DotGeneralAxes{
		LHSContracting: read("lhsContractingAxes"),
		LHSBatch:       read("lhsBatchAxes"),
		RHSContracting: read("rhsContractingAxes"),
		RHSBatch:       read("rhsBatchAxes"),
	}
}

// freeAxes lists, in increasing order, the axes of a rank-r operand that are
// neither contracting nor batch axes.
func freeAxes(rank int, contracting, batch []int) []int {
	var out []int
	for a := range rank {
		if !slices.Contains(contracting, a) && !slices.Contains(batch, a) {
			out = append(out, a)
		}
	}
	return out
}

// rankIn returns the position of x among the sorted values of set.
func rankIn(set []int, x int) int {
	n := 0
	for _, s := range set {
		if s < x {
			n++
		}
	}
	return n
}

// operandAdjoint computes the adjoint of one operand ("this") of a DotGeneral
// whose output adjoint is v. v's axes are [batch..., lhsFree..., rhsFree...];
// otherFreeAt is where the other operand's free axes start in v.
func operandAdjoint(v, other *graph.Node, thisRank int,
	thisContracting, thisBatch, thisFree []int,
	otherContracting, otherBatch, otherFree []int,
	otherFreeAt int) *graph.Node {
	nb := len(thisBatch)
	// Contract v's "other free" axes with other's free axes, batch over the batch axes:
	// the result is [batch..., thisFree..., otherContracting (ascending)...].
	vContract := make([]int, len(otherFree))
	for i := range otherFree {
		vContract[i] = otherFreeAt + i
	}
	vBatch := make([]int, nb)
	for i := range vBatch {
		vBatch[i] = i
	}
	prod := graph.DotGeneral(v, vContract, vBatch, other, otherFree, otherBatch)
	// Place each axis of the product where it belongs in this operand.
	perm := make([]int, thisRank)
	for i, a := range thisBatch {
		perm[a] = i
	}
	for i, a := range thisFree {
		perm[a] = nb + i
	}
	for k, a := range thisContracting {
		perm[a] = nb + len(thisFree) + rankIn(otherContracting, otherContracting[k])
	}
	identity := true
	for i, p := range perm {
		if i != p {
			identity = false
			break
		}
	}
	if identity {
		return prod
	}
	return graph.TransposeAllAxes(prod, perm...)
}

// DotGeneralVJP is the vector-Jacobian product of a DotGeneral node built from
// DotGeneral: it returns the adjoints of the left and right operands given the
// adjoint v of the output.
func DotGeneralVJP(node *graph.Node, vjpOutputs []*graph.Node, _ shapes.Shape) []*graph.Node {
	v := vjpOutputs[0]
	ax := AxesOf(node)
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	lFree := freeAxes(lhs.Rank(), ax.LHSContracting, ax.LHSBatch)
	rFree := freeAxes(rhs.Rank(), ax.RHSContracting, ax.RHSBatch)
	nb := len(ax.LHSBatch)
	lFreeAt, rFreeAt := nb, nb+len(lFree)
	dl := operandAdjoint(v, rhs, lhs.Rank(),
		ax.LHSContracting, ax.LHSBatch, lFree,
		ax.RHSContracting, ax.RHSBatch, rFree, rFreeAt)
	dr := operandAdjoint(v, lhs, rhs.Rank(),
		ax.RHSContracting, ax.RHSBatch, rFree,
		ax.LHSContracting, ax.LHSBatch, lFree, lFreeAt)
	if dl.DType() != lhs.DType() {
		dl = graph.ConvertDType(dl, lhs.DType())
	}
	if dr.DType() != rhs.DType() {
		dr = graph.ConvertDType(dr, rhs.DType())
	}
	return []*graph.Node{dl, dr}
}

// DotVJP is the vector-Jacobian product of a Dot node (matrix or vector
// product) built from DotGeneral.
func DotVJP(node *graph.Node, vjpOutputs []*graph.Node, _ shapes.Shape) []*graph.Node {
	v := vjpOutputs[0]
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	var dl, dr *graph.Node
	switch {
	case lhs.Rank() == 1 && rhs.Rank() == 1: // [n]·[n] -> []
		dl, dr = graph.Mul(v, rhs), graph.Mul(v, lhs)
	case lhs.Rank() == 2 && rhs.Rank() == 1: // [m,n]·[n] -> [m]
		dl = graph.DotGeneral(graph.InsertAxes(v, -1), nil, nil, graph.InsertAxes(rhs, 0), nil, nil)
		dl = graph.Reshape(dl, lhs.Shape().Dimensions...)
		dr = graph.DotGeneral(lhs, []int{0}, nil, v, []int{0}, nil)
	case lhs.Rank() == 2 && rhs.Rank() == 2: // [m,k]·[k,n] -> [m,n]
		dl = graph.DotGeneral(v, []int{1}, nil, rhs, []int{1}, nil)
		dr = graph.DotGeneral(lhs, []int{0}, nil, v, []int{0}, nil)
	default:
		panic(fmt.Sprintf("grad: Dot of ranks %d and %d is not defined", lhs.Rank(), rhs.Rank()))
	}
	return []*graph.Node{dl, dr}
}

var (
	installMu sync.Mutex
	stock     graph.VJP
	stockDot  graph.VJP
	installed bool
)

// Install registers DotGeneralVJP and DotVJP as the gradients of every DotGeneral and Dot node
// built into a gradient afterwards. It is idempotent. Gradients are read when
// a graph is built, so graphs built before Install keep the stock gradient.
func Install() {
	installMu.Lock()
	defer installMu.Unlock()
	if installed {
		return
	}
	stock = graph.VJPRegistration[graph.NodeTypeDotGeneral]
	stockDot = graph.VJPRegistration[graph.NodeTypeDot]
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = DotGeneralVJP
	graph.VJPRegistration[graph.NodeTypeDot] = DotVJP
	installed = true
}

// Uninstall restores GoMLX's stock DotGeneral and Dot gradients. It exists for
// benchmarks and tests that compare the two; no graph may be under
// construction in another goroutine while it runs.
func Uninstall() {
	installMu.Lock()
	defer installMu.Unlock()
	if !installed {
		return
	}
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = stock
	graph.VJPRegistration[graph.NodeTypeDot] = stockDot
	installed = false
}

// Installed reports whether DotGeneralVJP is the registered gradient.
func Installed() bool {
	installMu.Lock()
	defer installMu.Unlock()
	return installed
}
