package dist

import (
	"strings"
)

// parseGenerator reads a wheel's WHEEL Generator field ("hatchling 1.25.0",
// "setuptools (75.1.0)", "flit 3.9.0", "bdist_wheel (0.43.0)") into the
// backend that wrote it. bdist_wheel is setuptools' wheel command, whose
// version is the wheel package's, so the setuptools version stays unknown.
func parseGenerator(g string) Backend {
	fields := strings.Fields(g)
	if len(fields) == 0 {
		return Backend{}
	}
	name := NormalizeName(fields[0])
	var version string
	if len(fields) > 1 {
		v := strings.Trim(fields[1], "()")
		if v != "" && v[0] >= '0' && v[0] <= '9' {
			version = v
		}
	}
	switch name {
	case "bdist-wheel":
		return Backend{Name: "setuptools"}
	case "flit", "flit-core":
		name = "flit-core"
	case "poetry", "poetry-core":
		name = "poetry-core"
	case "meson", "mesonpy", "meson-python":
		name = "meson-python"
	}
	return Backend{Name: name, Version: version}
}

// backendModules maps a pyproject.toml build-backend to the project that
// provides it.
var backendModules = map[string]string{
	"setuptools.build_meta":   "setuptools",
	"hatchling.build":         "hatchling",
	"flit_core.buildapi":      "flit-core",
	"poetry.core.masonry.api": "poetry-core",
	"pdm.backend":             "pdm-backend",
	"maturin":                 "maturin",
	"scikit_build_core.build": "scikit-build-core",
	"mesonpy":                 "meson-python",
}

// sdistBackend names an sdist's build backend from its pyproject.toml (nil
// when the sdist has none) and whether it ships a setup.py. Without a
// build-backend key, build frontends fall back to setuptools' legacy
// backend, so a setup.py or a pyproject.toml then means setuptools.
func sdistBackend(pyproject []byte, setupPy bool) Backend {
	b := Backend{SetupPy: setupPy}
	if mod := buildBackendKey(pyproject); mod != "" {
		mod, _, _ = strings.Cut(mod, ":")
		if name, ok := backendModules[mod]; ok {
			b.Name = name
		} else {
			b.Name = NormalizeName(strings.SplitN(mod, ".", 2)[0])
		}
		return b
	}
	if setupPy || pyproject != nil {
		b.Name = "setuptools"
	}
	return b
}

// buildBackendKey returns [build-system] build-backend from a pyproject.toml,
// read line by line (enough for what backends and people write), or "".
func buildBackendKey(pyproject []byte) string {
	inTable := false
	for line := range strings.Lines(string(pyproject)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inTable = strings.ReplaceAll(line, " ", "") == "[build-system]"
			continue
		}
		if !inTable {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.Trim(strings.TrimSpace(k), `"'`) != "build-backend" {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
			if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
				return strings.TrimSpace(v[1 : 1+end])
			}
		}
		return ""
	}
	return ""
}
