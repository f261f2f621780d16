"""What the CASE importer and exporter share: identifiers, URIs, ids, the default scale, ordering.

The exporter writes, for every value the framework model has no place for, a value derived from the
model (a UUIDv5 identifier, a URI, the document's lastChangeDateTime); the importer keeps in ``extra``
only what differs from that derivation. Both sides call these functions, so the two always agree and
import -> export -> import gives back the same framework.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..framework_io import FRAMEWORK_ID, ITEM_ID

#: The namespace of every UUIDv5 the exporter derives (itself uuid5(NAMESPACE_URL, "urn:competency:case-1.1")).
CASE_NAMESPACE = uuid.UUID("0b255c40-6011-5a43-a8a7-c2fc9c139290")

#: lastChangeDateTime of an export whose framework does not say when it last changed: the Unix
#: epoch, the conventional "no real timestamp" (as SOURCE_DATE_EPOCH=0 gives), so that output never
#: depends on the clock. Set ``extra.lastChangeDateTime`` in the framework file to give the real date.
DEFAULT_LAST_CHANGE = "1970-01-01T00:00:00+00:00"

#: The key of this program's object inside CASE ``extensions``.
EXTENSION = "competency"

#: The scale an imported framework gets when its package has no CFRubrics.
DEFAULT_SCALE: tuple[tuple[str, str, str], ...] = (
    ("beginning", "Beginning", "Is starting to show this, with support."),
    ("developing", "Developing", "Shows this in familiar situations, but not yet consistently."),
    ("proficient", "Proficient", "Shows this reliably and independently: the expected standard."),
    ("advanced", "Advanced", "Shows this beyond the expected standard and helps others to develop it."),
)
DEFAULT_PROFICIENT = "proficient"

_QUALIFIED = re.compile(r"[a-z0-9][a-z0-9.-]*:[A-Za-z0-9][A-Za-z0-9._-]*")
_DOCUMENT_URI = re.compile(r"(?P<base>.+)/CFDocuments/(?P<identifier>[^/]+)")
_PROFICIENT_WORDS = re.compile(
    r"\b(proficient|proficiency|competent|competence|meets|met|mastery|mastered|secure|established|achieved)\b", re.I
)
_SHORT_OF = re.compile(r"\b(not|partially|partly|approaching|below|towards|beginning)\b", re.I)


def derived_uuid(name: str) -> str:
    """The identifier the exporter derives from ``name`` (see docs/case.md for the names)."""
    return str(uuid.uuid5(CASE_NAMESPACE, name))


def document_name(framework_id: str) -> str:
    """The UUIDv5 name of a framework's CFDocument: the framework id."""
    return framework_id


def item_name(framework_id: str, competency_id: str) -> str:
    """The UUIDv5 name of a competency's CFItem: its qualified id, ``framework-id:competency-id``."""
    return f"{framework_id}:{competency_id}"


def uri_for(document_uri: str, document_identifier: str, collection: str, identifier: str) -> str:
    """The URI of an object: beside the document's if that has a CASE REST form, else ``urn:uuid:``."""
    match = _DOCUMENT_URI.fullmatch(document_uri)
    if match and match["identifier"] == document_identifier:
        return f"{match['base']}/{collection}/{identifier}"
    return f"urn:uuid:{identifier}"


