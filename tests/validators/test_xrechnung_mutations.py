"""Small lxml mutations of official test invoices, shared by the XRechnung rule tests (no tests here)."""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

from parsers import detect
from parsers.document import Detected
from tests.conftest import TESTSUITE
from validators.xrechnung.terms import NAMESPACES

Mutation = Callable[[etree._Element], None]
_DECLARATIONS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())


def load(relative: str) -> Detected:
    return detect((TESTSUITE / relative).read_bytes())


def mutated(relative: str, *mutations: Mutation) -> Detected:
    detected = load(relative)
    for mutation in mutations:
        mutation(detected.root)
    return detected


def _select(root: etree._Element, xpath: str) -> list:
    found = root.xpath(xpath, namespaces=NAMESPACES)
    assert found, f"mutation target not found: {xpath}"
    return found


def remove(xpath: str) -> Mutation:
    def apply(root):
        for node in _select(root, xpath):
            node.getparent().remove(node)

    return apply


def text(xpath: str, value: str) -> Mutation:
    def apply(root):
        for node in _select(root, xpath):
            node.text = value

    return apply


def edit(xpath: str, change: Callable[[str], str]) -> Mutation:
    """Replace the text of every match by `change(old text)`."""

    def apply(root):
        for node in _select(root, xpath):
            node.text = change(node.text or "")

    return apply


def attribute(xpath: str, name: str, value: str) -> Mutation:
    def apply(root):
        for node in _select(root, xpath):
            node.set(name, value)

    return apply


def append(parent_xpath: str, snippet: str) -> Mutation:
    """Append the element written in `snippet` (prefixes as in terms.NAMESPACES) to the first parent."""

    def apply(root):
        parent = _select(root, parent_xpath)[0]
        wrapper = etree.fromstring(f"<wrapper {_DECLARATIONS}>{snippet}</wrapper>")
        for child in list(wrapper):
            parent.append(child)

    return apply


def duplicate(xpath: str) -> Mutation:
    """Insert a deep copy of the first match right after it."""

    def apply(root):
        node = _select(root, xpath)[0]
        node.addnext(copy.deepcopy(node))

    return apply
