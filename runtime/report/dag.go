package report

import (
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime/records"
)

// DAG is a run's stage graph laid out in topological layers, top to bottom.
type DAG struct {
	Nodes []DAGNode
	Edges []DAGEdge
	// Width and Height are the drawing's size in pixels.
	Width, Height float64
}

// DAGNode is one stage instance placed in the drawing.
type DAGNode struct {
	Name, Kind, Status, Time, Key string
	// Layer is the node's depth: one more than its deepest upstream stage.
	Layer int
	// X, Y are the top-left corner; W, H the box size.
	X, Y, W, H float64
}

// DAGEdge is one input: the upstream node and port feeding a downstream node's port.
type DAGEdge struct {
	From, To         int
	FromPort, ToPort string
}

const (
	dagNodeH    = 44.0
	dagLayerGap = 56.0
	dagNodeGap  = 22.0
	dagMargin   = 16.0
)

// LayoutDAG places a manifest's stages: layers by longest path from the
// sources (edges come from each input's `from`), each layer ordered by the
// mean position of its upstream nodes, then centred.
func LayoutDAG(m *artifacts.Manifest) DAG {
	var d DAG
	index := map[string]int{}
	for _, st := range m.Stages {
		index[st.Name] = len(d.Nodes)
		d.Nodes = append(d.Nodes, DAGNode{Name: st.Name, Kind: st.Kind, Status: st.Status, Time: stageTime(st), Key: st.Key})
	}
	for i, st := range m.Stages {
		for _, in := range st.Inputs {
			from, port := splitFrom(in.From)
			if j, ok := index[from]; ok && j != i {
				d.Edges = append(d.Edges, DAGEdge{From: j, To: i, FromPort: port, ToPort: in.Port})
			}
		}
	}
	// Longest-path layers; manifests list stages in topological order, but
	// iterate to a fixed point so any order works (bounded: no cycles).
	for pass := 0; pass < len(d.Nodes); pass++ {
		changed := false
		for _, e := range d.Edges {
			if d.Nodes[e.To].Layer < d.Nodes[e.From].Layer+1 {
				d.Nodes[e.To].Layer = d.Nodes[e.From].Layer + 1
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	layers := 0
	for _, n := range d.Nodes {
		layers = max(layers, n.Layer+1)
	}
	rows := make([][]int, layers)
	for i, n := range d.Nodes {
		rows[n.Layer] = append(rows[n.Layer], i)
	}
	pos := make([]float64, len(d.Nodes)) // order within the layer
	for _, row := range rows {
		for k, i := range row {
			pos[i] = float64(k)
		}
	}
	for li := 1; li < layers; li++ {
		row := rows[li]
		bary := map[int]float64{}
		for _, i := range row {
			sum, n := 0.0, 0
			for _, e := range d.Edges {
				if e.To == i {
					sum += pos[e.From]
					n++
				}
			}
			bary[i] = pos[i]
			if n > 0 {
				bary[i] = sum / float64(n)
			}
		}
		sort.SliceStable(row, func(a, b int) bool { return bary[row[a]] < bary[row[b]] })
		for k, i := range row {
			pos[i] = float64(k)
		}
	}
	for i := range d.Nodes {
		n := &d.Nodes[i]
		n.W = math.Max(110, math.Max(textWidth(n.Name, 13)+8, textWidth(nodeSubtitle(*n), 11))+20)
		n.H = dagNodeH
	}
	for li, row := range rows {
		x := 0.0
		for k, i := range row {
			if k > 0 {
				x += dagNodeGap
			}
			d.Nodes[i].X = x
			x += d.Nodes[i].W
		}
		d.Width = math.Max(d.Width, x)
		for _, i := range row {
			d.Nodes[i].Y = dagMargin + float64(li)*(dagNodeH+dagLayerGap)
		}
	}
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		last := d.Nodes[row[len(row)-1]]
		shift := dagMargin + (d.Width-(last.X+last.W))/2
		for _, i := range row {
			d.Nodes[i].X += shift
		}
	}
	d.Width += 2 * dagMargin
	d.Height = 2*dagMargin + float64(layers)*dagNodeH + float64(max(layers-1, 0))*dagLayerGap
	return d
}

// splitFrom splits an input's `from` (`stage.port`) at its last dot: stage
// instance names may hold dots (`lm@train.lr=0.001`), port names do not.
func splitFrom(from string) (stage, port string) {
	i := strings.LastIndexByte(from, '.')
	if i < 0 {
		return from, ""
	}
	return from[:i], from[i+1:]
}

// stageTime is what the drawing and the stage table say about a stage's time.
func stageTime(st artifacts.StageRecord) string {
	switch st.Status {
	case "ran", "failed":
		return records.FormatDuration(st.DurationMS)
	}
	return ""
}

func nodeSubtitle(n DAGNode) string {
	s := n.Kind + " · " + n.Status
	if n.Time != "" {
		s += " · " + n.Time
	}
	return s
}

// SVG draws the graph: a box per stage coloured by status, a curve per input.
func (d DAG) SVG() template.HTML {
	var b svgBuilder
	b.f(`<svg class="dag" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="stage graph">`, num(d.Width), num(d.Height), num(d.Width), num(d.Height))
	b.f(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>`)
	for _, e := range d.Edges {
		f, t := d.Nodes[e.From], d.Nodes[e.To]
		x1, y1 := f.X+f.W/2, f.Y+f.H
		x2, y2 := t.X+t.W/2, t.Y
		mid := (y1 + y2) / 2
		b.f(`<path class="edge" d="M%s,%s C%s,%s %s,%s %s,%s" marker-end="url(#arrow)"><title>%s.%s → %s (%s)</title></path>`,
			num(x1), num(y1), num(x1), num(mid), num(x2), num(mid), num(x2), num(y2), esc(f.Name), esc(e.FromPort), esc(t.Name), esc(e.ToPort))
	}
	for _, n := range d.Nodes {
		b.f(`<g class="node status-%s" data-stage="%s"><title>%s (%s): %s%s</title>`, esc(n.Status), esc(n.Name), esc(n.Name), esc(n.Kind), esc(n.Status), esc(keySuffix(n.Key)))
		b.f(`<rect x="%s" y="%s" width="%s" height="%s" rx="6"/>`, num(n.X), num(n.Y), num(n.W), num(n.H))
		b.f(`<text class="name" x="%s" y="%s" text-anchor="middle">%s</text>`, num(n.X+n.W/2), num(n.Y+18), esc(n.Name))
		b.f(`<text class="sub" x="%s" y="%s" text-anchor="middle">%s</text></g>`, num(n.X+n.W/2), num(n.Y+34), esc(nodeSubtitle(n)))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

func keySuffix(key string) string {
	if key == "" {
		return ""
	}
	return ", key " + key
}
