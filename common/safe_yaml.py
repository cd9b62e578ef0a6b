"""The one way the product reads YAML: small, tree-shaped documents of plain data.

PyYAML's `safe_load` still expands aliases: a few hundred bytes of nested `&a [*b, *b, ...]`
(the "billion laughs") grow into gigabytes while the constructor builds them, and a request or
a worker is held for minutes. Bounding the size of the result after loading
is too late, so this loader refuses every anchor and alias while composing, before anything is
expanded; the text is bounded before it is scanned, and so is nesting, since the composer
recurses once per level. What a person writes in front matter never needs an alias.

Every failure is a `YAMLError`, so a caller that reports bad YAML reports all of it: a number
too long for `int`, a date the calendar does not have, a structure nested too deep.
"""

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

MAX_DEPTH = 64  # levels of nested lists and mappings


class YamlRefused(yaml.YAMLError):
    """The text is YAML this loader will not read; `problem` says why, `line` counts from 1."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem if line is None else f"line {line}: {problem}")
        self.problem = problem
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases and bounds nesting while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        anchored = isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor
        if isinstance(event, AliasEvent) or anchored:
            raise YamlRefused(
                "uses YAML aliases, which are not allowed"
                f" ({'*' if isinstance(event, AliasEvent) else '&'}{event.anchor})",
                line=event.start_mark.line + 1,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(
                    f"nests lists or mappings more than {MAX_DEPTH} levels deep",
                    line=event.start_mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """`2026-02-30` looks like a date and is not one: it is text, as a person wrote it."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_yaml(text: str, *, max_chars: int) -> Any:
    """Parse one YAML document of plain data (SafeLoader's types), without aliases.

    Raises YamlRefused for text over `max_chars`, aliases, anchors and deep nesting, and
    another YAMLError (with its mark) for text that is not YAML.
    """
    if len(text) > max_chars:
        raise YamlRefused(f"is {len(text):,} characters long; at most {max_chars:,} are read")
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError:
        raise
    except (ValueError, OverflowError, RecursionError) as e:
        # SafeConstructor lets int(), datetime.date() and friends raise their own errors.
        raise YamlRefused(f"holds a value that cannot be read: {e}") from e
    finally:
        loader.dispose()
