package stages

import (
	"reflect"
	"strings"
	"testing"
)

func testSchema() Schema {
	return Schema{Params: []Param{
		{Name: "steps", Type: Int, Default: int64(300), Min: Num(1)},
		{Name: "lr", Type: Float, Default: 3e-3, Min: Num(0), MinExclusive: true},
		{Name: "model", Type: Map, Default: map[string]any{}, Fields: []Param{
			{Name: "type", Type: String, Enum: []string{"small", "big"}},
			{Name: "width", Type: Int, Min: Num(1), DefaultBy: &Conditional{On: "type", Values: map[string]any{"small": int64(8), "big": int64(64)}}},
			{Name: "dropout", Type: Float, Default: 0.1, Min: Num(0), Max: Num(1), MaxExclusive: true},
		}},
	}}
}

func TestCompleteDefaults(t *testing.T) {
	tests := []struct {
		name string
		with map[string]any
		want map[string]any
	}{
		{"empty", map[string]any{},
			map[string]any{"steps": int64(300), "lr": 3e-3, "model": map[string]any{"dropout": 0.1}}},
		{"small", map[string]any{"model": map[string]any{"type": "small"}},
			map[string]any{"steps": int64(300), "lr": 3e-3, "model": map[string]any{"type": "small", "width": int64(8), "dropout": 0.1}}},
		{"big", map[string]any{"model": map[string]any{"type": "big"}},
			map[string]any{"steps": int64(300), "lr": 3e-3, "model": map[string]any{"type": "big", "width": int64(64), "dropout": 0.1}}},
		{"given wins", map[string]any{"steps": 5.0, "lr": int64(1), "model": map[string]any{"type": "big", "width": int64(3)}},
			map[string]any{"steps": int64(5), "lr": 1.0, "model": map[string]any{"type": "big", "width": int64(3), "dropout": 0.1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Complete(testSchema(), tc.with)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Complete = %#v, want %#v", got, tc.want)
			}
			again, err := Complete(testSchema(), got)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("Complete is not idempotent: %#v, %v", again, err)
			}
		})
	}
}

func TestCompleteErrors(t *testing.T) {
	tests := []struct {
		with map[string]any
		want string
	}{
		{map[string]any{"steps": int64(0)}, "with.steps: must be at least 1, got 0"},
		{map[string]any{"lr": 0.0}, "with.lr: must be above 0, got 0"},
		{map[string]any{"model": map[string]any{"width": int64(0)}}, "with.model.width: must be at least 1, got 0"},
		{map[string]any{"model": map[string]any{"dropout": 1.0}}, "with.model.dropout: must be below 1, got 1"},
		{map[string]any{"model": map[string]any{"type": "huge"}}, `with.model.type: must be one of small, big, got "huge"`},
		{map[string]any{"steps": "many"}, "with.steps: must be of type int"},
		{map[string]any{"stpes": int64(1)}, "with.stpes: unknown parameter"},
	}
	for _, tc := range tests {
		_, err := Complete(testSchema(), tc.with)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Complete(%v) error = %v, want it to contain %q", tc.with, err, tc.want)
		}
	}
}

func TestCompleteDoesNotShareDefaults(t *testing.T) {
	s := Schema{Params: []Param{{Name: "m", Type: Map, Default: map[string]any{"a": int64(1)}}}}
	got, err := Complete(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got["m"].(map[string]any)["a"] = int64(2)
	if s.Params[0].Default.(map[string]any)["a"] != int64(1) {
		t.Fatal("completed map shares the schema's default")
	}
}

func TestRange(t *testing.T) {
	for _, tc := range []struct {
		p    Param
		want string
	}{
		{Param{}, ""},
		{Param{Min: Num(1)}, ">= 1"},
		{Param{Min: Num(0), MinExclusive: true}, "> 0"},
		{Param{Min: Num(0), Max: Num(1), MaxExclusive: true}, "[0, 1)"},
	} {
		if got := Range(tc.p); got != tc.want {
			t.Errorf("Range(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