def slug(text: str) -> str:
    """Lower-case letters and digits joined by hyphens (``H.A.MATH.GM`` -> ``h-a-math-gm``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def framework_id_for(title: str, identifier: str) -> str:
    """The id an imported framework gets without ``--id``: a slug of its title (at most 60 characters)."""
    text = slug(title)
    if len(text) > 60:
        text = text[:60].rsplit("-", 1)[0] or text[:60]
    if not text or not FRAMEWORK_ID.fullmatch(text):
        text = f"case-{slug(identifier)[:8] or 'framework'}"
    return text


def competency_ids_for(items: Sequence[tuple[str, str | None]]) -> list[str]:
    """Ids for (identifier, humanCodingScheme) pairs: the slug of the code where it is unique among
    the items, else the identifier (lower-case)."""
    slugs = [slug(code) if code else "" for _, code in items]
    fallback = [_from_identifier(identifier, index) for index, (identifier, _) in enumerate(items)]
    counts = Counter(s for s in slugs if s)
    ids = [s if s and counts[s] == 1 else f for s, f in zip(slugs, fallback)]
    clashes = Counter(ids)
    # A code whose slug looks like another item's identifier: both fall back to their identifiers.
    return [f if clashes[i] > 1 else i for i, f in zip(ids, fallback)]


def _from_identifier(identifier: str, index: int) -> str:
    lowered = identifier.lower()
    return lowered if ITEM_ID.fullmatch(lowered) else (slug(identifier) or f"item-{index + 1}")


def level_ids_for(labels: Sequence[str]) -> list[str]:
    """Level ids from level labels: slugs, made unique with a numeric suffix."""
    ids: list[str] = []
    for rank, label in enumerate(labels, start=1):
        base = slug(label) or f"level-{rank}"
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


def proficient_for(labels: Sequence[str]) -> int:
    """The 0-based index of the level taken as proficient: the lowest whose label says so
    ("Proficient", "Meets", "Competent", "Mastery", ...) without saying short of it ("Not yet",
    "Approaching"); otherwise the top level of a scale of one or two, the second highest of longer ones."""
    for index, label in enumerate(labels):
        if _PROFICIENT_WORDS.search(label) and not _SHORT_OF.search(label):
            return index
    return max(len(labels) - 1, 0) if len(labels) <= 2 else len(labels) - 2


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``L1.2`` before ``L1.10``."""
    parts = re.split(r"([0-9]+)", text)
    return tuple((0, int(part)) if part.isascii() and part.isdigit() else (1, part.casefold()) for part in parts if part)


def citation(document: Mapping[str, Any]) -> str:
    """The ``source`` of an imported framework: who, what, which version, and where."""
    who = document.get("publisher") or document.get("creator") or ""
    text = f"{who}: {document.get('title', '')}" if who else str(document.get("title", ""))
    if document.get("version"):
        text += f", version {document['version']}"
    text += "."
    if document.get("officialSourceURL"):
        text += f" Official source: {document['officialSourceURL']}."
    text += f" CASE framework document {document.get('uri', '')} ({document.get('identifier', '')})."
    return text


def licence_for(licence_uri: Mapping[str, Any] | None, licences: Iterable[Mapping[str, Any]]) -> str:
    """The ``licence`` of an imported framework: the licence's title and URI, and its text if the
    package defines it."""
    if not licence_uri:
        return ""
    text = f"{licence_uri.get('title', '')} <{licence_uri.get('uri', '')}>"
    for definition in licences:
        if definition.get("identifier") == licence_uri.get("identifier") and definition.get("licenseText"):
            return f"{text}\n\n{definition['licenseText']}"
    return text


#: Node links carry a title cut to this length, as OpenSALT writes them.
NODE_TITLE_LENGTH = 60


def node_link(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The LinkGenURI (or LinkURI) the exporter writes for an item or document: its code, else its
    statement (or the document's title) cut to 60 characters, and its identifier and URI."""
    title = obj.get("humanCodingScheme") or obj.get("fullStatement") or obj.get("title") or ""
    return {"title": title[:NODE_TITLE_LENGTH], "identifier": obj.get("identifier", ""), "uri": obj.get("uri", "")}


def destination_for(target: str, items_by_competency: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The destinationNodeURI of a link to ``target``: the item of a competency of this framework;
    a competency of another framework (``framework-id:competency-id``) by the identifier its own
    export would give it; anything else (a URI) as it is."""
    if target in items_by_competency:
        return node_link(items_by_competency[target])
    if _QUALIFIED.fullmatch(target):
        identifier = derived_uuid(target)
        return {"title": target, "identifier": identifier, "uri": f"urn:uuid:{identifier}"}
    return {"title": target, "identifier": target, "uri": target}


def target_for(destination: Mapping[str, Any], competency_by_identifier: Mapping[str, str]) -> str:
    """The link target of a destinationNodeURI: the competency id of an item of this package, else its
    URI (or ``urn:uuid:`` + its identifier when the URI is not one)."""
    identifier = str(destination.get("identifier", ""))
    if identifier in competency_by_identifier:
        return competency_by_identifier[identifier]
    uri = str(destination.get("uri", ""))
    if ":" in uri:
        return uri
    return f"urn:uuid:{identifier}" if identifier else f"urn:case:{slug(uri) or 'unknown'}"


def association_type_for(link_type: str) -> str:
    """The associationType a link's type is written as: itself if CASE knows it (or it is an
    ``ext:`` name), else ``ext:`` and the type with unsafe characters replaced."""
    from ._case_schema import ASSOCIATION_TYPES, EXT_PATTERN

    if link_type in ASSOCIATION_TYPES or EXT_PATTERN.search(link_type):
        return link_type
    return "ext:" + (re.sub(r"[^A-Za-z0-9._]", "_", link_type) or "link")
