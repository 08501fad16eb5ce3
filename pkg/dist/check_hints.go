package dist

import "fmt"

// Hints that name a build backend name the one that built the file
// (Dist.Backend), with version facts from each backend's changelog.

// sdistNameHint: how to get a PEP 625 sdist name.
func (c *checker) sdistNameHint() string {
	switch b := c.d.Backend; b.Name {
	case "setuptools":
		return "Upgrade setuptools to 69.3 or later (it names sdists per PEP 625) and rebuild."
	case "flit-core":
		return "Upgrade flit_core to 3.9 or later (it names sdists per PEP 625) and rebuild."
	case "hatchling":
		return "hatchling names sdists per PEP 625 unless strict-naming = false is set ([tool.hatch.build] or [tool.hatch.build.targets.sdist]); drop that setting and rebuild."
	case "":
		return "Rebuild the sdist with a build backend that follows PEP 625 (setuptools >= 69.3, hatchling, flit_core >= 3.9)."
	default:
		return fmt.Sprintf("Rebuild with a current %s, or a build backend that follows PEP 625; do not rename the file.", b.Name)
	}
}

// wheelNameHint: how to get a normalized wheel name.
func (c *checker) wheelNameHint() string {
	switch b := c.d.Backend; b.Name {
	case "setuptools":
		return "Upgrade setuptools to 75.8.1 or later (it names wheels as the binary distribution format says) and rebuild; do not rename wheels."
	case "flit-core":
		return "Upgrade flit_core to 3.7 or later (it lower-cases wheel names) and rebuild; do not rename wheels."
	case "hatchling":
		return "hatchling normalizes wheel names unless strict-naming = false is set ([tool.hatch.build] or [tool.hatch.build.targets.wheel]); drop that setting and rebuild."
	case "":
		return "Rebuild with a current build backend (setuptools >= 75.8.1, flit_core >= 3.7, hatchling), which normalizes the name; do not rename wheels."
	default:
		return fmt.Sprintf("Rebuild with a current %s, which normalizes the name; do not rename wheels.", b.Name)
	}
}

// metadata24Hint: how to get Metadata-Version 2.4 (License-File kept).
func (c *checker) metadata24Hint() string {
	switch b := c.d.Backend; b.Name {
	case "setuptools":
		return "setuptools 77 and later write Metadata-Version 2.4 and keep them."
	case "hatchling":
		return "hatchling 1.27 and later write Metadata-Version 2.4 and keep them."
	case "":
		return "A build backend that writes Metadata-Version 2.4 (setuptools >= 77, hatchling >= 1.27) keeps them."
	default:
		return fmt.Sprintf("A %s release that writes Metadata-Version 2.4 keeps them.", b.Name)
	}
}

// setupPyStyle reports whether the project likely sets its metadata in
// setup.py: setuptools, with a setup.py in the sdist (or, for a wheel,
// unknown either way).
func (c *checker) setupPyStyle() (setupPy, maybe bool) {
	b := c.d.Backend
	if b.Name != "setuptools" {
		return false, false
	}
	if c.kindOf() == Sdist {
		return b.SetupPy, false
	}
	return false, true
}

// contentTypeHint: where the readme's content type is set.
func (c *checker) contentTypeHint() string {
	const pyproject = `readme = "README.md" in pyproject.toml's [project] sets text/markdown`
	switch setupPy, maybe := c.setupPyStyle(); {
	case setupPy:
		return `Pass long_description_content_type="text/markdown" (or "text/x-rst") to setup() in setup.py, or set ` + pyproject + "."
	case maybe:
		return "Set " + pyproject + `; in setup.py, pass long_description_content_type="text/markdown" (or "text/x-rst") to setup().`
	case c.d.Backend.Name == "poetry-core":
		return `Set readme = "README.md" in pyproject.toml ([project], or [tool.poetry] before poetry-core 2); the .md suffix sets text/markdown.`
	}
	return "Set " + pyproject + " (.rst sets text/x-rst)."
}

// descriptionHint: where the long description comes from.
func (c *checker) descriptionHint() string {
	switch setupPy, maybe := c.setupPyStyle(); {
	case setupPy:
		return `Pass long_description=open("README.md").read() to setup() in setup.py, or set readme in pyproject.toml's [project].`
	case maybe:
		return `Set readme in pyproject.toml's [project]; in setup.py, pass long_description= to setup().`
	case c.d.Backend.Name == "poetry-core":
		return "Set readme in pyproject.toml ([project], or [tool.poetry] before poetry-core 2)."
	}
	return "Set readme in pyproject.toml's [project]."
}

// localVersionHint: how the user's version tool drops a local part.
func (c *checker) localVersionHint() string {
	switch c.d.Backend.Name {
	case "hatchling":
		return `tag the commit, or for hatch-vcs set local_scheme = "no-local-version" in [tool.hatch.version.raw-options]`
	case "setuptools":
		return `tag the commit, or set local_scheme = "no-local-version" in [tool.setuptools_scm]`
	}
	return `tag the commit, or set local_scheme = "no-local-version" for setuptools-scm`
}

// contentTypeSetting: which setting holds the content type, to correct it.
func (c *checker) contentTypeSetting() string {
	switch setupPy, maybe := c.setupPyStyle(); {
	case setupPy:
		return "Set long_description_content_type in setup.py (or readme's content-type in pyproject.toml) to one of them."
	case maybe:
		return "Set readme's content-type in pyproject.toml (or long_description_content_type in setup.py) to one of them."
	}
	return "Set readme's content-type in pyproject.toml to one of them."
}
