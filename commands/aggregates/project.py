"""The Project aggregate: a name, a URL slug and the project's domain keyword list."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from commands.aggregates.base import UNCHANGED, Aggregate, Cause, Unchanged, required_text
from commands.errors import InvalidCommand
from events.catalogue import SLUG
from events.dimensions import InvalidDimensionValue, normalise_keyword

# Project ids are derived from the slug, so the stream itself makes a slug unique and anyone
# holding a slug (the ingest CLI, an upload) finds its project without a read model.
PROJECT_NAMESPACE = UUID("5b0c1f3e-8a59-4d1b-9a57-3f0e6c1d2a90")


def project_id_for_slug(slug: str) -> UUID:
    return uuid5(PROJECT_NAMESPACE, slug)


@dataclass(kw_only=True)
class Project(Aggregate):
    aggregate_type = "Project"

    name: str = ""
    slug: str = ""
    # The only values the domain_keywords dimension may take in this project's sentences
    # (docs/architecture.md, Dimensions).
    domain_keywords: tuple[str, ...] = ()

    def create(self, *, name: str, slug: str, domain_keywords: Iterable[str], cause: Cause) -> None:
        data = {
            "name": required_text(name, "the project name"),
            "slug": _slug(slug),
            "domain_keywords": keyword_list(domain_keywords),
        }
        if self.id != project_id_for_slug(data["slug"]):
            # The id is how a slug stays unique without a read model (see project_id_for_slug).
            raise InvalidCommand("a project's id must be project_id_for_slug(slug)")
        self._create("ProjectCreated", data, cause)

    def update(
        self,
        *,
        name: str | Unchanged = UNCHANGED,
        domain_keywords: Iterable[str] | Unchanged = UNCHANGED,
        cause: Cause,
    ) -> None:
        self._require_exists()
        changes: dict[str, dict[str, Any]] = {}
        if name is not UNCHANGED:
            new_name = required_text(name, "the project name")
            if new_name != self.name:
                changes["name"] = {"old": self.name, "new": new_name}
        if domain_keywords is not UNCHANGED:
            new_keywords = keyword_list(domain_keywords)
            if new_keywords != list(self.domain_keywords):
                changes["domain_keywords"] = {
                    "old": list(self.domain_keywords),
                    "new": new_keywords,
                }
        if not changes:
            raise InvalidCommand("the update changes nothing")
        self._record("ProjectUpdated", {"changes": changes}, cause)

    def _creation_data(self) -> dict[str, Any]:
        return {"name": self.name, "slug": self.slug, "domain_keywords": list(self.domain_keywords)}

    def _apply(self, event_type: str, data: Mapping[str, Any]) -> None:
        match event_type:
            case "ProjectCreated":
                self.name = data["name"]
                self.slug = data["slug"]
                self.domain_keywords = tuple(data["domain_keywords"])
            case "ProjectUpdated":
                changes = data["changes"]
                if "name" in changes:
                    self.name = changes["name"]["new"]
                if "domain_keywords" in changes:
                    self.domain_keywords = tuple(changes["domain_keywords"]["new"])
            case _:
                raise self._unknown(event_type)


def keyword_list(keywords: Iterable[str]) -> list[str]:
    """The domain keyword list as stored: single-spaced, no blanks, no case-insensitive repeats.

    Repeats are dropped rather than refused: "Jira" and "jira" name the same keyword, and
    sentence values are matched against the list case-insensitively anyway.
    """
    if isinstance(keywords, str):
        raise InvalidCommand("domain_keywords must be a list of keywords, not one string")
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in keywords:
        if not isinstance(raw, str):
            raise InvalidCommand("domain keywords must be strings")
        try:
            keyword = normalise_keyword(raw)
        except InvalidDimensionValue as e:
            raise InvalidCommand(f"domain keywords: {e}") from None
        if keyword.lower() not in seen:
            seen.add(keyword.lower())
            cleaned.append(keyword)
    return cleaned


def _slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > 100:
        raise InvalidCommand(
            f"{slug!r} is not a valid slug (lower-case letters and digits in words joined by"
            " single hyphens, at most 100 characters)"
        )
    return slug
