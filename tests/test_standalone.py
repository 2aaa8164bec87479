"""The stand-alone merge of a file that ``extends`` a base: same table as the loader's,
every comment kept, and a refusal (not a wrong file) where the text cannot be merged."""

import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario import resolved_table
from sim.standalone import _join, _split, standalone_text

# A fixed universe of tables and keys, each key with one type, so that any base and child
# drawn from it merge under the loader's rules (a key is never a table in one file and a
# number in the other).
TABLES = ["system", "lists.a", "lists.b", "model", "campaign.endorsers.x"]
KEYS = {"seats": st.integers(0, 999),
        "name": st.sampled_from(["A", "B b", "c's"]),
        "shares": st.lists(st.integers(0, 9), max_size=4),
        "notes": st.sampled_from(["one", "two\nlines"])}


@st.composite
def documents(draw, child=False):
    """(TOML text, comment lines in it) of a base or an extending child."""
    counter = iter(range(10**6))
    comments = []

    def comment():
        if not draw(st.booleans()):
            return ""
        line = f"# {'child' if child else 'base'} comment {next(counter)}"
        comments.append(line)
        return line + "\n" + ("\n" if draw(st.booleans()) else "")

    def keys():
        text = ""
        for key in draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=3)):
            value = draw(KEYS[key])
            if key == "notes":
                rendered = '"""\n' + value + '\n"""'
            elif key == "name":
                rendered = f'"{value}"'
            elif isinstance(value, list) and draw(st.booleans()):
                rendered = "[\n" + "".join(f"  {v},  # item\n" for v in value) + "]"
            else:
                rendered = str(value)
            tail = "  # after the value" if draw(st.booleans()) else ""
            text += comment() + f"{key} = {rendered}{tail}\n"
        return text

    text = comment()
    if child:
        text += 'extends = "_base.toml"\n'
    text += keys()
    blocks = [(comment() + f"[{t}]\n" + keys()) for t in
              draw(st.lists(st.sampled_from(TABLES), unique=True, max_size=4))]
    blocks += [comment() + "[[poll]]\n" + keys()
               for _ in range(draw(st.integers(0, 2 if child else 3)))]
    text += "".join(draw(st.permutations(blocks)))
    text += comment()
    return text, comments


@given(documents())
def test_split_and_join_give_back_the_text(document):
    text, _ = document
    assert _join(_split(text)) == text


@given(documents(), documents(child=True))
def test_merged_text_reads_as_the_resolved_table_and_keeps_comments(base, child):
    (base_text, base_comments), (child_text, child_comments) = base, child
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "_base.toml").write_text(base_text)
        path = Path(folder, "child.toml")
        path.write_text(child_text)
        merged = standalone_text(path)
        assert tomllib.loads(merged) == resolved_table(path)
    lines = merged.splitlines()
    assert set(child_comments) <= set(lines)
    if "[[poll]]" not in child_text:   # a child's polls replace the base's, comments too
        assert set(base_comments) <= set(lines)


def test_a_file_without_extends_comes_back_unchanged(tmp_path):
    text = "# a count\n[system]\nseats = 3  # three\n"
    (tmp_path / "plain.toml").write_text(text)
    assert standalone_text(tmp_path / "plain.toml") == text


def test_a_chain_of_two_bases_merges_into_one_file(tmp_path):
    (tmp_path / "_root.toml").write_text("# root\n[system]\nseats = 1\nmethod = \"hare\"\n")
    (tmp_path / "_mid.toml").write_text('extends = "_root.toml"\n[system]\nseats = 2\n')
    (tmp_path / "leaf.toml").write_text('# leaf\nextends = "_mid.toml"\ntitle = "t"\n')
    merged = standalone_text(tmp_path / "leaf.toml")
    assert tomllib.loads(merged) == {"title": "t", "system": {"seats": 2, "method": "hare"}}
    assert merged.startswith("# leaf\n") and "# root\n" in merged


def test_a_table_split_the_loader_merges_but_the_text_cannot_is_refused(tmp_path):
    # The base gives fill as an inline table; the child adds one key to it with a dotted key.
    (tmp_path / "_base.toml").write_text("[source]\nfill = { a = 0.1 }\n")
    (tmp_path / "child.toml").write_text('extends = "_base.toml"\n[source]\nfill.b = 0.2\n')
    with pytest.raises(ScenarioError, match=r"child\.toml: extends = '_base\.toml': cannot be "
                                            r"merged into one file"):
        standalone_text(tmp_path / "child.toml")


def test_a_missing_base_is_the_loaders_error(tmp_path):
    (tmp_path / "child.toml").write_text('extends = "_nowhere.toml"\n')
    with pytest.raises(ScenarioError, match="no such file"):
        standalone_text(tmp_path / "child.toml")


def test_sub_tables_of_an_array_move_with_their_element(tmp_path):
    # [poll.shares] belongs to the [[poll]] above it, also when the base itself has a base.
    (tmp_path / "root.toml").write_text("[model.error]\nelection_sd = 0.3\n")
    (tmp_path / "base.toml").write_text(
        'extends = "root.toml"\n[[poll]]\nsource = "a"\n[poll.shares]\nx = 0.4\n'
        '[[poll]]\nsource = "b"\n[poll.shares]\nx = 0.6\n[model]\ncombine = "mixture"\n')
    (tmp_path / "child.toml").write_text('extends = "base.toml"\ntitle = "t"\n')
    merged = tomllib.loads(standalone_text(tmp_path / "child.toml"))
    assert merged == resolved_table(tmp_path / "child.toml")
    assert [poll["shares"]["x"] for poll in merged["poll"]] == [0.4, 0.6]


def test_quoted_keys_with_escaped_quotes_merge(tmp_path):
    # A quoted key may hold \" (and \\ before its closing quote): the key is read whole, not
    # cut at the escaped quote. The child replaces one such key of the base and adds another.
    (tmp_path / "_base.toml").write_text('[votes]\n"a\\"b" = 1\n"c\\\\" = 2\n')
    (tmp_path / "child.toml").write_text(
        'extends = "_base.toml"\n[votes]\n"a\\"b" = 3\n \'d\' . "e\\"f" = 4\n')
    merged = standalone_text(tmp_path / "child.toml")
    assert tomllib.loads(merged) == resolved_table(tmp_path / "child.toml") == {
        "votes": {'a"b': 3, "c\\": 2, "d": {'e"f': 4}}}
    assert merged.count('"a\\"b"') == 1
