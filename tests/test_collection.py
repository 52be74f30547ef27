"""The suite collects every app's tests: an app whose folder is missing from `testpaths` would go untested in CI."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_tests_folder_is_in_testpaths():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    collected = {Path(path).parts[0] for path in options["testpaths"]}
    with_tests = {
        path.parent.parent.name for path in ROOT.glob("*/tests/__init__.py") if any(path.parent.glob("test_*.py"))
    } | {"tests"}
    assert with_tests - collected == set()
