"""The one place that builds an analyzer backend, from the ANALYZER setting or a name."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from analysis.port import Analyzer


def analyzer_names() -> tuple[str, ...]:
    return tuple(settings.ANALYZERS)


def get_analyzer(name: str | None = None) -> Analyzer:
    """A new analyzer of backend `name` (default: the ANALYZER setting). The caller closes it.

    Raises ImproperlyConfigured when the backend's settings are unusable.
    """
    name = name or settings.ANALYZER
    if name == "heuristic":
        from analysis.heuristic import HeuristicAnalyzer

        return HeuristicAnalyzer()
    if name == "openai":
        from analysis.openai_compatible import OpenAIAnalyzer

        try:
            return OpenAIAnalyzer(
                base_url=settings.OPENAI_BASE_URL,
                api_key=settings.OPENAI_API_KEY,
                model=settings.OPENAI_MODEL,
                concurrency=settings.ANALYZER_CONCURRENCY,
                timeout=settings.OPENAI_TIMEOUT,
                max_attempts=settings.OPENAI_MAX_ATTEMPTS,
            )
        except ValueError as e:
            raise ImproperlyConfigured(f"the openai analyzer (OPENAI_* settings): {e}") from e
    raise ImproperlyConfigured(f"unknown analyzer {name!r} (one of {', '.join(analyzer_names())})")
