"""CASE package -> framework data (the file layout that ``framework_from_dict`` reads).

The input is a package already checked and normalised to CASE 1.1 by ``_case_schema``. The mapping
is documented in docs/case.md; in short: the CFDocument is the framework, CFItems are competencies,
the first ``isChildOf`` of each item that resolves in the package is its place in the tree, other
associations are typed links, the first CFRubric is the scale and the level descriptors, and every
other field is kept in ``extra`` unless it equals what the exporter would derive from the model.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Problem
from ..framework_io import FRAMEWORK_ID, ITEM_ID
from ..structuring import describe
from ._case_common import (
    DEFAULT_LAST_CHANGE,
    DEFAULT_PROFICIENT,
    DEFAULT_SCALE,
    EXTENSION,
    association_type_for,
    citation,
    competency_ids_for,
    derived_uuid,
    destination_for,
    document_name,
    framework_id_for,
    item_name,
    level_ids_for,
    licence_for,
    natural_key,
    node_link,
    proficient_for,
    target_for,
    uri_for,
)

DOCUMENT = "doc"
_DOCUMENT_MAPPED = {"identifier", "title", "creator", "publisher", "description", "version"}
_ITEM_MAPPED = {"identifier", "fullStatement", "abbreviatedStatement", "CFItemType", "humanCodingScheme"}


def framework_data(package: Mapping[str, Any], framework_id: str | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """The framework (as file-layout data) of a checked CASE 1.1 package, and the problems found."""
    return _Import(package, framework_id).run()


class _Import:
    def __init__(self, package: Mapping[str, Any], framework_id: str | None) -> None:
        self.problems: list[Problem] = []
        self.requested_id = framework_id
        self.doc = dict(package["CFDocument"])
        self.items = [dict(i) for i in package.get("CFItems", [])]
        self.assocs = [dict(a) for a in package.get("CFAssociations", [])]
        self.rubrics = [dict(r) for r in package.get("CFRubrics", [])]
        self.definitions = dict(package.get("CFDefinitions", {}))
        self.package_extensions = package.get("extensions")

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, path))

    def warn(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, path, severity="warning"))

    # -- the parts ------------------------------------------------------------------------------------

    def run(self) -> tuple[dict[str, Any], list[Problem]]:
        doc = self.doc
        self.doc_ext = self.ours(doc, "CFDocument")
        self.title = doc["title"] if doc["title"].strip() else "Untitled CASE framework"
        if self.title != doc["title"]:
            self.warn("CFDocument.title", f"is empty: the framework is called {self.title!r}")
        self.fw = self.framework_id()
        self.last = doc["lastChangeDateTime"]
        self.item_exts = [self.ours(item, f"CFItems[{i}]") for i, item in enumerate(self.items)]
        self.ids = self.competency_ids()
        self.index = self.item_index()
        if any(p.severity == "error" for p in self.problems):
            return {}, self.problems
        self.by_identifier = {item["identifier"]: self.ids[i] for i, item in enumerate(self.items)}
        self.by_competency = {self.ids[i]: item for i, item in enumerate(self.items)}
        self.tree()
        if any(p.severity == "error" for p in self.problems):
            return {}, self.problems
        scale, descriptors, criteria, rubrics = self.rubric()
        order = self.order()
        competencies = [self.competency(i, descriptors.get(i), criteria.get(i)) for i in order]
        self.sequence_numbers(order, competencies)
        data = self.framework(scale, competencies, rubrics)
        return data, self.problems

    def ours(self, obj: dict[str, Any], path: str) -> dict[str, Any]:
        """Take this program's object out of ``extensions`` (dropping extensions left empty)."""
        extensions = obj.get("extensions")
        if isinstance(extensions, dict):
            found = extensions.get(EXTENSION)
            rest = {k: v for k, v in extensions.items() if k != EXTENSION}
            if rest:
                obj["extensions"] = rest
            else:
                del obj["extensions"]
            if found is None:
                return {}
            if not isinstance(found, dict):
                self.error(f"{path}.extensions.{EXTENSION}", f"expected an object, got {describe(found)}")
                return {}
            return found
        if isinstance(extensions, list):  # CFRubricCriterionLevel: an array of extension objects
            found = {}
            kept = []
            for element in extensions:
                if isinstance(element, dict) and isinstance(element.get(EXTENSION), dict):
                    found.update(element[EXTENSION])
                    element = {k: v for k, v in element.items() if k != EXTENSION}
                if element:
                    kept.append(element)
            if kept:
                obj["extensions"] = kept
            else:
                del obj["extensions"]
            return found
        return {}

    def ext_str(self, ext: Mapping[str, Any], key: str, path: str) -> str | None:
        value = ext.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"{path}.extensions.{EXTENSION}.{key}", f"expected a string, got {describe(value)}")
            return None
        return value

    def framework_id(self) -> str:
        from_ext = self.ext_str(self.doc_ext, "id", "CFDocument")
        if from_ext is not None and not FRAMEWORK_ID.fullmatch(from_ext):
            self.error(f"CFDocument.extensions.{EXTENSION}.id", f"{from_ext!r} is not a valid framework id")
            from_ext = None
        return self.requested_id or from_ext or framework_id_for(self.title, self.doc["identifier"])

    def competency_ids(self) -> list[str]:
        ids = competency_ids_for([(item["identifier"], item.get("humanCodingScheme")) for item in self.items])
        for index, ext in enumerate(self.item_exts):
            given = self.ext_str(ext, "id", f"CFItems[{index}]")
            if given is not None:
                if ITEM_ID.fullmatch(given):
                    ids[index] = given
                else:
                    self.error(f"CFItems[{index}].extensions.{EXTENSION}.id", f"{given!r} is not a valid competency id")
        return ids

    def item_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for i, item in enumerate(self.items):
            identifier = item["identifier"]
            for key in (identifier, identifier.lower()):
                if key in index and index[key] != i:
                    self.error(f"CFItems[{i}].identifier", f"duplicate identifier {identifier} (first at CFItems[{index[key]}])")
                    break
                index.setdefault(key, i)
        if self.doc["identifier"] in index:
            i = index[self.doc["identifier"]]
            self.error(f"CFItems[{i}].identifier", "is the identifier of the CFDocument too")
        return index

    def resolve(self, identifier: str) -> int | str | None:
        """An item's index, DOCUMENT for the package's CFDocument, or None."""
        if identifier == self.doc["identifier"] or identifier.lower() == self.doc["identifier"].lower():
            return DOCUMENT
        found = self.index.get(identifier)
        return found if found is not None else self.index.get(identifier.lower())

    # -- the tree -------------------------------------------------------------------------------------

    def tree(self) -> None:
        """Parents from isChildOf, typed links from the other associations; dangling links and cycles."""
        self.parent: dict[int, int | str] = {}
        self.tree_assoc: dict[int, int] = {}
        self.links: dict[int, list[int]] = {}
        self.leftover: list[dict[str, Any]] = []
        unresolved: dict[int, list[int]] = {}
        for k, assoc in enumerate(self.assocs):
            origin = self.resolve(str(assoc["originNodeURI"]["identifier"]))
            destination = self.resolve(str(assoc["destinationNodeURI"]["identifier"]))
            child_of = assoc["associationType"] == "isChildOf"
            if not isinstance(origin, int):
                if child_of:
                    origin_node = _node(assoc["originNodeURI"])
                    self.error(f"CFAssociations[{k}].originNodeURI", f"isChildOf from {origin_node}, which is not a CFItem of this package")
                else:
                    self.leftover.append(assoc)
                continue
            if child_of and origin not in self.parent and destination is not None:
                self.parent[origin] = destination
                self.tree_assoc[origin] = k
                continue
            if child_of and destination is None:
                unresolved.setdefault(origin, []).append(k)
            self.links.setdefault(origin, []).append(k)
        for origin, ks in unresolved.items():
            if origin not in self.parent:
                for k in ks:
                    node = self.assocs[k]["destinationNodeURI"]
                    self.error(f"CFAssociations[{k}].destinationNodeURI",
                               f"dangling isChildOf: {_node(node)} is neither the CFDocument nor a CFItem of this package")
        for i in range(len(self.items)):
            if i not in self.parent and i not in unresolved:
                self.warn(f"CFItems[{i}]", f"{_item(self.items[i])} has no isChildOf association: imported as a top-level competency")
                self.parent[i] = DOCUMENT
        self.cycles()

    def cycles(self) -> None:
        reported: set[int] = set()
        for start in range(len(self.items)):
            path: list[int] = []
            node: int | str | None = start
            while isinstance(node, int) and node not in path and node not in reported:
                path.append(node)
                node = self.parent.get(node)
            if isinstance(node, int) and node in path:
                cycle = path[path.index(node):]
                reported.update(cycle)
                chain = " -> ".join(_item(self.items[i]) for i in [*cycle, node])
                self.error(f"CFAssociations[{self.tree_assoc[node]}]", f"isChildOf makes a cycle: {chain}")
            reported.update(path)

    def order(self) -> list[int]:
        """Document order with each set of siblings sorted by sequenceNumber, then listEnumeration, then
        humanCodingScheme (naturally: 1.2 before 1.10), then document order: each set of siblings takes
        the places its members have in CFItems, in its own order."""

        def key(i: int) -> tuple[Any, ...]:
            item = self.items[i]
            sequence = self.assocs[self.tree_assoc[i]].get("sequenceNumber") if i in self.tree_assoc else None
            listing = item.get("listEnumeration")
            code = item.get("humanCodingScheme")
            return (
                (0, sequence) if sequence is not None else (1, 0),
                (0, natural_key(listing)) if listing else (1,),
                (0, natural_key(code)) if code else (1,),
                i,
            )

        groups: dict[int | str, list[int]] = {}
        for i in range(len(self.items)):
            groups.setdefault(self.parent[i], []).append(i)
        order = list(range(len(self.items)))
        for members in groups.values():
            for slot, member in zip(members, sorted(members, key=key)):
                order[slot] = member
        return order

    def sequence_numbers(self, order: Sequence[int], competencies: list[dict[str, Any]]) -> None:
        """Keep the sequenceNumbers of a set of siblings only where all have one and they are not
        simply 1, 2, 3, ... (which the exporter writes)."""
        groups: dict[int | str, list[tuple[int, dict[str, Any]]]] = {}
        for i, comp in zip(order, competencies):
            groups.setdefault(self.parent[i], []).append((i, comp))
        for members in groups.values():
            numbers = [self.assocs[self.tree_assoc[i]].get("sequenceNumber") if i in self.tree_assoc else None for i, _ in members]
            if None in numbers or numbers == list(range(1, len(members) + 1)):
                continue
            for (_, comp), number in zip(members, numbers):
                comp.setdefault("extra", {}).setdefault("isChildOf", {})["sequenceNumber"] = number

    # -- one competency -------------------------------------------------------------------------------

    def competency(self, i: int, descriptors: dict[str, str] | None, criterion: dict[str, Any] | None) -> dict[str, Any]:
        item = self.items[i]
        comp_id = self.ids[i]
        abbreviated = item.get("abbreviatedStatement") or ""
        title, description = (abbreviated, item["fullStatement"]) if abbreviated else (item["fullStatement"], "")
        if not title.strip():
            code = item.get("humanCodingScheme") or ""
            title = code if code.strip() else item["identifier"]
            self.warn(f"CFItems[{i}].fullStatement", f"is empty: the competency is called {title!r}")
        out: dict[str, Any] = {"id": comp_id, "title": title}
        if description:
            out["description"] = description
        if item.get("CFItemType"):
            out["kind"] = item["CFItemType"]
        parent = self.parent[i]
        if isinstance(parent, int):
            out["parent"] = self.ids[parent]
        if "humanCodingScheme" in item:
            out["code"] = item["humanCodingScheme"]
        if item["identifier"] != derived_uuid(item_name(self.fw, comp_id)):
            out["identifier"] = item["identifier"]
        if descriptors:
            out["descriptors"] = descriptors
        links = [self.link(i, k) for k in self.links.get(i, [])]
        if links:
            out["links"] = self.number_links(comp_id, links)
        extra = {k: v for k, v in item.items() if k not in _ITEM_MAPPED and not self.derivable(k, v, item["identifier"], "CFItems")}
        if i in self.tree_assoc:
            child_of = self.child_of(i, self.tree_assoc[i])
            if child_of:
                extra["isChildOf"] = child_of
        if criterion:
            extra["CFRubricCriterion"] = criterion
        self.merge_unknown(extra, self.item_exts[i], f"CFItems[{i}]")
        if extra:
            out["extra"] = extra
        return out

    def derivable(self, key: str, value: Any, identifier: str, collection: str) -> bool:
        if key == "uri":
            return bool(value == uri_for(self.doc["uri"], self.doc["identifier"], collection, identifier))
        if key == "lastChangeDateTime":
            return bool(value == self.last)
        return False

    def merge_unknown(self, extra: dict[str, Any], ext: Mapping[str, Any], path: str) -> None:
        """The ``extra`` keys the exporter could not write as CASE fields come back from our extension."""
        unknown = ext.get("extra")
        if unknown is None:
            return
        if not isinstance(unknown, dict):
            self.error(f"{path}.extensions.{EXTENSION}.extra", f"expected an object, got {describe(unknown)}")
            return
        for key, value in unknown.items():
            extra.setdefault(key, value)

    def child_of(self, i: int, k: int) -> dict[str, Any]:
        assoc = self.assocs[k]
        ext = self.ours(assoc, f"CFAssociations[{k}]")
        comp_id = self.ids[i]
        parent = self.parent[i]
        destination = node_link(self.doc if parent == DOCUMENT else self.items[parent])  # type: ignore[index]
        derived = {
            "identifier": derived_uuid(f"{item_name(self.fw, comp_id)}#isChildOf"),
            "originNodeURI": node_link(self.items[i]),
            "destinationNodeURI": destination,
        }
        meta = self.meta(assoc, derived, "CFAssociations", skip={"associationType", "sequenceNumber"})
        self.merge_unknown(meta, ext, f"CFAssociations[{k}]")
        return meta

    def meta(
        self, obj: Mapping[str, Any], derived: Mapping[str, Any], collection: str, skip: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """The fields of ``obj`` that differ from what the exporter derives (``derived``, the URI, the
        document's lastChangeDateTime)."""
        out = {}
        for key, value in obj.items():
            if key in skip or (key in derived and derived[key] == value):
                continue
            if self.derivable(key, value, str(obj.get("identifier", "")), collection):
                continue
            out[key] = value
        return out

    def link(self, i: int, k: int) -> dict[str, Any]:
        assoc = self.assocs[k]
        path = f"CFAssociations[{k}]"
        ext = self.ours(assoc, path)
        link_type = self.ext_str(ext, "type", path) or assoc["associationType"]
        target = self.ext_str(ext, "target", path) or target_for(assoc["destinationNodeURI"], self.by_identifier)
        derived = {
            "associationType": association_type_for(link_type),
            "originNodeURI": node_link(self.items[i]),
            "destinationNodeURI": destination_for(target, self.by_competency),
        }
        link: dict[str, Any] = {"type": link_type, "target": target}
        extra = self.meta(assoc, derived, "CFAssociations")
        self.merge_unknown(extra, ext, path)
        if extra:
            link["extra"] = extra
        return link

    def number_links(self, comp_id: str, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Drop each link's identifier where it is the one the exporter derives."""
        seen: dict[tuple[str, str], int] = {}
        for link in links:
            key = (link["type"], link["target"])
            seen[key] = seen.get(key, 0) + 1
            name = link_name(self.fw, comp_id, link["type"], link["target"], seen[key])
            extra = link.get("extra", {})
            if extra.get("identifier") == derived_uuid(name):
                del extra["identifier"]
                if not extra:
                    del link["extra"]
        return links

    # -- the scale ------------------------------------------------------------------------------------

    def rubric(self) -> tuple[dict[str, Any], dict[int, dict[str, str]], dict[int, dict[str, Any]], list[dict[str, Any]]]:
        """The scale, descriptors and criterion metadata by item, and what is kept of the rubrics."""
        if not self.rubrics:
            self.warn("CFRubrics", "the package has no rubric: the framework gets the default scale "
                      f"({', '.join(level[0] for level in DEFAULT_SCALE)}; proficient = {DEFAULT_PROFICIENT}), see docs/case.md")
            return self.proficient(_default_scale()), {}, {}, []
        rubric = self.rubrics[0]
        rubric_ext = self.ours(rubric, "CFRubrics[0]")
        originals = copy.deepcopy(rubric.pop("CFRubricCriteria", []))
        criteria = copy.deepcopy(originals)
        criterion_exts = [self.ours(c, f"CFRubrics[0].CFRubricCriteria[{n}]") for n, c in enumerate(criteria)]
        level_exts = [
            [self.ours(v, f"CFRubrics[0].CFRubricCriteria[{n}].CFRubricCriterionLevels[{m}]")
             for m, v in enumerate(c.get("CFRubricCriterionLevels", []))]
            for n, c in enumerate(criteria)
        ]
        scale_at = next((n for n, c in enumerate(criteria) if "CFItemURI" not in c), None)
        if scale_at is not None:
            paired = list(zip(criteria[scale_at].get("CFRubricCriterionLevels", []), level_exts[scale_at]))
            ranked = _ranked([level for level, _ in paired])
            scale_level_exts = [next(e for level, e in paired if level is r) for r in ranked]
            scale_levels = ranked
            labels = [v["quality"] if v.get("quality", "").strip() else f"Level {rank}" for rank, v in enumerate(scale_levels, start=1)]
        else:
            scale_levels = []
            labels = _union_labels([c for c in criteria if "CFItemURI" in c])
        if labels:
            level_ids = self.level_ids(labels)
            scale: dict[str, Any] = {"levels": [{"id": i, "label": label} for i, label in zip(level_ids, labels)],
                     "proficient": level_ids[proficient_for(labels)]}
        else:
            self.warn("CFRubrics[0]", "the rubric defines no levels: the framework gets the default scale (see docs/case.md)")
            scale = _default_scale()
        rubric_meta = self.meta(rubric, {"identifier": derived_uuid(f"{self.fw}#rubric"), "title": f"{self.title}: scale"}, "CFRubrics")
        self.merge_unknown(rubric_meta, rubric_ext, "CFRubrics[0]")
        if scale_at is not None:
            criterion = criteria[scale_at]
            # Scores and positions rank the levels: they are derived (1, 2, 3, ...) all together or not at all.
            derivable = {key for key in ("score", "position")
                         if all(level.get(key) == rank for rank, level in enumerate(scale_levels, start=1))}
            for rank, (level, ext, entry) in enumerate(zip(scale_levels, scale_level_exts, scale["levels"]), start=1):
                if level.get("description"):
                    entry["description"] = level["description"]
                derived = {
                    "identifier": derived_uuid(f"{self.fw}#scale#{entry['id']}"), "quality": entry["label"],
                    "rubricCriterionId": criterion["identifier"], **{key: rank for key in derivable},
                }
                meta = self.meta(level, derived, "CFRubricCriterionLevels", skip={"description"})
                self.merge_unknown(meta, ext, "CFRubrics[0]")
                if meta:
                    entry["extra"] = meta
            scale_meta = self.meta(criterion, {"identifier": derived_uuid(f"{self.fw}#scale"), "rubricId": rubric["identifier"]},
                                   "CFRubricCriteria", skip={"CFRubricCriterionLevels"})
            self.merge_unknown(scale_meta, criterion_exts[scale_at], f"CFRubrics[0].CFRubricCriteria[{scale_at}]")
            if scale_meta:
                rubric_meta["scaleCriterion"] = scale_meta
        descriptors: dict[int, dict[str, str]] = {}
        metas: dict[int, dict[str, Any]] = {}
        leftover = []
        for n, criterion in enumerate(criteria):
            if n == scale_at:
                continue
            mapped = self.criterion(criterion, level_exts[n], scale, rubric["identifier"], descriptors)
            if mapped is None:
                leftover.append(originals[n])
                continue
            i, meta = mapped
            self.merge_unknown(meta, criterion_exts[n], f"CFRubrics[0].CFRubricCriteria[{n}]")
            if meta:
                metas[i] = meta
        if leftover:
            self.warn("CFRubrics[0].CFRubricCriteria",
                      f"{len(leftover)} criteria do not fit the scale or point at no competency: kept as they are in extra")
            rubric_meta["CFRubricCriteria"] = leftover
        kept = [rubric_meta, *self.rubrics[1:]]
        return self.proficient(scale), descriptors, metas, (kept if len(kept) > 1 or rubric_meta else [])

    def proficient(self, scale: dict[str, Any]) -> dict[str, Any]:
        given = self.ext_str(self.doc_ext, "proficient", "CFDocument")
        if given is not None:
            scale["proficient"] = given
        return scale

    def level_ids(self, labels: list[str]) -> list[str]:
        given = self.doc_ext.get("levels")
        if given is None:
            return level_ids_for(labels)
        if not (isinstance(given, list) and len(given) == len(labels) and all(isinstance(x, str) for x in given)):
            self.error(f"CFDocument.extensions.{EXTENSION}.levels", f"expected {len(labels)} level ids, got {describe(given)}")
            return level_ids_for(labels)
        return list(given)

    def criterion(self, criterion: dict[str, Any], level_exts: list[dict[str, Any]], scale: Mapping[str, Any],
                  rubric_id: str, descriptors: dict[int, dict[str, str]]) -> tuple[int, dict[str, Any]] | None:
        """Map one criterion to a competency's descriptors, or None if it does not fit."""
        link = criterion.get("CFItemURI")
        i = self.resolve(str(link["identifier"])) if link else None
        if not isinstance(i, int) or i in descriptors:
            return None
        levels = scale["levels"]
        by_label: dict[str, list[str]] = {}
        for level in levels:
            by_label.setdefault(level["label"], []).append(level["id"])
        ids = [level["id"] for level in levels]
        chosen: list[str] = []
        criterion_levels = criterion.get("CFRubricCriterionLevels", [])
        for level, ext in zip(criterion_levels, level_exts):
            given = ext.get("level")
            matches: list[str] = [given] if isinstance(given, str) and given in ids else by_label.get(level.get("quality", ""), [])
            if len(matches) != 1 or matches[0] in chosen:
                return None
            chosen.append(matches[0])
        comp_id = self.ids[i]
        texts: dict[str, str] = {}
        level_meta: dict[str, Any] = {}
        for level, ext, level_id in zip(criterion_levels, level_exts, chosen):
            rank = ids.index(level_id) + 1
            derived = {
                "identifier": derived_uuid(f"{item_name(self.fw, comp_id)}#rubric#{level_id}"),
                "quality": levels[rank - 1]["label"], "score": rank, "position": rank,
                "rubricCriterionId": criterion["identifier"],
            }
            meta = self.meta(level, derived, "CFRubricCriterionLevels", skip={"description"})
            self.merge_unknown(meta, ext, "CFRubrics[0]")
            if "description" in level:
                texts[level_id] = level["description"]
            if meta or "description" not in level:
                level_meta[level_id] = meta
        descriptors[i] = texts
        derived_criterion = {
            "identifier": derived_uuid(f"{item_name(self.fw, comp_id)}#rubric"),
            "CFItemURI": node_link(self.items[i]), "rubricId": rubric_id,
        }
        meta = self.meta(criterion, derived_criterion, "CFRubricCriteria", skip={"CFRubricCriterionLevels"})
        if level_meta:
            meta["levels"] = level_meta
        return i, meta

    # -- the framework --------------------------------------------------------------------------------

    def framework(self, scale: dict[str, Any], competencies: list[dict[str, Any]], rubrics: list[dict[str, Any]]) -> dict[str, Any]:
        doc = self.doc
        ext = self.doc_ext
        publisher = str(doc.get("publisher", doc["creator"]))
        if not publisher.strip():
            publisher = "(not given)"
            self.warn("CFDocument.creator", f"is empty: the framework's publisher is {publisher!r}")
        version = doc["version"] if doc.get("version", "").strip() else self.last[:10]
        licences = self.definitions.get("CFLicenses", [])
        licence_uri = doc.get("licenseURI")
        generated = derived_uuid(f"{self.fw}#licence")
        own_licence = next((d for d in licences if licence_uri and d["identifier"] == licence_uri["identifier"] == generated), None)
        if own_licence is not None:
            licence = own_licence["licenseText"]
            licences = [d for d in licences if d is not own_licence]
            self.definitions["CFLicenses"] = licences
        else:
            licence = licence_for(licence_uri, licences)
        data: dict[str, Any] = {
            "id": self.fw,
            "version": version,
            "title": self.title,
            "publisher": publisher,
            "source": self.ext_str(ext, "source", "CFDocument") or citation(doc),
            "licence": licence if (given := self.ext_str(ext, "licence", "CFDocument")) is None else given,
            "description": doc.get("description", ""),
            "scale": scale,
            "competencies": competencies,
        }
        for key in ("rollup", "roles", "cross_cutting"):
            if key in ext:
                data[key] = ext[key]
        if doc["identifier"] != derived_uuid(document_name(self.fw)):
            data["identifier"] = doc["identifier"]
        extra: dict[str, Any] = {}
        for key, value in doc.items():
            if key in _DOCUMENT_MAPPED or (key == "licenseURI" and own_licence is not None):
                continue
            if key == "uri" and value == f"urn:uuid:{doc['identifier']}":
                continue
            if key == "lastChangeDateTime" and value == DEFAULT_LAST_CHANGE:
                continue
            extra[key] = value
        if "publisher" in doc:
            extra["creator"] = doc["creator"]
        definitions = {k: v for k, v in self.definitions.items() if v}
        if definitions:
            extra["CFDefinitions"] = definitions
        if rubrics:
            extra["CFRubrics"] = rubrics
        if self.leftover:
            extra["CFAssociations"] = self.leftover
        if self.package_extensions:
            extra["CFPackageExtensions"] = self.package_extensions
        self.merge_unknown(extra, ext, "CFDocument")
        if extra:
            data["extra"] = extra
        return data


def link_name(framework_id: str, competency_id: str, link_type: str, target: str, occurrence: int) -> str:
    """The UUIDv5 name of a link's CFAssociation (the second identical link gets ``#2``, ...)."""
    name = f"{item_name(framework_id, competency_id)}#{link_type}#{target}"
    return name if occurrence == 1 else f"{name}#{occurrence}"


def _default_scale() -> dict[str, Any]:
    levels = [{"id": i, "label": label, "description": text} for i, label, text in DEFAULT_SCALE]
    return {"levels": levels, "proficient": DEFAULT_PROFICIENT}


def _ranked(levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Criterion levels lowest first: by score if every level has a distinct one, else by position
    if every level has a distinct one, else as listed."""
    for key in ("score", "position"):
        values = [level.get(key) for level in levels]
        if None not in values and len(set(values)) == len(values):
            return sorted(levels, key=lambda level: level[key])
    return list(levels)


def _union_labels(criteria: Sequence[Mapping[str, Any]]) -> list[str]:
    """Without a scale criterion, the scale is every level label the criteria use, ranked by score
    (or position) where every label has one, else in order of first appearance."""
    first: dict[str, Mapping[str, Any]] = {}
    for criterion in criteria:
        for level in criterion.get("CFRubricCriterionLevels", []):
            if level.get("quality", "").strip():
                first.setdefault(level["quality"], level)
    labels = list(first)
    for key in ("score", "position"):
        values = [first[label].get(key) for label in labels]
        if None not in values and len(set(values)) == len(values):
            return sorted(labels, key=lambda label: first[label][key])
    return labels


def _node(node: Mapping[str, Any]) -> str:
    title = node.get("title")
    return f"{node.get('identifier')} ({title!r})" if title else str(node.get("identifier"))


def _item(item: Mapping[str, Any]) -> str:
    label = item.get("humanCodingScheme") or item.get("fullStatement", "")
    label = label if len(label) <= 40 else label[:37] + "..."
    return f"{label!r}" if label else str(item["identifier"])
