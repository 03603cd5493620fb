"""One XRechnung rule and how it is asked of a document.

A `Rule` carries its official id, flag and text and a test written against business terms.
`Document` binds the terms to the document's syntax (see `terms.py`) and answers the questions
the tests ask, the way XPath 2.0 answers them in the official Schematron.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from validators.findings import Finding, Severity
from validators.xrechnung.codelists import normalize_space
from validators.xrechnung.terms import COMPILED, Family

Node = etree._Element


class Scope(StrEnum):
    """Which documents a rule speaks to, as the Schematron patterns gate them (on BT-24)."""

    ALL = "all"
    EXTENSION = "extension"
    CVD = "cvd"


class Document:
    """The document under test, with every term resolved for its syntax family."""

    def __init__(self, root: Node, family: Family):
        self.root = root
        self.family = family
        self._terms = COMPILED[family]

    def has(self, term: str) -> bool:
        return self._terms[term] is not None

    def nodes(self, term: str, node: Node | None = None, **variables: str) -> list:
        xpath = self._terms[term]
        if xpath is None:
            return []
        result = xpath(self.root if node is None else node, **variables)
        return result if isinstance(result, list) else [result]

    def exists(self, term: str, node: Node | None = None, **variables: str) -> bool:
        xpath = self._terms[term]
        if xpath is None:
            return False
        result = xpath(self.root if node is None else node, **variables)
        return bool(result)

    def strings(self, term: str, node: Node) -> list[str]:
        """The string values of the term's nodes, untouched."""
        return [string_value(n) for n in self.nodes(term, node)]

    def first(self, term: str, node: Node) -> str | None:
        """The string value of the first node (XPath would reject several), None when absent."""
        found = self.nodes(term, node)
        return string_value(found[0]) if found else None

    def normalized(self, term: str, node: Node) -> str:
        return normalize_space(self.first(term, node))


def string_value(node) -> str:
    if isinstance(node, str):
        return str(node)
    return "".join(node.itertext())


@dataclass(frozen=True)
class Rule:
    id: str
    flag: Severity
    context: str  # the term naming the nodes the rule is asked at
    test: Callable[[Document, Node], bool]
    message: str | Mapping[Family, str]  # official text; `{name}` is the context node's name
    scope: Scope = Scope.ALL
    details: Callable[[Node], Mapping[str, str]] = field(default=lambda node: {})

    def text(self, family: Family, node: Node) -> str:
        template = self.message if isinstance(self.message, str) else self.message[family]
        return normalize_space(template.format(name=qualified_name(node), **self.details(node)))

    def run(self, document: Document) -> list[Finding]:
        if not document.has(self.context):
            return []
        return [
            Finding(
                rule_id=self.id,
                severity=self.flag,
                message=self.text(document.family, node),
                location=location(node),
                layer="xrechnung",
            )
            for node in document.nodes(self.context)
            if not self.test(document, node)
        ]


def qualified_name(node: Node) -> str:
    """XPath name(): the element's name as written, with its prefix."""
    local = etree.QName(node).localname
    return f"{node.prefix}:{local}" if node.prefix else local


def location(node: Node) -> str:
    """The node's path as the KoSIT validator reports it: /Q{ns}local[position]/..."""
    steps = []
    while node is not None:
        qname = etree.QName(node)
        position = 1 + sum(1 for sibling in node.itersiblings(preceding=True) if sibling.tag == node.tag)
        steps.append(f"Q{{{qname.namespace or ''}}}{qname.localname}[{position}]")
        node = node.getparent()
    return "/" + "/".join(reversed(steps))
