"""Every path a shipped file cites is one its reader has: shipped files (everything under
scenarios/ and sim/) never cite the project's own working folders (``shared/``), and each
file they name by its path in the repository, or by its name in ``elsim examples``,
exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SHIPPED = sorted(path for folder in ("scenarios", "sim") for path in (ROOT / folder).rglob("*")
                 if path.is_file() and path.suffix in (".py", ".toml", ".md", ".csv"))
# A path: a known first folder, then names; not part of a longer name or of a URL.
CITED = re.compile(r"(?<![\w./<{-])((?:\.\./)*(?:shared|scenarios|sim|docs|tests|bench|results"
                   r"|data|calibration|history|backtest|kz-20\d\d)/[\w./-]*[\w/])")
URL = re.compile(r"https?://\S*$")
INSTALLED = "sim/examples"  # where a wheel installs scenarios/ (setup.py)


def citations(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        found += [(number, match.group(1)) for match in CITED.finditer(line)
                  if not URL.search(line[:match.start()])]
    return found


def where(cited: str, path: Path) -> list[Path]:
    """Where a citation may point: the repository, the shipped data (names as `elsim
    examples` shows them, `.toml` dropped), or the citing file's folder."""
    name = "scenarios" + cited.removeprefix(INSTALLED) if cited.startswith(INSTALLED) else cited
    return [ROOT / name, ROOT / "scenarios" / name, ROOT / "scenarios" / f"{name}.toml",
            path.parent / name]


def test_the_scanner_finds_the_kinds_of_citation_it_checks(tmp_path):
    sample = tmp_path / "sample.toml"
    sample.write_text("# Source: ../shared/data/x.csv and data/kazakhstan/README.md\n"
                      "# (docs/model.md) https://example.org/docs/not-a-citation.html\n")
    assert [cited for _, cited in citations(sample)] == [
        "../shared/data/x.csv", "data/kazakhstan/README.md", "docs/model.md"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_shipped_file_cites_only_files_that_exist(path):
    cited = citations(path)
    assert not [(n, c) for n, c in cited if re.match(r"(\.\./)*shared/", c)], \
        "shared/ is not part of elsim: cite the data that ships in scenarios/data/"
    missing = [(number, name) for number, name in cited
               if not any(candidate.exists() for candidate in where(name, path))]
    assert not missing


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_documentation_does_not_cite_the_project_working_folders(path):
    assert not [c for _, c in citations(path) if re.match(r"(\.\./)*shared/", c)]
