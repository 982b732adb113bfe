"""Read YAML strictly: every scalar stays the text that was written, and lines are kept.

PyYAML's BaseLoader resolves no implicit types, so `code: 01` stays "01" and
`yes`/`no`/`on` stay words (the "Norway problem"); the normaliser converts where a
number or a flag is expected, and says so when it cannot. Duplicate keys, which
YAML would silently collapse, are reported.
"""

from __future__ import annotations

import yaml

from .issues import IssueLog


class Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key) -> int | None:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    """A YAML sequence that remembers its line and each item's line."""

    line: int | None = None
    item_lines: list


def _loader_class(log: IssueLog):
    class StrictLoader(yaml.BaseLoader):
        def construct_mapping(self, node, deep=False):
            mapping = Mapping()
            mapping.line = node.start_mark.line + 1
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    log.error("key-not-text", "a key must be plain text", line)
                    continue
                if key in mapping:
                    log.error("duplicate-key", f"key {key!r} appears twice in one mapping", line)
                mapping[key] = self.construct_object(value_node, deep=True)
                mapping.key_lines[key] = line
            return mapping

        def construct_sequence(self, node, deep=False):
            sequence = Sequence(self.construct_object(child, deep=True) for child in node.value)
            sequence.line = node.start_mark.line + 1
            sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
            return sequence

    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)
    StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_sequence)
    return StrictLoader


def read(text: str, log: IssueLog):
    """Parse YAML text into Mapping/Sequence/str values, or None after logging why not."""
    try:
        document = yaml.load(text, Loader=_loader_class(log))  # noqa: S506 (a BaseLoader: no tags run)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        log.error("yaml-syntax", f"not valid YAML: {error.problem or error.context}", line)
        return None
    except yaml.YAMLError as error:
        log.error("yaml-syntax", f"not valid YAML: {error}")
        return None
    if not isinstance(document, Mapping):
        log.error("not-a-mapping", "the file must be a YAML mapping (id:, version:, pages: …)", 1)
        return None
    return document
