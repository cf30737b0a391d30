package scan

import (
	"bytes"
	"fmt"
	"os"

	"github.com/goccy/go-yaml"

	"github.com/mlpipe/pipeline/stages/scan/archive"
)

// Config is the content of a scanner config file (YAML):
//
//	allowlist:
//	  rules: [jwt]                     # rule ids never reported
//	  paths: ["testdata/**", "*.md"]   # globs over finding paths (** crosses /)
//	  values: ["not-a-secret-1234"]    # exact secret texts
//	  sha256: ["9f86d08..."]           # secret_sha256 values
//	  regexes: ["^test_"]              # regular expressions over the secret
//	limits:
//	  max_depth: 6
//	  max_entry_bytes: 4294967296
//	  max_total_bytes: 68719476736
//	  max_ratio: 200
//	  max_entries: 1048576
type Config struct {
	// Allowlist suppresses findings.
	Allowlist AllowlistConfig `yaml:"allowlist"`
	// Limits bound what is read from archives; absent fields keep their defaults.
	Limits LimitsConfig `yaml:"limits"`
}

// AllowlistConfig lists what is not reported.
type AllowlistConfig struct {
	// Rules are rule ids whose findings are dropped.
	Rules []string `yaml:"rules"`
	// Paths are globs matched against finding paths.
	Paths []string `yaml:"paths"`
	// Values are exact secret texts.
	Values []string `yaml:"values"`
	// SHA256 are hex SHA-256 digests of secret texts.
	SHA256 []string `yaml:"sha256"`
	// Regexes are regular expressions matched against secret texts.
	Regexes []string `yaml:"regexes"`
}

// LimitsConfig overrides archive limits; nil fields keep the defaults.
type LimitsConfig struct {
	// MaxDepth overrides archive.Limits.MaxDepth.
	MaxDepth *int `yaml:"max_depth"`
	// MaxEntryBytes overrides archive.Limits.MaxEntryBytes.
	MaxEntryBytes *int64 `yaml:"max_entry_bytes"`
	// MaxTotalBytes overrides archive.Limits.MaxTotalBytes.
	MaxTotalBytes *int64 `yaml:"max_total_bytes"`
	// MaxRatio overrides archive.Limits.MaxRatio.
	MaxRatio *float64 `yaml:"max_ratio"`
	// MaxEntries overrides archive.Limits.MaxEntries.
	MaxEntries *int `yaml:"max_entries"`
}

// Apply returns l with the overrides applied.
func (c LimitsConfig) Apply(l archive.Limits) archive.Limits {
	if c.MaxDepth != nil {
		l.MaxDepth = *c.MaxDepth
	}
	if c.MaxEntryBytes != nil {
		l.MaxEntryBytes = *c.MaxEntryBytes
	}
	if c.MaxTotalBytes != nil {
		l.MaxTotalBytes = *c.MaxTotalBytes
	}
	if c.MaxRatio != nil {
		l.MaxRatio = *c.MaxRatio
	}
	if c.MaxEntries != nil {
		l.MaxEntries = *c.MaxEntries
	}
	return l
}

// ParseConfig parses a config file's content; name is used in errors, which
// wrap ErrUsage and give the line and column of the problem.
func ParseConfig(name string, data []byte) (*Config, error) {
	var c Config
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&c); err != nil {
			return nil, fmt.Errorf("%w: reading scan config %s: %s", ErrUsage, name, yaml.FormatError(err, false, true))
		}
	}
	if _, err := NewAllowlist(c.Allowlist); err != nil {
		return nil, fmt.Errorf("%w: reading scan config %s: %v", ErrUsage, name, err)
	}
	return &c, nil
}

// LoadConfig reads and parses the config file at path.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: reading scan config: %v", ErrUsage, err)
	}
	return ParseConfig(path, data)
}
